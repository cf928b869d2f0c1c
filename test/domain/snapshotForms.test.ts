import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { boardStateFromSnapshot } from "../../client/src/sync/boardMessages";
import { executeCommand } from "../../src/board/engine";
import { checkColumns, columnsFromRows, columnsOf, rowsFromColumns } from "../../src/domain/columns";
import { taskRecord } from "../../src/domain/records";
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

  it("checks a column as the field's schema does, value by value: the quick check accepts exactly the same", () => {
    const shape = taskRecord.shape;
    const fields = Object.keys(shape) as (keyof typeof shape)[];
    // Values of every kind a task's fields hold, and some they must not.
    const value = fc.constantFrom<unknown>(
      "text",
      "",
      "high",
      "bug",
      "WEB-1",
      0,
      3,
      1.5,
      -2,
      null,
      true,
      [],
      ["ui"],
      ["ui", 3],
      { a: 1 },
      undefined,
    );
    // Mostly the values of real tasks (so that whole tables pass too), now and then anything.
    const store = memoryStore();
    const now = clock();
    createBoard(store, now());
    const made = [
      { title: "Plain" },
      { title: "Full", type: "bug", priority: "high", labels: ["ui", "api"], storyPoints: 5, dueDate: "2026-03-01" },
    ];
    for (const [i, task] of made.entries()) {
      executeCommand(
        store,
        { opId: `make-${i}`, command: { type: "createTask", task } as never },
        {
          actor: OWNER,
          at: now(),
          role: "owner",
        },
      );
    }
    const real = Object.values(store.state.tasks) as unknown as Record<string, unknown>[];
    const cell = (f: string) =>
      fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...real.map((t) => t[f])) }, { weight: 1, arbitrary: value });
    const table = fc.record(
      Object.fromEntries(fields.map((f) => [f, fc.array(cell(f), { maxLength: 3 })])) as Record<
        string,
        fc.Arbitrary<unknown[]>
      >,
      { requiredKeys: fields.slice(1) },
    );
    const schema = columnsOf(shape);
    let accepted = 0;
    fc.assert(
      fc.property(table, (columns) => {
        const slow = schema.safeParse(columns);
        const quick = checkColumns(shape, columns);
        expect(quick !== null).toBe(slow.success);
        if (slow.success) {
          accepted += 1;
          expect(quick).toEqual(slow.data);
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 2000) },
    );
    expect(accepted).toBeGreaterThan(0);
    // A column that is not an array, and one of a field the task does not have, dropped as the schema drops it.
    const good = Object.fromEntries(fields.map((f) => [f, []]));
    expect(checkColumns(shape, { ...good, title: "One" })).toBeNull();
    expect(checkColumns(shape, { ...good, extra: [1] })).toEqual(good);
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
