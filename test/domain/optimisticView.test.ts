import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OptimisticView, ROW_KINDS, type ViewChanges } from "../../client/src/sync/OptimisticView";
import { optimisticState } from "../../client/src/sync/optimisticState";
import type { PendingCommand } from "../../client/src/sync/pendingStore";
import type { ClientCommand } from "../../client/src/sync/taskKeys";
import { executeCommand } from "../../src/board/engine";
import { clientCommandSchema } from "../../src/domain/commands";
import { evolve, noneTouched, type Touched } from "../../src/domain/evolve";
import { type BoardState, emptyState } from "../../src/domain/model";
import { clock, createBoard, OWNER, steps, toCommand } from "./boardArbitraries";
import { memoryStore } from "./memoryStore";

// The view a client shows is kept row by row: after every change it must equal the
// view computed from scratch (confirmed state + pending queue), and a reader that
// copies only the rows each change names must end up with the same board.

const ACTOR = { userId: OWNER, role: "owner" as const };

/** What happens to the client at a step: someone else's change lands, this person makes one, or the board answers the oldest. */
const turn = fc.constantFrom("foreign", "mine", "mine", "answer");

/** Copies the rows `changes` names from `view` into `mirror`, as the board's store does. */
function copyChanges(mirror: BoardState, view: BoardState, changes: ViewChanges): BoardState {
  if (changes === "all") return structuredClone(view);
  for (const kind of ROW_KINDS) {
    const from = view[kind] as Record<string, unknown>;
    const to = mirror[kind] as Record<string, unknown>;
    for (const id of changes[kind]) {
      if (from[id] === undefined) delete to[id];
      else to[id] = structuredClone(from[id]);
    }
  }
  mirror.seq = view.seq;
  mirror.nextNumber = view.nextNumber;
  if (changes.board) {
    mirror.board = structuredClone(view.board);
    mirror.settings = structuredClone(view.settings);
  }
  return mirror;
}

describe("the optimistic view", () => {
  it("kept row by row, equals the view computed from scratch, and the rows it reports are all a reader needs", () => {
    fc.assert(
      fc.property(steps, fc.array(turn, { minLength: 40, maxLength: 40 }), fc.boolean(), (script, turns, seeded) => {
        const store = memoryStore();
        const now = clock();
        createBoard(store, now());
        // The client's confirmed state: what the board sent, folded as it arrived.
        let confirmed: BoardState = seeded ? structuredClone(store.state) : emptyState();
        let confirmedRows: Touched | "all" = seeded ? noneTouched() : "all";
        const queue: PendingCommand[] = [];
        const view = new OptimisticView();
        let mirror = structuredClone(confirmed);
        if (seeded) view.seed(confirmed);
        let opCounter = 0;
        let folded = store.events.length;

        const foldNew = () => {
          for (const event of store.events.slice(folded)) {
            if (confirmedRows === "all") evolve(confirmed, event);
            else evolve(confirmed, event, confirmedRows);
          }
          folded = store.events.length;
        };

        script.forEach((s, i) => {
          const what = turns[i % turns.length];
          const at = now();
          if (what === "foreign") {
            executeCommand(
              store,
              { opId: `op-f${i}`, command: toCommand(store, s.intent) as ClientCommand },
              {
                actor: OWNER,
                at,
                role: "owner",
              },
            );
            foldNew();
          } else if (what === "mine") {
            const command = clientCommandSchema.safeParse(toCommand(store, s.intent));
            if (command.success) {
              opCounter += 1;
              queue.push({
                opId: `op-mine-${opCounter}`,
                baseSeq: confirmed.seq,
                command: command.data,
                provisional: {},
              });
            }
          } else {
            const head = queue.shift();
            if (head) {
              executeCommand(store, { opId: head.opId, command: head.command }, { actor: OWNER, at, role: "owner" });
              foldNew();
            }
          }
          if (i % 7 === 0 && confirmed.seq === 0) return;
          if (confirmed.seq === 0) {
            confirmed = structuredClone(store.state);
            confirmedRows = "all";
            folded = store.events.length;
          }
          view.update(confirmed, confirmedRows, queue, ACTOR, at);
          confirmedRows = noneTouched();
          const expected = optimisticState(confirmed, queue, ACTOR, at).state;
          expect(view.state).toEqual(expected);
          mirror = copyChanges(mirror, view.state as BoardState, view.takeChanges());
          expect(mirror).toEqual(expected);
        });
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 150) },
    );
  });

  it("after a seed, reports only what changed: a move on a large board names one task", () => {
    const store = memoryStore();
    const now = clock();
    createBoard(store, now());
    for (let i = 0; i < 300; i++) {
      executeCommand(
        store,
        { opId: `op-${i}`, command: { type: "createTask", task: { title: `Task ${i}` } } },
        { actor: OWNER, at: now(), role: "owner" },
      );
    }
    const confirmed = structuredClone(store.state);
    const view = new OptimisticView();
    view.seed(confirmed);
    const queue: PendingCommand[] = [
      {
        opId: "op-move",
        baseSeq: confirmed.seq,
        command: { type: "moveTask", key: "WEB-7", columnId: "done" },
        provisional: {},
      },
    ];
    view.update(confirmed, noneTouched(), queue, ACTOR, now());
    const changes = view.takeChanges();
    if (changes === "all") throw new Error("the whole board was reported");
    expect([...changes.tasks]).toEqual(["WEB-7"]);
    expect(view.state?.tasks["WEB-7"]?.columnId).toBe("done");
    expect(confirmed.tasks["WEB-7"]?.columnId).toBe("todo");
  });
});
