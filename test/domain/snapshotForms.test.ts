import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { boardStateFromSnapshot } from "../../client/src/sync/boardMessages";
import { executeCommand } from "../../src/board/engine";
import { columnsFromRows, rowsFromColumns } from "../../src/domain/records";
import { snapshotOf, snapshotWithColumns } from "../../src/domain/views";
import { clock, createBoard, OWNER, steps, toCommand } from "./boardArbitraries";
import { memoryStore } from "./memoryStore";

// A snapshot's tasks travel as a list or as columns (one array per field): the web
// app must read both into the same board, and refuse columns that do not line up.

/** JSON as it crosses the wire. */
const wire = <T>(value: T): unknown => JSON.parse(JSON.stringify(value));

describe("a snapshot's tasks as columns", () => {
  it("reads into the same board as the list, with stamps or without", () => {
    fc.assert(
      fc.property(steps, fc.boolean(), (script, stamps) => {
        const store = memoryStore();
        const now = clock();
        createBoard(store, now());
        script.forEach((s, i) => {
          executeCommand(
            store,
            { opId: `op-${i}`, command: toCommand(store, s.intent) },
            { actor: OWNER, at: now(), role: "owner" },
          );
        });
        const { state } = store;
        const fromRows = boardStateFromSnapshot(state.seq, wire(snapshotOf(state, { stamps })));
        const fromColumns = boardStateFromSnapshot(state.seq, wire(snapshotWithColumns(state, { stamps })));
        expect(fromColumns).not.toBeNull();
        expect(fromColumns).toEqual(fromRows);
        if (stamps) expect(fromRows?.tasks).toEqual(state.tasks);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 60) },
    );
  });

  it("turns rows into columns and back; columns of different lengths are no rows", () => {
    const rows = [
      { key: "WEB-1", labels: ["ui"], points: 3 },
      { key: "WEB-2", labels: [], points: null },
    ];
    const columns = columnsFromRows(rows, ["key", "labels", "points"]);
    expect(columns).toEqual({ key: ["WEB-1", "WEB-2"], labels: [["ui"], []], points: [3, null] });
    expect(rowsFromColumns(columns)).toEqual(rows);
    expect(rowsFromColumns({ ...columns, points: [3] })).toBeNull();
  });

  it("refuses a board whose columns do not line up or hold a wrong value", () => {
    const store = memoryStore();
    const now = clock();
    createBoard(store, now());
    for (const title of ["One", "Two"]) {
      executeCommand(
        store,
        { opId: title, command: { type: "createTask", task: { title } } },
        {
          actor: OWNER,
          at: now(),
          role: "owner",
        },
      );
    }
    const { state } = store;
    const good = wire(snapshotWithColumns(state, { stamps: false })) as { tasks: Record<string, unknown[]> };
    expect(boardStateFromSnapshot(state.seq, good)?.tasks["WEB-2"]?.title).toBe("Two");
    const short = { ...good, tasks: { ...good.tasks, title: ["One"] } };
    expect(boardStateFromSnapshot(state.seq, short)).toBeNull();
    const wrong = { ...good, tasks: { ...good.tasks, priority: ["high", "whenever"] } };
    expect(boardStateFromSnapshot(state.seq, wrong)).toBeNull();
  });
});
