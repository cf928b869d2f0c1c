import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { BoardRoom } from "../../src/board/BoardRoom";

// Shared by the Worker tests: every call goes through the real Worker (router,
// validation, D1 directory, Durable Object), as a client would.

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely; each test asserts the shape it relies on.
export type Json = any;

export interface Answer {
  status: number;
  body: Json;
  headers: Headers;
}

export const ORIGIN = "http://lanes.test";
export const BASE = `${ORIGIN}/api/v1`;

/** A signed-up person and the cookie their browser would send. */
export interface Person {
  id: string;
  email: string;
  name: string;
  cookie: string;
}

let people = 0;
let current: Person | null = null;

/**
 * Signs a new person up through the API. Each comes from an address of their own,
 * as real people do, so the sign-up rate limit (per address) never trips a test.
 */
export async function signUp(name = "Tester"): Promise<Person> {
  people += 1;
  const email = `${name.toLowerCase().replace(/[^a-z]/g, "")}.${people}.${crypto.randomUUID().slice(0, 8)}@lanes.test`;
  const res = await exports.default.fetch(`${BASE}/auth/signup`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      origin: ORIGIN,
      "cf-connecting-ip": `10.0.${people >> 8}.${people & 255}`,
    },
    body: JSON.stringify({ email, name, password: "correct horse battery staple" }),
  });
  const body = (await res.json()) as Json;
  expect(res.status, JSON.stringify(body)).toBe(201);
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] as string;
  return { ...body.user, cookie };
}

/** The person the test file acts as by default (signed up on first use). */
export async function me(): Promise<Person> {
  current ??= await signUp("Owner");
  return current;
}

/** The default person, once `me()` or any call has signed them up. */
export function myId(): string {
  if (!current) throw new Error("no one is signed in yet: call me() first");
  return current.id;
}

/** Sends `body` as JSON (when given) and parses the answer's JSON (null when empty). */
export function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  as?: Person | null,
): Promise<Answer> {
  return rawCall(method, path, body === undefined ? undefined : JSON.stringify(body), headers, as);
}

/**
 * Sends `body` exactly as given (malformed JSON, oversized bodies), signed in as
 * `as` (the default person when absent; nobody when null), from the app's origin.
 */
export async function rawCall(
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
  as?: Person | null,
): Promise<Answer> {
  const person = as === undefined ? await me() : as;
  const res = await exports.default.fetch(`${BASE}${path}`, {
    method,
    headers: {
      "content-type": "application/json",
      origin: ORIGIN,
      ...(person ? { cookie: person.cookie } : {}),
      ...headers,
    },
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  let parsed: Json = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

let boardCounter = 0;

/**
 * A board key unique within a test file (storage is shared by the tests of one file):
 * up to 2 letters, a 4-digit counter and 4 random digits, so keys never collide.
 */
export function uniqueBoardKey(prefix = "B"): string {
  boardCounter += 1;
  const letters = prefix.replace(/[^A-Z]/g, "").slice(0, 2) || "B";
  const counter = String(boardCounter).padStart(4, "0");
  const salt = String(Math.floor(Math.random() * 1e4)).padStart(4, "0");
  return `${letters}${counter}${salt}`;
}

export interface NewBoard {
  id: string;
  key: string;
  name: string;
  board: Json;
}

/** Creates a board through the API (default columns todo / in_progress / done). */
export async function newBoard(
  options: { key?: string; name?: string; mode?: "kanban" | "scrum" } = {},
): Promise<NewBoard> {
  const key = options.key ?? uniqueBoardKey();
  const name = options.name ?? `Board ${key}`;
  const res = await call("POST", "/boards", { name, key, ...(options.mode ? { mode: options.mode } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.board.id, key, name, board: res.body.board };
}

/** The board's snapshot (seq, board, columns, tasks, members…): compare before and after a refused request. */
export async function boardState(boardId: string): Promise<Json> {
  const res = await call("GET", `/boards/${boardId}/snapshot`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** How many events the board's log holds. */
export async function eventCount(boardId: string): Promise<number> {
  const res = await call("GET", `/boards/${boardId}/events?after=0&limit=1000`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.events.length;
}

/** Asserts the API's one error shape, with this status and code; returns the error for further checks. */
export function expectError(res: Answer, status: number, code: string): Json {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
  expect(res.body.error.message.length).toBeGreaterThan(0);
  return res.body.error;
}

/** The board's Durable Object, for acting as someone other than the API's local user. */
export function roomOf(boardId: string) {
  return env.BOARD_ROOM.get(env.BOARD_ROOM.idFromName(boardId));
}

/**
 * Sets when a board's subscriber may next run: 0 to skip its backoff now, a time far
 * ahead to hold it back as a slow or failing projection would.
 */
export async function subscriberDueAt(boardId: string, name: string, at: number): Promise<void> {
  await runInDurableObject(roomOf(boardId), (room: BoardRoom) => {
    // biome-ignore lint/suspicious/noExplicitAny: reaching the board's store to move one subscriber's next attempt.
    const store = (room as any).store;
    store.saveCursor({ ...store.cursor(name), nextAttemptAt: at });
  });
}

/**
 * Waits, when less than `needsMs` is left of the clock's current period (a minute,
 * a UTC day), for the next one: work that counts per period then falls in one.
 */
export async function withinOnePeriod(periodMs: number, needsMs: number): Promise<void> {
  const left = periodMs - (Date.now() % periodMs);
  if (left < needsMs) await new Promise((done) => setTimeout(done, left + 50));
}

/** Adds a member to the board's own state (as its owner) through its Durable Object, without an account. */
export async function addMember(
  boardId: string,
  userId: string,
  role: "owner" | "member" | "viewer" = "member",
  name = userId,
): Promise<void> {
  const { result } = await roomOf(boardId).command(
    { opId: crypto.randomUUID(), command: { type: "addMember", userId, name, role } },
    { id: myId(), role: "owner" },
  );
  expect(result.status, JSON.stringify(result)).toBe("applied");
}
