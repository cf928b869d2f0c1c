import type { Command, CommandEnvelope } from "../domain/commands";
import { commandTaskKey } from "../domain/commands";
import { decide } from "../domain/decide";
import { invalid, ruleBroken } from "../domain/errors";
import { type BoardEvent, EVENT_VERSIONS } from "../domain/events";
import { evolve, noneTouched, type Touched } from "../domain/evolve";
import type { BoardState, Role } from "../domain/model";
import type { Attempt, CommandResult } from "../domain/outcomes";

export type { Attempt, CommandResult };

// The board's command loop, free of any platform: idempotency by opId, decide,
// append and fold, all against a narrow storage port. The BoardRoom Durable Object
// plugs SQLite into it; tests plug in memory.

export interface BoardStore {
  /** The board as of the last appended event (loaded on first use). */
  readonly state: BoardState;
  /** The result a command with this opId already had, with the fingerprint of that command. */
  findResult(opId: string): { result: CommandResult; commandHash: string | null } | null;
  /** Runs `work` atomically: either everything it wrote is kept, or nothing. */
  transaction<T>(work: () => T): T;
  /** Appends the event and writes the rows it touched; `state` already includes it. */
  append(event: BoardEvent, touched: Touched, commandHash?: string): void;
  /** Makes sure the subscribers hear of the new event; part of the same transaction. */
  scheduleDelivery(): void;
  recordAttempt(attempt: Attempt, commandHash: string): void;
}

export interface Caller {
  actor: string;
  /** The caller's role on the board, checked again by the board itself. */
  role: Role;
  /** Server time, ISO 8601. */
  at: string;
}

export function executeCommand(store: BoardStore, envelope: CommandEnvelope, caller: Caller): CommandResult {
  return store.transaction(() => {
    const commandHash = fingerprint(envelope.command);
    const previous = store.findResult(envelope.opId);
    if (previous) {
      // A retry gets the first answer; a different command under a used opId is a client bug.
      if (previous.commandHash === null || previous.commandHash === commandHash) return previous.result;
      return {
        status: "rejected",
        seq: store.state.seq,
        error: ruleBroken(
          "op_id_reused",
          "This opId (Idempotency-Key) was already used for a different change; send a new one with each new change.",
        ),
      };
    }

    const state = store.state;
    const seq = state.seq + 1;
    if (envelope.baseSeq !== undefined && envelope.baseSeq > state.seq) {
      return {
        status: "rejected",
        seq: state.seq,
        error: invalid(
          "base_seq_ahead",
          `Your copy claims seq ${envelope.baseSeq}, but this board is at ${state.seq}; reload the board and try again.`,
        ),
      };
    }
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
      store.append(event, touched, commandHash);
      store.scheduleDelivery();
      return { status: "applied", seq, event };
    }
    const result: Attempt["result"] =
      decision.kind === "unchanged"
        ? { status: "unchanged", seq: state.seq }
        : decision.kind === "conflict"
          ? { status: "conflict", seq: state.seq, conflicts: decision.conflicts }
          : { status: "rejected", seq: state.seq, error: decision.error };
    store.recordAttempt(
      {
        opId: envelope.opId,
        seq: state.seq,
        actor: caller.actor,
        at: caller.at,
        baseSeq,
        taskKey: commandTaskKey(envelope.command),
        command: envelope.command,
        result,
      },
      commandHash,
    );
    return result;
  });
}

/**
 * A 53-bit fingerprint of a command (cyrb53), kept with its opId so a reused opId
 * carrying another command is refused instead of answered with the wrong result.
 */
export function fingerprint(command: Command): string {
  const text = JSON.stringify(command);
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** The task a command is about: the one it names, or the one it created. */
export function subjectTask(envelope: CommandEnvelope, result: CommandResult): string | null {
  if ("key" in envelope.command) return envelope.command.key;
  if (result.status === "applied" && result.event.type === "task.created") return result.event.payload.task.key;
  // A worklog's edit names the worklog; its event names the task.
  if (result.status === "applied" && "key" in result.event.payload) return result.event.payload.key;
  return null;
}
