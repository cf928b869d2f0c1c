import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import { expect, inject } from "vitest";
import type { BoardRoom } from "../../src/board/BoardRoom";
import { call, type Json, roomOf } from "./helpers";
import type { Answer, Received } from "./webhookReceiver";

// Driving webhooks from the Worker tests: an endpoint of its own on the loopback
// receiver for each test, the board's retry clock moved by hand, and waiting for
// what the board's alarms do.

export interface Endpoint {
  url: string;
  plan(answers: Answer[]): Promise<void>;
  requests(): Promise<Received[]>;
  held(): Promise<number>;
  release(): Promise<void>;
}

export function endpoint(): Endpoint {
  const base = inject("webhookReceiver");
  const name = crypto.randomUUID();
  const control = (action: string, init?: RequestInit) =>
    fetch(`${base}/control/${name}/${action}`, init).then((r) => r.json() as Promise<Json>);
  return {
    url: `${base}/hooks/${name}`,
    plan: async (answers) => {
      await control("plan", { method: "POST", body: JSON.stringify(answers) });
    },
    requests: () => control("requests"),
    held: async () => (await control("held")).held,
    release: async () => {
      await control("release", { method: "POST" });
    },
  };
}

/** The board's retry clock, a day ahead of the wall clock so that no retry ever comes due by itself. */
export async function retryClock(boardId: string): Promise<{ now: number }> {
  const clock = { now: Date.now() + 24 * 3_600_000 };
  await runInDurableObject(roomOf(boardId), (room: BoardRoom) => {
    // biome-ignore lint/suspicious/noExplicitAny: the test moves the board's retry clock instead of waiting hours.
    (room as any).clock = () => clock.now;
  });
  return clock;
}

/**
 * Waits until `check` returns something other than undefined, running the board's
 * pending alarm first when asked (new events are delivered by an alarm that also
 * fires on its own; retries only when the test runs it).
 */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  options: { boardId?: string; what?: string } = {},
): Promise<T> {
  for (let round = 0; round < 400; round++) {
    if (options.boardId) await runDurableObjectAlarm(roomOf(options.boardId));
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`never happened: ${options.what ?? "the expected outcome"}`);
}

/** Waits for the receiver to hold `count` requests, and returns them. */
export function received(hook: Endpoint, count: number, boardId?: string): Promise<Received[]> {
  return eventually(
    async () => {
      const all = await hook.requests();
      return all.length >= count ? all : undefined;
    },
    { boardId, what: `${count} requests at the receiver` },
  );
}

/** Verifies a delivery with the reference Standard Webhooks library and returns its parsed body. */
export function verified(secret: string, request: Received): Json {
  return new Webhook(secret).verify(request.body, request.headers);
}

export async function createWebhook(
  boardId: string,
  body: Record<string, unknown>,
): Promise<{ id: string; secret: string }> {
  const res = await call("POST", `/boards/${boardId}/webhooks`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.webhook.id, secret: res.body.secret };
}

export async function webhookOf(boardId: string, id: string): Promise<Json> {
  const res = await call("GET", `/boards/${boardId}/webhooks/${id}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.webhook;
}

export async function deliveriesOf(boardId: string, id: string): Promise<Json[]> {
  const res = await call("GET", `/boards/${boardId}/webhooks/${id}/deliveries?limit=100`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.deliveries;
}
