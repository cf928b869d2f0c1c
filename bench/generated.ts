import type { Attempt, BoardStore, CommandResult } from "../src/board/engine";
import type { BoardEvent } from "../src/domain/events";
import { emptyState } from "../src/domain/model";

// What the benchmark's generated boards are made with: the engine's storage port in
// memory, and a seeded random source so every run builds the same board.

/** The engine's storage port in memory: each appended event handed to `keep`, results found by opId. */
export function memoryStore(keep: (event: BoardEvent) => void): BoardStore {
  const state = emptyState();
  const results = new Map<string, CommandResult>();
  return {
    state,
    findResult: (opId) => {
      const result = results.get(opId);
      return result ? { result, commandHash: null } : null;
    },
    transaction: (work) => work(),
    append(event: BoardEvent) {
      keep(event);
      results.set(event.opId, { status: "applied", seq: event.seq, event });
    },
    scheduleDelivery() {},
    recordAttempt(attempt: Attempt) {
      results.set(attempt.opId, attempt.result);
    },
  };
}

/** Small, seeded, the same sequence every run (mulberry32). */
export function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  return { next, int, pick };
}
