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
  /** How to replace the whole projection with one replayed from the log. Without it, a rebuild delivers the log from seq 0. */
  rebuild?: Rebuilder;
}

/**
 * A projection rebuilt from the log page by page, into rows no reader sees until
 * `finish` swaps them in. Each step is idempotent, like `deliver`: a page handed over
 * again (the board restarted before its progress was saved) writes the same rows.
 */
export interface Rebuilder {
  /** Clears what an earlier, unfinished rebuild left behind; runs before the first page. */
  begin(boardId: string): Promise<void>;
  /** Replays one page of the log, the one right after the previous page, into the fresh rows. */
  page(batch: DeliveryBatch): Promise<void>;
  /** Puts the fresh rows in place of the live ones in one step; they stand for the log up to `seq`. */
  finish(boardId: string, seq: number): Promise<void>;
}

/** A rebuild under way: the log up to `target` replayed page by page. */
export interface RebuildProgress {
  /** The log's last seq when the rebuild was asked for; later events follow as ordinary deliveries. */
  target: number;
  /** Seq of the last event replayed so far (0: none yet). */
  through: number;
  /** Pages replayed so far. */
  pages: number;
}

export interface Cursor {
  name: string;
  /** Seq of the last event the subscriber finished (during a rebuild: the projection readers still see). */
  cursor: number;
  failures: number;
  /** Epoch ms before which a failing subscriber is not retried; null when healthy. */
  nextAttemptAt: number | null;
  lastError: string | null;
  rebuild: RebuildProgress | null;
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

/**
 * How much of the log a rebuild holds and writes at a time. A page is what the
 * object keeps in memory and hands to the projection at once; a run is one alarm,
 * and ends after `pagesPerRun` pages or once it has taken `runMs`, whichever comes
 * first, so a rebuild of a long log spans many alarms and no single one nears the
 * platform's limits (memory, D1 queries per invocation) or holds the board's
 * commands and the other subscribers for long (a year board, 100,000 events: a
 * hundred pages, half a second of work at a time; see bench/results.md).
 */
export interface RebuildLimits {
  pageEvents: number;
  pagesPerRun: number;
  runMs: number;
}

export const REBUILD_LIMITS: RebuildLimits = { pageEvents: 1_000, pagesPerRun: 10, runMs: 500 };

/** The limits, with the page size and the pages per run taken from the settings where they are whole numbers. */
export function rebuildLimits(settings: { pageEvents?: string | undefined; pagesPerRun?: string | undefined }) {
  const whole = (value: string | undefined, fallback: number) => {
    const n = Number(value);
    return value && Number.isInteger(n) && n > 0 ? n : fallback;
  };
  return {
    ...REBUILD_LIMITS,
    pageEvents: whole(settings.pageEvents, REBUILD_LIMITS.pageEvents),
    pagesPerRun: whole(settings.pagesPerRun, REBUILD_LIMITS.pagesPerRun),
  };
}

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
  limits: RebuildLimits = REBUILD_LIMITS,
): Promise<number | null> {
  const next = await Promise.all(subscribers.map((s) => deliverOne(store, s, now, limits)));
  const due = next.filter((t): t is number => t !== null);
  return due.length === 0 ? null : Math.min(...due);
}

async function deliverOne(
  store: CursorStore,
  subscriber: Subscriber,
  now: () => number,
  limits: RebuildLimits,
): Promise<number | null> {
  let cursor = store.cursor(subscriber.name);
  if (cursor.nextAttemptAt !== null && cursor.nextAttemptAt > now()) return cursor.nextAttemptAt;
  const board = store.state.board;
  if (!board) return null;
  const failed = (error: unknown) => {
    const failures = cursor.failures + 1;
    cursor = {
      ...cursor,
      failures,
      nextAttemptAt: now() + retryDelay(failures),
      lastError: error instanceof Error ? error.message : String(error),
    };
    store.saveCursor(cursor);
    return cursor.nextAttemptAt;
  };
  // A rebuild runs here, not in the request that asked for it, so no delivery of
  // the same subscriber can interleave with it: alarm runs never overlap.
  if (cursor.rebuild && subscriber.rebuild) {
    try {
      cursor = await rebuildSome(store, board.id, subscriber.rebuild, cursor, now, limits);
    } catch (error) {
      // With the pages it saved before the failure.
      cursor = store.cursor(subscriber.name);
      return failed(error);
    }
    // Not done within this run's share: the next alarm goes on from the saved page.
    if (cursor.rebuild) return now();
  }
  for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
    const events = store.events(cursor.cursor, BATCH_SIZE);
    const last = events.at(-1);
    if (!last) return null;
    try {
      await subscriber.deliver({ boardId: board.id, events, state: store.state });
    } catch (error) {
      return failed(error);
    }
    cursor = { ...cursor, cursor: last.seq, failures: 0, nextAttemptAt: null, lastError: null };
    store.saveCursor(cursor);
  }
  // Still behind after this run's share: come back at once.
  return now();
}

/**
 * Replays pages of the log into the subscriber's fresh rows, saving the progress
 * after each, until the run's share is spent or the target is reached and swapped
 * in. The cursor then stands at the target: events appended during the rebuild
 * follow as ordinary deliveries.
 */
async function rebuildSome(
  store: CursorStore,
  boardId: string,
  rebuilder: Rebuilder,
  start: Cursor,
  now: () => number,
  limits: RebuildLimits,
): Promise<Cursor> {
  let cursor = start;
  const began = now();
  for (let pages = 0; pages < limits.pagesPerRun && now() - began < limits.runMs; pages++) {
    const progress = cursor.rebuild;
    if (!progress) break;
    // Nothing saved yet: whatever is there was left by an attempt that did not finish.
    if (progress.through === 0) await rebuilder.begin(boardId);
    const events =
      progress.through < progress.target
        ? store.events(progress.through, Math.min(limits.pageEvents, progress.target - progress.through))
        : [];
    const last = events.at(-1);
    if (!last) {
      await rebuilder.finish(boardId, progress.target);
      cursor = { ...cursor, cursor: progress.target, failures: 0, nextAttemptAt: null, lastError: null, rebuild: null };
      store.saveCursor(cursor);
      break;
    }
    await rebuilder.page({ boardId, events, state: store.state });
    const rebuild = { target: progress.target, through: last.seq, pages: progress.pages + 1 };
    cursor = { ...cursor, failures: 0, nextAttemptAt: null, lastError: null, rebuild };
    store.saveCursor(cursor);
  }
  return cursor;
}
