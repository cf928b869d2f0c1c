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
    cursor: (name) =>
      saved.get(name) ?? { name, cursor: 0, failures: 0, nextAttemptAt: null, lastError: null, rebuild: null },
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
      rebuild: null,
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

describe("a rebuild", () => {
  const limits = { pageEvents: 10, pagesPerRun: 3, runMs: 60_000 };

  /** A store whose "reports" subscriber was asked to rebuild at `target`, and a subscriber that records each call. */
  function rebuilding(log: BoardEvent[], target: number, failPage: (first: number) => boolean = () => false) {
    const store = memoryCursors(log);
    store.saveCursor({
      name: "reports",
      cursor: 4,
      failures: 0,
      nextAttemptAt: null,
      lastError: null,
      rebuild: { target, through: 0, pages: 0 },
    });
    const calls: string[] = [];
    const subscriber: Subscriber = {
      name: "reports",
      async deliver({ events }) {
        calls.push(`deliver ${events[0]?.seq}-${events.at(-1)?.seq}`);
      },
      rebuild: {
        async begin() {
          calls.push("begin");
        },
        async page({ events }) {
          const first = events[0]?.seq ?? 0;
          if (failPage(first)) throw new Error("D1 is busy");
          calls.push(`page ${first}-${events.at(-1)?.seq}`);
        },
        async finish(_, seq) {
          calls.push(`finish ${seq}`);
        },
      },
    };
    return { store, subscriber, calls };
  }

  it("replays the log a bounded page at a time, a few pages an alarm, then swaps and delivers what came during it", async () => {
    const log = logOf(45);
    const { store, subscriber, calls } = rebuilding(log, 45);
    // Each run does its share and asks for the next at once; readers keep the old cursor meanwhile.
    expect(await deliverAll(store, [subscriber], () => 1, limits)).toBe(1);
    expect(calls).toEqual(["begin", "page 1-10", "page 11-20", "page 21-30"]);
    expect(store.saved.get("reports")).toMatchObject({ cursor: 4, rebuild: { target: 45, through: 30, pages: 3 } });
    // Appended while the rebuild runs: past its target, delivered after the swap.
    log.push(...logOf(50).slice(45));
    expect(await deliverAll(store, [subscriber], () => 2, limits)).toBeNull();
    expect(calls.slice(4)).toEqual(["page 31-40", "page 41-45", "finish 45", "deliver 46-50"]);
    expect(store.saved.get("reports")).toMatchObject({ cursor: 50, rebuild: null, failures: 0 });
  });

  it("stops a run once its time is spent, whatever pages it had left", async () => {
    const { store, subscriber, calls } = rebuilding(logOf(45), 45);
    let clock = 0;
    const slow = () => (clock += 1_000);
    await deliverAll(store, [subscriber], slow, { ...limits, pagesPerRun: 100, runMs: 2_500 });
    expect(calls).toEqual(["begin", "page 1-10", "page 11-20"]);
  });

  it("after a failure goes on from the last page it saved, and begins again only when it saved none", async () => {
    let down = true;
    const { store, subscriber, calls } = rebuilding(logOf(25), 25, (first) => first === 11 && down);
    expect(await deliverAll(store, [subscriber], () => 0, limits)).toBe(1_000);
    expect(store.saved.get("reports")).toMatchObject({
      failures: 1,
      lastError: "D1 is busy",
      rebuild: { through: 10, pages: 1 },
    });
    down = false;
    expect(await deliverAll(store, [subscriber], () => 1_000, limits)).toBeNull();
    expect(calls).toEqual(["begin", "page 1-10", "page 11-20", "page 21-25", "finish 25"]);

    // Stopped before its first page was saved (the board restarted): what it wrote is cleared first.
    const restarted = rebuilding(logOf(5), 5, () => down);
    down = true;
    await deliverAll(restarted.store, [restarted.subscriber], () => 0, limits);
    down = false;
    await deliverAll(restarted.store, [restarted.subscriber], () => 1_000, limits);
    expect(restarted.calls).toEqual(["begin", "begin", "page 1-5", "finish 5"]);
  });
});

describe("retryDelay", () => {
  it("doubles from one second and stops at ten minutes", () => {
    expect([1, 2, 3, 4].map(retryDelay)).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(retryDelay(30)).toBe(600_000);
  });
});
