import { noneTouched, type Touched } from "../../../src/domain/evolve";
import type { BoardState } from "../../../src/domain/model";
import { type Actor, applyQueue } from "./optimisticState";
import type { PendingCommand } from "./pendingStore";
import { plainCopy } from "./plainCopy";

/** Rows of the board, by the record that holds them: what a change names. */
export type RowKind = Exclude<keyof Touched, "board">;
export const ROW_KINDS: readonly RowKind[] = [
  "columns",
  "tasks",
  "comments",
  "members",
  "worklogs",
  "sprints",
  "timers",
];

/**
 * What changed in the view since it was last read: the rows to read again (a row
 * missing from the view was deleted), or `all` when it was rebuilt whole. The
 * board's own fields (seq, name, settings, next number) are small and always re-read.
 */
export type ViewChanges = Touched | "all";

/**
 * The board as the person sees it (confirmed + pending), kept up to date row by row.
 *
 * Rebuilding it from the confirmed state for every change meant copying the whole
 * board each time: seconds per change on a 5,000-task board. The view differs from
 * the confirmed state only in the rows the pending commands touched, so an update
 * puts back those rows and the rows new confirmed events touched, copied from the
 * confirmed state, then applies the queue again; every other row is already equal.
 * The result is the same as `optimisticState` would compute from scratch.
 */
export class OptimisticView {
  private view: BoardState | null = null;
  /**
   * After a seed, and while nothing is pending, the view is the confirmed state
   * itself, so that opening a large board does not wait for a copy of it. It gets
   * its own copy at the first pending command, or earlier through `prepare`.
   */
  private shared: BoardState | null = null;
  /** Rows where the view differs from the confirmed state: those the queue's commands touched. */
  private pendingRows: Touched = noneTouched();
  private unread: ViewChanges = noneTouched();
  provisionalKeys = new Map<string, string>();

  /**
   * Starts from a board the reader already holds a copy of: nothing to read yet. The
   * view shares `confirmed` (the caller's, folded in place) until it needs its own.
   */
  seed(confirmed: BoardState): void {
    this.view = null;
    this.shared = confirmed;
    this.pendingRows = noneTouched();
    this.unread = noneTouched();
  }

  /** Gives the view its own copy now if it still shares the confirmed state: for a quiet moment, so the first change need not wait for it. */
  prepare(): void {
    if (this.shared === null) return;
    this.view = plainCopy(this.shared);
    this.shared = null;
  }

  /** The view; null until the first update or seed. Folded in place: read, never keep or change. */
  get state(): BoardState | null {
    return this.view ?? this.shared;
  }

  /**
   * Brings the view to `confirmed` + `queue`. `confirmedRows` are the rows confirmed
   * events changed since the last update (`all` after a snapshot replaced it).
   */
  update(
    confirmed: BoardState,
    confirmedRows: ViewChanges,
    queue: readonly PendingCommand[],
    actor: Actor,
    at: string,
  ): void {
    if (this.shared !== null) {
      const same = this.shared === confirmed && confirmedRows !== "all";
      if (same && queue.length === 0) {
        // Still the confirmed state itself: what its events changed is what changed.
        this.unread = this.unread === "all" ? "all" : union(this.unread, confirmedRows);
        this.provisionalKeys = new Map();
        return;
      }
      if (same) this.prepare();
      else this.shared = null;
    }
    const view = this.view;
    if (view === null || confirmedRows === "all") {
      this.view = plainCopy(confirmed);
      this.unread = "all";
    } else {
      const restore = union(confirmedRows, this.pendingRows);
      for (const kind of ROW_KINDS) {
        const rows = view[kind] as Record<string, unknown>;
        const source = confirmed[kind] as Record<string, unknown>;
        for (const id of restore[kind]) {
          if (source[id] === undefined) delete rows[id];
          else rows[id] = plainCopy(source[id]);
        }
      }
      this.unread = this.unread === "all" ? "all" : union(this.unread, restore);
    }
    const target = this.view as BoardState;
    target.board = plainCopy(confirmed.board);
    target.settings = plainCopy(confirmed.settings);
    target.nextNumber = confirmed.nextNumber;
    target.seq = confirmed.seq;
    const applied = noneTouched();
    this.provisionalKeys = applyQueue(target, queue, actor, at, applied);
    this.pendingRows = applied;
    if (this.unread !== "all") this.unread = union(this.unread, applied);
  }

  /** The changes since the last call, and forgets them. */
  takeChanges(): ViewChanges {
    const changes = this.unread;
    this.unread = noneTouched();
    return changes;
  }
}

function union(a: Touched, b: Touched): Touched {
  const out = noneTouched();
  out.board = a.board || b.board;
  for (const kind of ROW_KINDS) out[kind] = new Set([...a[kind], ...b[kind]]);
  return out;
}

/** True when the changes name no row. */
export function nothingChanged(changes: ViewChanges): boolean {
  return changes !== "all" && !changes.board && ROW_KINDS.every((kind) => changes[kind].size === 0);
}
