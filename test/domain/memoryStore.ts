import type { Attempt, BoardStore, CommandResult } from "../../src/board/engine";
import type { BoardEvent } from "../../src/domain/events";
import type { Touched } from "../../src/domain/evolve";
import { type BoardState, emptyState } from "../../src/domain/model";

/**
 * The engine's storage port held in memory, for the domain tests. Like SQLite it
 * keeps what it is given as JSON, so nothing the engine holds afterwards aliases the
 * log, and like the SQLite store it writes to its "tables" only the rows an event
 * says it touched: `load()` answers what a restarted board would start from.
 */
export interface MemoryStore extends BoardStore {
  readonly events: readonly BoardEvent[];
  readonly attempts: readonly Attempt[];
  /** The board rebuilt from the touched rows only, as a restarted object loads it. */
  load(): BoardState;
}

const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export function memoryStore(): MemoryStore {
  const state = emptyState();
  const rows = emptyState();
  const events: BoardEvent[] = [];
  const attempts: Attempt[] = [];

  const copyRows = (touched: Touched) => {
    if (touched.board) {
      rows.board = asJson(state.board);
      rows.nextNumber = state.nextNumber;
      rows.settings = asJson(state.settings);
    }
    const tables = ["columns", "tasks", "comments", "members", "worklogs", "sprints", "timers"] as const;
    for (const table of tables) {
      const source: Record<string, unknown> = state[table];
      const target: Record<string, unknown> = rows[table];
      for (const id of touched[table]) {
        if (source[id] === undefined) delete target[id];
        else target[id] = asJson(source[id]);
      }
    }
  };

  const hashes = new Map<string, string>();
  return {
    state,
    events,
    attempts,
    findResult(opId: string) {
      const event = events.find((e) => e.opId === opId);
      if (event) {
        const result: CommandResult = { status: "applied", seq: event.seq, event: asJson(event) };
        return { result, commandHash: hashes.get(opId) ?? null };
      }
      const attempt = attempts.find((a) => a.opId === opId);
      return attempt
        ? { result: asJson(attempt.result) as CommandResult, commandHash: hashes.get(opId) ?? null }
        : null;
    },
    transaction: <T>(work: () => T): T => work(),
    append(event: BoardEvent, touched: Touched, commandHash?: string) {
      events.push(asJson(event));
      if (commandHash) hashes.set(event.opId, commandHash);
      copyRows(touched);
    },
    recordAttempt(attempt: Attempt, commandHash: string) {
      attempts.push(asJson(attempt));
      hashes.set(attempt.opId, commandHash);
    },
    // Delivery to subscribers is the Durable Object's concern; nothing to schedule here.
    scheduleDelivery() {},
    load() {
      return { ...asJson(rows), seq: events.at(-1)?.seq ?? 0 };
    },
  };
}
