import { decide } from "../../../src/domain/decide";
import { type BoardEvent, EVENT_VERSIONS } from "../../../src/domain/events";
import { evolve, noneTouched, type Touched } from "../../../src/domain/evolve";
import type { BoardState, Role } from "../../../src/domain/model";
import type { PendingCommand } from "./pendingStore";
import { type ClientCommand, type TaskKeyField, type TaskKeys, withTaskKeys } from "./taskKeys";

// What the person sees: the board as the server confirmed it, with their pending
// commands applied on top by the same decide and evolve the board runs. Recomputed
// from the confirmed state after every change, so a foreign event slides in under
// the pending commands (a rebase) instead of being patched around them.

export interface Actor {
  userId: string;
  role: Role;
}

export interface OptimisticState {
  state: BoardState;
  /** Keys of tasks that exist only as pending creations → the opId of the createTask. */
  provisionalKeys: Map<string, string>;
}

/**
 * The confirmed state with `queue` applied in order. A command the local board would
 * refuse is shown as not applied (it is still sent: the server decides). The seq of
 * the result stays the confirmed one; the pending commands' stamps carry seqs past
 * it, which no one outside this function reads.
 */
export function optimisticState(
  confirmed: BoardState,
  queue: readonly PendingCommand[],
  actor: Actor,
  at: string,
): OptimisticState {
  const state = structuredClone(confirmed);
  const provisionalKeys = applyQueue(state, queue, actor, at, noneTouched());
  return { state, provisionalKeys };
}

/**
 * Applies `queue` to `state` (in place), collecting the rows it changed in
 * `touched`; returns the keys of tasks that exist only as pending creations. The
 * state's seq is left at the confirmed one it started from.
 */
export function applyQueue(
  state: BoardState,
  queue: readonly PendingCommand[],
  actor: Actor,
  at: string,
  touched: Touched,
): Map<string, string> {
  const confirmedSeq = state.seq;
  const predicted = new Map<string, string>();
  const provisionalKeys = new Map<string, string>();
  for (const entry of queue) {
    // Already folded into the confirmed state; the engine drops it at its next step.
    if (entry.ackedAt !== undefined && entry.ackedAt <= confirmedSeq) continue;
    const command = resolveProvisional(entry, predicted);
    if (command === null) continue;
    const seq = state.seq + 1;
    // Based on the state it is applied to: locally, nothing conflicts.
    const decision = decide(state, command, { actor: actor.userId, role: actor.role, at, seq, baseSeq: seq });
    if (decision.kind !== "event") continue;
    const event = {
      ...decision.event,
      seq,
      opId: entry.opId,
      actor: actor.userId,
      at,
      v: EVENT_VERSIONS[decision.event.type],
    } as BoardEvent;
    evolve(state, event, touched);
    if (event.type === "task.created") {
      predicted.set(entry.opId, event.payload.task.key);
      provisionalKeys.set(event.payload.task.key, entry.opId);
    }
  }
  state.seq = confirmedSeq;
  return provisionalKeys;
}

/**
 * The entry's command with each task it names by provisional key set to the key its
 * creation has now (`keyOf` maps a createTask's opId to it), or null when a creation
 * it depends on has none: it was refused, or its key could not be learnt.
 */
export function resolveProvisional(entry: PendingCommand, keyOf: ReadonlyMap<string, string>): ClientCommand | null {
  const keys: TaskKeys = {};
  for (const [field, creatorOpId] of Object.entries(entry.provisional) as [TaskKeyField, string][]) {
    const key = keyOf.get(creatorOpId);
    if (key === undefined) return null;
    keys[field] = key;
  }
  return Object.keys(keys).length === 0 ? entry.command : withTaskKeys(entry.command, keys);
}
