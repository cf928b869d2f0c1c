import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CommandResult, executeCommand } from "../../src/board/engine";
import type { Command, CommandOf } from "../../src/domain/commands";
import type { FieldConflict } from "../../src/domain/errors";
import { type BoardState, columnOrder, type Task } from "../../src/domain/model";
import { clock, createBoard, OWNER } from "./boardArbitraries";
import { type MemoryStore, memoryStore } from "./memoryStore";

// Two edits of the same card. A command conflicts only on the fields it writes that
// another command changed after its base to a different value; everything else
// merges. The expected outcome is modelled here independently of decide().

const TASK = "WEB-1";
/** Tasks that never move during a case, so positions next to them stay valid. */
const FILLERS = { "WEB-2": "todo", "WEB-3": "in_progress", "WEB-4": "done", "WEB-5": "in_progress" } as const;
const COLUMNS = ["todo", "in_progress", "done"] as const;

// Two or three values per field, so edits often agree and often disagree.
const SCALARS = {
  title: ["Fix login", "Fix signup"],
  description: ["", "Steps to reproduce"],
  type: ["story", "bug"],
  priority: ["high", "low"],
  assigneeId: [null, "ana", "ben"],
  storyPoints: [null, 3, 5],
  dueDate: [null, "2026-12-31"],
  parentKey: [null, "WEB-2", "WEB-3"],
} as const;
type Scalar = keyof typeof SCALARS;
type ScalarValues = Partial<Record<Scalar, string | number | null>>;
type SetEdit = { add?: string[]; remove?: string[] };

type Edit =
  | { kind: "update"; changes: ScalarValues; labels?: SetEdit; watchers?: SetEdit }
  | { kind: "move"; columnId: string; where: "top" | "bottom" | { before: number } | { after: number } };

const setEdit = (pool: string[]) =>
  fc.record({ add: fc.subarray(pool), remove: fc.subarray(pool) }, { requiredKeys: [] });

const scalarChanges = fc.record(
  Object.fromEntries(Object.entries(SCALARS).map(([field, values]) => [field, fc.constantFrom(...values)])) as {
    [F in Scalar]: fc.Arbitrary<(typeof SCALARS)[F][number]>;
  },
  { requiredKeys: [] },
);

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record(
    {
      kind: fc.constant("update" as const),
      changes: scalarChanges,
      labels: setEdit(["ui", "api", "bug"]),
      watchers: setEdit([OWNER, "ana", "ben"]),
    },
    { requiredKeys: ["kind", "changes"] },
  ),
  fc.record({
    kind: fc.constant("move" as const),
    columnId: fc.constantFrom(...COLUMNS),
    where: fc.oneof(
      fc.constantFrom("top" as const, "bottom" as const),
      fc.record({ before: fc.nat(3) }),
      fc.record({ after: fc.nat(3) }),
    ),
  }),
);

function toCommand(state: BoardState, e: Edit): Command {
  if (e.kind === "update") {
    return {
      type: "updateTask",
      key: TASK,
      changes: {
        ...e.changes,
        ...(e.labels ? { labels: e.labels } : {}),
        ...(e.watchers ? { watchers: e.watchers } : {}),
      } as CommandOf<"updateTask">["changes"],
    };
  }
  const anchors = columnOrder(state, e.columnId)
    .map((t) => t.key)
    .filter((k) => k !== TASK);
  const w = e.where;
  if (typeof w === "string" || anchors.length === 0) {
    return { type: "moveTask", key: TASK, columnId: e.columnId, position: typeof w === "string" ? w : "bottom" };
  }
  const anchor = anchors[("before" in w ? w.before : w.after) % anchors.length] as string;
  return {
    type: "moveTask",
    key: TASK,
    columnId: e.columnId,
    ...("before" in w ? { beforeKey: anchor } : { afterKey: anchor }),
  };
}

interface Board {
  store: MemoryStore;
  run(command: Command, actor: string, baseSeq?: number): { result: CommandResult; at: string; opId: string };
}

function board(startColumn: string): Board {
  const store = memoryStore();
  const now = clock();
  let op = 0;
  const run: Board["run"] = (command, actor, baseSeq) => {
    const at = now();
    const opId = `op-${++op}`;
    const result = executeCommand(
      store,
      { opId, command, ...(baseSeq === undefined ? {} : { baseSeq }) },
      { actor, at, role: "owner" },
    );
    return { result, at, opId };
  };
  createBoard(store, now());
  const setup: Command[] = [
    { type: "addMember", userId: "ana", name: "Ana", role: "member" },
    { type: "addMember", userId: "ben", name: "Ben", role: "member" },
    { type: "createTask", task: { title: "Base title", labels: ["api"] } },
    ...Object.entries(FILLERS).map(
      ([key, columnId]): Command => ({
        type: "createTask",
        task: { title: `Filler ${key}`, columnId },
      }),
    ),
    { type: "moveTask", key: TASK, columnId: startColumn, position: "top" },
  ];
  for (const command of setup) expect(run(command, OWNER).result.status).not.toBe("rejected");
  return { store, run };
}

function applySetEdit(current: readonly string[], e: SetEdit | undefined): string[] {
  if (!e) return [...current];
  const removed = new Set(e.remove ?? []);
  return [...new Set([...current.filter((x) => !removed.has(x)), ...(e.add ?? [])])].sort();
}

/** The fields an edit asks for, with the values it wants (labels and watchers are not among them). */
function wanted(e: Edit): Partial<Record<Scalar | "columnId", unknown>> {
  return e.kind === "update" ? { ...e.changes } : { columnId: e.columnId };
}

function expectPlacedAs(state: BoardState, command: Command): void {
  if (command.type !== "moveTask") return;
  const order = columnOrder(state, command.columnId).map((t) => t.key);
  const at = order.indexOf(TASK);
  expect(at, `${TASK} is in ${command.columnId}`).toBeGreaterThanOrEqual(0);
  if (command.position === "top") expect(at).toBe(0);
  if (command.position === "bottom") expect(at).toBe(order.length - 1);
  if (command.beforeKey) expect(order[at + 1]).toBe(command.beforeKey);
  if (command.afterKey) expect(order[at - 1]).toBe(command.afterKey);
}

/**
 * Who sends the second edit and on which base. Per conflictsOn, a stale base conflicts
 * whoever made the other change (two tabs of one person too); a client's own queued
 * edits never do, because each is based on the ack of the one before.
 */
const second = fc.record({ sameActor: fc.boolean(), onAck: fc.boolean() });

const byField = (a: { field: string }, b: { field: string }) => a.field.localeCompare(b.field);

describe("a second edit of a task, from the base of the first or from its ack", () => {
  it("merges disjoint and agreeing edits and refuses only a different value for a field changed since", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.constantFrom(...COLUMNS), edit, edit, second, (start, editA, editB, { sameActor, onAck }) => {
        const { store, run } = board(start);
        const base = store.state.seq;
        const baseTask = structuredClone(store.state.tasks[TASK] as Task);
        const commandA = toCommand(store.state, editA);
        const commandB = toCommand(store.state, editB);
        const actorA = "ana";
        const actorB = sameActor ? "ana" : "ben";

        const a = run(commandA, actorA, base);
        // A client pipelining its own edits bases the next one on the ack of the last.
        const baseB = onAck ? store.state.seq : base;
        expect(["applied", "unchanged"]).toContain(a.result.status);
        const afterA = structuredClone(store.state);
        const taskA = afterA.tasks[TASK] as Task;
        const eventsA = store.events.length;

        // What A really changed: a field A asked for but already had is not written.
        const writtenByA = Object.entries(wanted(editA))
          .filter(([field, value]) => value !== baseTask[field as keyof Task])
          .map(([field]) => field);
        const expectedConflicts: FieldConflict[] = onAck
          ? []
          : Object.entries(wanted(editB))
              .filter(([field, value]) => writtenByA.includes(field) && value !== taskA[field as keyof Task])
              .map(([field, yours]) => ({
                field,
                yours,
                current: taskA[field as keyof Task],
                changedBy: actorA,
                changedAt: a.at,
                seq: base + 1,
              }));

        const b = run(commandB, actorB, baseB);
        const task = store.state.tasks[TASK] as Task;

        if (expectedConflicts.length > 0) {
          seen.add(expectedConflicts.some((c) => c.field === "columnId") ? "column conflict" : "field conflict");
          if (sameActor) seen.add("two tabs");
          expect(b.result.status).toBe("conflict");
          if (b.result.status !== "conflict") return;
          expect([...b.result.conflicts].sort(byField)).toEqual(expectedConflicts.sort(byField));
          // Nothing of the refused edit is applied, not even its label changes...
          expect(store.state).toEqual(afterA);
          expect(store.events.length).toBe(eventsA);
          // ...but the attempt is on record next to the events.
          expect(store.attempts.at(-1)).toEqual({
            opId: b.opId,
            seq: afterA.seq,
            actor: actorB,
            at: b.at,
            baseSeq: baseB,
            taskKey: TASK,
            command: commandB,
            result: b.result,
          });
          expectPlacedAs(store.state, commandA);
          return;
        }

        expect(["applied", "unchanged"]).toContain(b.result.status);
        const overlap = Object.keys(wanted(editB)).filter((f) => writtenByA.includes(f));
        if (writtenByA.length > 0 && overlap.length === 0 && b.result.status === "applied") seen.add("disjoint");
        if (overlap.length > 0 && !onAck) seen.add("agreeing");
        if (overlap.length > 0 && onAck && sameActor) seen.add("own pipelined edits");
        if (editA.kind === "move" && editB.kind === "move" && editB.columnId === baseTask.columnId) {
          seen.add("reorder");
        }

        // Both edits hold, the later one winning where they overlap.
        for (const field of Object.keys(SCALARS) as Scalar[]) {
          const later = editB.kind === "update" ? editB.changes[field] : undefined;
          const earlier = editA.kind === "update" ? editA.changes[field] : undefined;
          expect(task[field], field).toEqual(
            later !== undefined ? later : earlier !== undefined ? earlier : baseTask[field],
          );
        }
        const setEditOf = (e: Edit, field: "labels" | "watchers") => (e.kind === "update" ? e[field] : undefined);
        for (const field of ["labels", "watchers"] as const) {
          expect(task[field], field).toEqual(
            applySetEdit(applySetEdit(baseTask[field], setEditOf(editA, field)), setEditOf(editB, field)),
          );
        }
        const lastMove = editB.kind === "move" ? commandB : editA.kind === "move" ? commandA : null;
        expect(task.columnId).toBe(lastMove?.type === "moveTask" ? lastMove.columnId : baseTask.columnId);
        if (lastMove) expectPlacedAs(store.state, lastMove);
      }),
      { numRuns: 200 },
    );
    expect([...seen].sort()).toEqual([
      "agreeing",
      "column conflict",
      "disjoint",
      "field conflict",
      "own pipelined edits",
      "reorder",
      "two tabs",
    ]);
  });
});
