import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Caller, type CommandResult, executeCommand } from "../../src/board/engine";
import type { CommandEnvelope } from "../../src/domain/commands";
import { clock, createBoard, envelopeFor, steps } from "./boardArbitraries";
import { memoryStore } from "./memoryStore";

// A retried command (a lost ack, a reconnect that replays the offline queue) must
// return what it returned the first time and append nothing, whatever happened on
// the board in between and whatever that first answer was.

describe("a command sent again with the same opId", () => {
  it("returns the original result and changes nothing, for every kind of result", () => {
    const retried = new Set<CommandResult["status"]>();
    fc.assert(
      fc.property(steps, fc.array(fc.nat(), { minLength: 40, maxLength: 40 }), (run, picks) => {
        const store = memoryStore();
        const now = clock();
        createBoard(store, now());
        const sent: { envelope: CommandEnvelope; caller: Caller; result: CommandResult }[] = [];

        for (const [i, s] of run.entries()) {
          const envelope = envelopeFor(store, s, `op-${i}`);
          const caller = { actor: s.actor, at: now(), role: "owner" as const };
          sent.push({ envelope, caller, result: executeCommand(store, envelope, caller) });

          // Retry the command just sent and one sent earlier, later than they first ran.
          const earlier = sent[(picks[i] ?? 0) % sent.length];
          for (const original of [sent.at(-1), earlier]) {
            if (!original) continue;
            const state = structuredClone(store.state);
            const events = store.events.length;
            const attempts = store.attempts.length;
            const again = executeCommand(store, original.envelope, { ...original.caller, at: now() });
            expect(again).toEqual(original.result);
            expect(store.events.length).toBe(events);
            expect(store.attempts.length).toBe(attempts);
            expect(store.state).toEqual(state);
            retried.add(again.status);
          }
        }
      }),
      { numRuns: 100 },
    );
    expect([...retried].sort()).toEqual(["applied", "conflict", "rejected", "unchanged"]);
  });
});
