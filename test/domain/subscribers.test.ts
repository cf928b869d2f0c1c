import { describe, expect, it } from "vitest";
import {
  BATCH_SIZE,
  type Cursor,
  type CursorStore,
  type DeliveryBatch,
  deliverAll,
  retryDelay,
  type Subscriber,
} from "../../src/board/subscribers";
import type { BoardEvent } from "../../src/domain/events";
import { emptyState } from "../../src/domain/model";

// The delivery loop against a log in memory: order, cursors, failures and backoff.

function logOf(n: number): BoardEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    seq: i + 1,
    opId: `op-${i + 1}`,
    actor: "usr_a",
    at: new Date(0).toISOString(),
    type: "board.renamed",
    v: 1,
    payload: { name: `n${i + 1}`, previousName: `n${i}` },
  }));
}

function memoryCursors(log: BoardEvent[]): CursorStore & { saved: Map<string, Cursor> } {
  const saved = new Map<string, Cursor>();
  const state = emptyState();
  state.board = { id: "brd_x", name: "X", key: "X", mode: "kanban", createdAt: "", createdBy: "", deletedAt: null };
  state.seq = log.length;
  return {
    state,
    saved,
    cursor: (name) => saved.get(name) ?? { name, cursor: 0, failures: 0, nextAttemptAt: null, lastError: null },
    saveCursor: (c) => void saved.set(c.name, c),
    events: (after, limit) => log.filter((e) => e.seq > after).slice(0, limit),
  };
}

function recorder(name: string, failWhen: (batch: DeliveryBatch) => boolean = () => false) {
  const seen: number[] = [];
  const subscriber: Subscriber = {
    name,
    async deliver(batch) {
      if (failWhen(batch)) throw new Error(`${name} is down`);
      seen.push(...batch.events.map((e) => e.seq));
    },
  };
  return { subscriber, seen };
}

describe("deliverAll", () => {
  it("hands every event once, in seq order and in batches, then reports nothing more to do", async () => {
    const log = logOf(BATCH_SIZE * 2 + 5);
    const store = memoryCursors(log);
    const { subscriber, seen } = recorder("index");
    expect(await deliverAll(store, [subscriber], () => 1_000)).toBeNull();
    expect(seen).toEqual(log.map((e) => e.seq));
    expect(store.saved.get("index")).toMatchObject({ cursor: log.length, failures: 0, nextAttemptAt: null });
    // Caught up: another run delivers nothing.
    expect(await deliverAll(store, [subscriber], () => 2_000)).toBeNull();
    expect(seen).toHaveLength(log.length);
  });

  it("keeps a failing subscriber's cursor, backs it off, and lets the others through", async () => {
    const store = memoryCursors(logOf(3));
    const healthy = recorder("index");
    const failing = recorder("webhook", () => true);
    const next = await deliverAll(store, [failing.subscriber, healthy.subscriber], () => 10_000);
    expect(healthy.seen).toEqual([1, 2, 3]);
    expect(store.saved.get("webhook")).toEqual({
      name: "webhook",
      cursor: 0,
      failures: 1,
      nextAttemptAt: 11_000,
      lastError: "webhook is down",
    });
    expect(next).toBe(11_000);
    // Not due yet: skipped, and the next alarm stays at its retry time.
    expect(await deliverAll(store, [failing.subscriber], () => 10_500)).toBe(11_000);
    expect(store.saved.get("webhook")?.failures).toBe(1);
  });

  it("retries from its cursor once due, and recovers", async () => {
    const store = memoryCursors(logOf(4));
    let down = true;
    const flaky = recorder("webhook", () => down);
    await deliverAll(store, [flaky.subscriber], () => 0);
    await deliverAll(store, [flaky.subscriber], () => 1_000);
    expect(store.saved.get("webhook")).toMatchObject({ failures: 2, nextAttemptAt: 3_000 });
    down = false;
    expect(await deliverAll(store, [flaky.subscriber], () => 3_000)).toBeNull();
    expect(flaky.seen).toEqual([1, 2, 3, 4]);
    expect(store.saved.get("webhook")).toMatchObject({ cursor: 4, failures: 0, nextAttemptAt: null, lastError: null });
  });

  it("yields after its share of batches and asks to run again at once", async () => {
    const store = memoryCursors(logOf(BATCH_SIZE * 12));
    const { subscriber, seen } = recorder("index");
    expect(await deliverAll(store, [subscriber], () => 5)).toBe(5);
    expect(seen).toHaveLength(BATCH_SIZE * 10);
    expect(await deliverAll(store, [subscriber], () => 6)).toBeNull();
    expect(seen).toHaveLength(BATCH_SIZE * 12);
  });
});

describe("retryDelay", () => {
  it("doubles from one second and stops at ten minutes", () => {
    expect([1, 2, 3, 4].map(retryDelay)).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(retryDelay(30)).toBe(600_000);
  });
});
