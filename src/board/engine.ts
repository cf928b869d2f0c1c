import type { CommandEnvelope } from "../domain/commands";
import { commandTaskKey } from "../domain/commands";
import { decide } from "../domain/decide";
import { type BoardEvent, EVENT_VERSIONS } from "../domain/events";
import { evolve, noneTouched, type Touched } from "../domain/evolve";
import type { BoardState } from "../domain/model";
import type { Attempt, CommandResult } from "../domain/outcomes";

export type { Attempt, CommandResult };

// The board's command loop, free of any platform: idempotency by opId, decide,
// append and fold, all against a narrow storage port. The BoardRoom Durable Object
// plugs SQLite into it; tests plug in memory.

export interface BoardStore {
  /** The board as of the last appended event (loaded on first use). */
  readonly state: BoardState;
  /** The result a command with this opId already had, if any. */
  findResult(opId: string): CommandResult | null;
  /** Runs `work` atomically: either everything it wrote is kept, or nothing. */
  transaction<T>(work: () => T): T;
  /** Appends the event and writes the rows it touched; `state` already includes it. */
  append(event: BoardEvent, touched: Touched): void;
  /** Makes sure the subscribers hear of the new event; part of the same transaction. */
  scheduleDelivery(): void;
  recordAttempt(attempt: Attempt): void;
}

export interface Caller {
  actor: string;
  /** Server time, ISO 8601. */
  at: string;
}

export function executeCommand(store: BoardStore, envelope: CommandEnvelope, caller: Caller): CommandResult {
  return store.transaction(() => {
    const previous = store.findResult(envelope.opId);
    if (previous) return previous;

    const state = store.state;
    const seq = state.seq + 1;
    // Without a base the command is based on the board as it is now.
    const baseSeq = envelope.baseSeq ?? state.seq;
    const decision = decide(state, envelope.command, { ...caller, seq, baseSeq });
    if (decision.kind === "event") {
      const event = {
        ...decision.event,
        seq,
        opId: envelope.opId,
        actor: caller.actor,
        at: caller.at,
        v: EVENT_VERSIONS[decision.event.type],
      } as BoardEvent;
      const touched = noneTouched();
      evolve(state, event, touched);
      store.append(event, touched);
      store.scheduleDelivery();
      return { status: "applied", seq, event };
    }
    const result: Attempt["result"] =
      decision.kind === "unchanged"
        ? { status: "unchanged", seq: state.seq }
        : decision.kind === "conflict"
          ? { status: "conflict", seq: state.seq, conflicts: decision.conflicts }
          : { status: "rejected", seq: state.seq, error: decision.error };
    store.recordAttempt({
      opId: envelope.opId,
      seq: state.seq,
      actor: caller.actor,
      at: caller.at,
      baseSeq,
      taskKey: commandTaskKey(envelope.command),
      command: envelope.command,
      result,
    });
    return result;
  });
}
