import type { BoardEvent } from "../domain/events";
import type { BoardState } from "../domain/model";

// Subscribers read a board's log from outside the board: the D1 projections, and
// later webhooks and notifications. Each is a named, durable cursor in the board's
// SQLite. The board's alarm hands every subscriber the events after its cursor, in
// seq order and in batches, and moves the cursor only once the subscriber says the
// batch is done. Delivery is at least once: a subscriber must be idempotent. One
// that fails waits (exponential backoff, capped) and retries from its cursor, while
// commands and the other subscribers carry on.

export interface DeliveryBatch {
  boardId: string;
  events: BoardEvent[];
  /** The board as it is now, which may already be past the batch's last event. */
  state: BoardState;
}

export interface Subscriber {
  name: string;
  /** Handles the batch or throws; throwing leaves the cursor where it was. */
  deliver(batch: DeliveryBatch): Promise<void>;
  /**
   * Replaces the whole projection with one built from the whole log (`events` is
   * every event), or throws. Without it, a rebuild delivers the log from seq 0.
   */
  rebuild?(batch: DeliveryBatch): Promise<void>;
}

/** The cursor of a subscriber asked to rebuild: its next run replays the whole log at once. */
export const REBUILD_REQUESTED = -1;

export interface Cursor {
  name: string;
  /** Seq of the last event the subscriber finished. */
  cursor: number;
  failures: number;
  /** Epoch ms before which a failing subscriber is not retried; null when healthy. */
  nextAttemptAt: number | null;
  lastError: string | null;
}

/** What the delivery loop needs from the board's storage. */
export interface CursorStore {
  readonly state: BoardState;
  cursor(name: string): Cursor;
  saveCursor(cursor: Cursor): void;
  events(after: number, limit: number): BoardEvent[];
}

export const BATCH_SIZE = 200;
/** Batches one subscriber may take in one alarm run before yielding to the next run. */
const MAX_BATCHES_PER_RUN = 10;
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 10 * 60_000;

/** 1 s, 2 s, 4 s … capped at 10 minutes. */
export function retryDelay(failures: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1));
}

/**
 * Runs every subscriber that is due, side by side, and returns when the board's
 * alarm should next fire (null: every subscriber is caught up and healthy).
 */
export async function deliverAll(
  store: CursorStore,
  subscribers: readonly Subscriber[],
  now: () => number,
): Promise<number | null> {
  const next = await Promise.all(subscribers.map((s) => deliverOne(store, s, now)));
  const due = next.filter((t): t is number => t !== null);
  return due.length === 0 ? null : Math.min(...due);
}

async function deliverOne(store: CursorStore, subscriber: Subscriber, now: () => number): Promise<number | null> {
  let cursor = store.cursor(subscriber.name);
  if (cursor.nextAttemptAt !== null && cursor.nextAttemptAt > now()) return cursor.nextAttemptAt;
  for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
    // A rebuild runs here, not in the request that asked for it, so no delivery of
    // the same subscriber can interleave with it: alarm runs never overlap.
    const rebuild = cursor.cursor === REBUILD_REQUESTED && subscriber.rebuild !== undefined;
    const events = rebuild ? store.events(0, Number.MAX_SAFE_INTEGER) : store.events(cursor.cursor, BATCH_SIZE);
    const last = events.at(-1);
    if (!last || !store.state.board) return null;
    try {
      const delivery = { boardId: store.state.board.id, events, state: store.state };
      await (rebuild ? subscriber.rebuild?.(delivery) : subscriber.deliver(delivery));
    } catch (error) {
      const failures = cursor.failures + 1;
      cursor = {
        ...cursor,
        failures,
        nextAttemptAt: now() + retryDelay(failures),
        lastError: error instanceof Error ? error.message : String(error),
      };
      store.saveCursor(cursor);
      return cursor.nextAttemptAt;
    }
    cursor = { ...cursor, cursor: last.seq, failures: 0, nextAttemptAt: null, lastError: null };
    store.saveCursor(cursor);
  }
  // Still behind after this run's share: come back at once.
  return now();
}
