import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { executeCommand } from "../../src/board/engine";
import type { Command } from "../../src/domain/commands";
import type { BoardEvent } from "../../src/domain/events";
import { replay } from "../../src/domain/evolve";
import type { BoardState } from "../../src/domain/model";
import { addDays, dayIn } from "../../src/reporting/calendar";
import { cumulativeFlow } from "../../src/reporting/flowReports";
import { ReportFacts, replayFacts, reportChanges } from "../../src/reporting/reportFacts";
import { burndown } from "../../src/reporting/sprintReports";
import { timesheetGrid } from "../../src/reporting/timesheetReport";
import { memoryStore } from "./memoryStore";

// Properties of the reports over random Scrum boards: planning, moves, re-pointing,
// worklogs, deletions and sprints started and completed at random hours.

const COLUMNS = ["todo", "in_progress", "done"] as const;
const ZONES = ["UTC", "America/New_York", "Asia/Kolkata", "Pacific/Auckland"] as const;

type Step =
  | { kind: "create"; points: number | null }
  | { kind: "move"; task: number; column: (typeof COLUMNS)[number] }
  | { kind: "plan"; task: number; sprint: number }
  | { kind: "unplan"; task: number; sprint: number }
  | { kind: "points"; task: number; points: number | null }
  | { kind: "log"; task: number; minutes: number; backHours: number }
  | { kind: "delete"; task: number }
  | { kind: "sprint" }
  | { kind: "start"; sprint: number }
  | { kind: "complete"; sprint: number; toBacklog: boolean };

const points = fc.option(fc.constantFrom(1, 2, 3, 5, 8), { nil: null });
const index = fc.nat(12);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("create" as const), points }) },
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant("move" as const), task: index, column: fc.constantFrom(...COLUMNS) }),
  },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("plan" as const), task: index, sprint: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("unplan" as const), task: index, sprint: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("points" as const), task: index, points }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("log" as const),
      task: index,
      minutes: fc.integer({ min: 1, max: 600 }),
      backHours: fc.integer({ min: 0, max: 40 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("delete" as const), task: index }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("sprint" as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("start" as const), sprint: fc.nat(3) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("complete" as const), sprint: fc.nat(3), toBacklog: fc.boolean() }),
  },
);
const scriptArb = fc.array(fc.record({ step: stepArb, hours: fc.integer({ min: 0, max: 30 }) }), {
  minLength: 20,
  maxLength: 80,
});

function build(script: { step: Step; hours: number }[]): { events: BoardEvent[]; state: BoardState } {
  const store = memoryStore();
  let time = Date.parse("2026-03-01T00:00:00Z");
  let op = 0;
  const run = (command: unknown) =>
    executeCommand(
      store,
      { opId: `op-${++op}`, command: command as Command },
      {
        actor: op % 2 === 0 ? "ana" : "olga",
        at: new Date(time).toISOString(),
        role: "owner",
      },
    );
  run({ type: "createBoard", boardId: "b1", name: "Props", key: "PR", mode: "scrum", ownerName: "Olga" });
  const keys = () => Object.keys(store.state.tasks);
  const key = (i: number) => keys()[i % Math.max(1, keys().length)] ?? "PR-1";
  const sprint = (i: number) => {
    const ids = Object.keys(store.state.sprints);
    return ids[i % Math.max(1, ids.length)] ?? "spr_0";
  };
  for (const { step, hours } of script) {
    time += hours * 3_600_000 + 60_000;
    switch (step.kind) {
      case "create":
        run({ type: "createTask", task: { title: "T", storyPoints: step.points } });
        break;
      case "move":
        run({ type: "moveTask", key: key(step.task), columnId: step.column });
        break;
      case "plan":
        run({ type: "addToSprint", sprintId: sprint(step.sprint), keys: [key(step.task)] });
        break;
      case "unplan":
        run({ type: "removeFromSprint", sprintId: sprint(step.sprint), keys: [key(step.task)] });
        break;
      case "points":
        run({ type: "updateTask", key: key(step.task), changes: { storyPoints: step.points } });
        break;
      case "log":
        run({
          type: "logWork",
          key: key(step.task),
          timeSpent: `${step.minutes}m`,
          startedAt: new Date(time - step.backHours * 3_600_000).toISOString(),
        });
        break;
      case "delete":
        run({ type: "archiveTask", key: key(step.task) });
        run({ type: "deleteTask", key: key(step.task) });
        break;
      case "sprint":
        run({ type: "createSprint", name: "S" });
        break;
      case "start":
        run({ type: "startSprint", sprintId: sprint(step.sprint) });
        break;
      case "complete":
        run({
          type: "completeSprint",
          sprintId: sprint(step.sprint),
          moveOpenTo: step.toBacklog ? "backlog" : sprint(step.sprint + 1),
        });
        break;
    }
  }
  return { events: [...store.events], state: store.state };
}

describe("report properties", () => {
  it("cumulative flow: each day's counts sum to the tasks that existed at its end", () => {
    fc.assert(
      fc.property(scriptArb, fc.constantFrom(...ZONES), (script, timeZone) => {
        const { events, state } = build(script);
        const rows = replayFacts("b1", events, state).rows();
        const from = "2026-02-28";
        const to = dayIn(timeZone, events.at(-1)?.at ?? "2026-03-01T00:00:00Z");
        const report = cumulativeFlow({ columns: rows.columns, transitions: rows.transitions, from, to, timeZone });
        for (const day of report.days) {
          const existing = new Set<string>();
          for (const e of events) {
            if (dayIn(timeZone, e.at) > day.date) break;
            if (e.type === "task.created") existing.add(e.payload.task.key);
            if (e.type === "task.deleted") existing.delete(e.payload.key);
          }
          expect(Object.values(day.counts).reduce((a, b) => a + b, 0)).toBe(day.total);
          expect(day.total, day.date).toBe(existing.size);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("burndown: the last point is the sprint's incomplete scope (carried over when closed, open work when active)", () => {
    fc.assert(
      fc.property(scriptArb, (script) => {
        const { events, state } = build(script);
        const rows = replayFacts("b1", events, state).rows();
        for (const sprint of rows.sprints.filter((s) => s.startedAt !== null)) {
          const report = burndown({
            sprint,
            scope: rows.scope.filter((r) => r.sprintId === sprint.sprintId),
            transitions: rows.transitions,
            columns: rows.columns,
            tasks: rows.tasks,
            estimates: rows.estimates,
            unit: "points",
            workingDays: [1, 2, 3, 4, 5],
            timeZone: "UTC",
          });
          const live = state.sprints[sprint.sprintId];
          const incomplete =
            live?.report?.carriedOver.points ??
            Object.values(state.tasks)
              .filter((t) => t.sprintId === sprint.sprintId && t.type !== "subtask" && t.archivedAt === null)
              .filter((t) => state.columns[t.columnId]?.category !== "done")
              .reduce((sum, t) => sum + (t.storyPoints ?? 0), 0);
          expect(report.series.at(-1)?.remaining, sprint.sprintId).toBe(incomplete);
        }
      }),
      { numRuns: 80 },
    );
  });

  it("timesheet: the grid's totals equal the sum of the worklogs started in the range", () => {
    fc.assert(
      fc.property(scriptArb, fc.constantFrom(...ZONES), fc.nat(10), (script, timeZone, days) => {
        const { events, state } = build(script);
        const rows = replayFacts("b1", events, state).rows();
        const from = "2026-03-01";
        const to = addDays(from, days);
        const grid = timesheetGrid({ worklogs: rows.worklogs, from, to, timeZone });
        const expected = Object.values(state.worklogs)
          .filter((w) => {
            const day = dayIn(timeZone, w.startedAt);
            return day >= from && day <= to;
          })
          .reduce((sum, w) => sum + w.timeSpentSeconds, 0);
        expect(grid.totalSeconds).toBe(expected);
        expect(grid.people.reduce((s, p) => s + p.totalSeconds, 0)).toBe(expected);
        expect(grid.dayTotals.reduce((s, n) => s + n, 0)).toBe(expected);
        expect(grid.tasks.reduce((s, t) => s + t.seconds, 0)).toBe(expected);
      }),
      { numRuns: 60 },
    );
  });

  it("delivery in batches, each seen with the board as it is at any later moment and any batch repeated, ends at the rows of one replay", () => {
    fc.assert(
      fc.property(
        scriptArb,
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(6), { minLength: 1, maxLength: 30 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 30 }),
        (script, sizes, ahead, repeats) => {
          const { events, state } = build(script);
          const live = new ReportFacts();
          let at = 0;
          for (let n = 0; at < events.length; n++) {
            const batch = events.slice(at, at + (sizes[n % sizes.length] ?? 1));
            at += batch.length;
            // The board may already be past the batch when the alarm hands it over.
            const seen = replay(events.slice(0, Math.min(events.length, at + (ahead[n % ahead.length] ?? 0))));
            live.apply(reportChanges("b1", batch, seen));
            if (repeats[n % repeats.length]) {
              const before = JSON.stringify(live.rows());
              live.apply(reportChanges("b1", batch, seen));
              expect(JSON.stringify(live.rows())).toBe(before);
            }
          }
          expect(live.rows()).toEqual(replayFacts("b1", events, state).rows());
        },
      ),
      { numRuns: 60 },
    );
  });
});
