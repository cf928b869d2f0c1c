import { describe, expect, it } from "vitest";
import type { Command } from "../../src/domain/commands";
import { dayAlignedSpan } from "../../src/reporting/calendar";
import { cumulativeFlowCsv, timesheetCsv } from "../../src/reporting/csv";
import { cumulativeFlow, cycleTime } from "../../src/reporting/flowReports";
import { type BoardFacts, replayFacts } from "../../src/reporting/reportFacts";
import { burndown, idealLine, sprintSummary, velocity } from "../../src/reporting/sprintReports";
import { timesheetGrid } from "../../src/reporting/timesheetReport";
import { ANA, BOARD_ID, OLGA, reportsBoard } from "../fixtures/reportsBoard";
import { expectApplied, testBoard } from "./testBoard";

// Every figure of every report on the scripted board (test/fixtures/reportsBoard.ts),
// worked out by hand, computed here from a replay of its log. The worker suite asks
// the API the same questions of the same log imported into a board.

const H = 3600;
const D = 86_400;

function facts(): { rows: BoardFacts; sprint1: string; sprint2: string } {
  const board = reportsBoard();
  return { rows: replayFacts(BOARD_ID, board.events, board.state).rows(), ...board };
}

function sprintInput(rows: BoardFacts, sprintId: string) {
  const sprint = rows.sprints.find((s) => s.sprintId === sprintId);
  if (!sprint) throw new Error(`no sprint ${sprintId}`);
  return {
    sprint,
    scope: rows.scope.filter((r) => r.sprintId === sprintId),
    transitions: rows.transitions,
    columns: rows.columns,
    tasks: rows.tasks,
    estimates: rows.estimates,
  };
}

describe("the scripted board's reports, by hand", () => {
  const { rows, sprint1, sprint2 } = facts();

  it("burns sprint 1 down in points with scope changes as marked steps, ending at the carried-over work", () => {
    const report = burndown({
      ...sprintInput(rows, sprint1),
      unit: "points",
      workingDays: [1, 2, 3, 4, 5],
      timeZone: "UTC",
    });
    expect(
      report.series.map((p) => [
        p.at.slice(0, 16),
        p.remaining,
        p.scope,
        p.completed,
        p.scopeChange,
        p.changes.map((c) => `${c.kind} ${c.key} ${c.delta}`),
      ]),
    ).toEqual([
      ["2026-03-05T09:00", 10, 10, 0, false, ["committed RPT-1 0", "committed RPT-2 0", "committed RPT-3 0"]],
      ["2026-03-05T15:00", 7, 10, 3, false, ["completed RPT-1 -3"]],
      ["2026-03-06T09:00", 15, 18, 3, true, ["added RPT-4 8"]],
      ["2026-03-09T11:00", 13, 16, 3, true, ["points RPT-2 -2"]],
      ["2026-03-09T16:00", 10, 16, 6, false, ["completed RPT-2 -3"]],
      ["2026-03-10T09:00", 8, 14, 6, true, ["removed RPT-3 -2"]],
    ]);
    // 10 points over five working days (Thu, Fri, Mon, Tue, Wed); flat over the weekend.
    expect(report.ideal.map((d) => [d.date, d.remaining, d.workingDay])).toEqual([
      ["2026-03-05", 10, true],
      ["2026-03-06", 8, true],
      ["2026-03-07", 6, false],
      ["2026-03-08", 6, false],
      ["2026-03-09", 6, true],
      ["2026-03-10", 4, true],
      ["2026-03-11", 2, true],
      ["2026-03-12", 0, true],
    ]);
  });

  it("burns sprint 1 down in remaining time: only RPT-4 was estimated (8h), and 3h were logged on it", () => {
    const report = burndown({
      ...sprintInput(rows, sprint1),
      unit: "time",
      workingDays: [1, 2, 3, 4, 5],
      timeZone: "UTC",
    });
    expect(report.series.map((p) => p.remaining)).toEqual([0, 0, 8 * H, 8 * H, 8 * H, 8 * H, 5 * H]);
    expect(report.series.at(-1)?.changes).toEqual([{ kind: "estimate", key: "RPT-4", delta: -3 * H }]);
  });

  it("burns sprint 2 down from the carried-over work to zero", () => {
    const report = burndown({
      ...sprintInput(rows, sprint2),
      unit: "points",
      workingDays: [1, 2, 3, 4, 5],
      timeZone: "UTC",
    });
    expect(report.series.map((p) => [p.date, p.remaining])).toEqual([
      ["2026-03-12", 9],
      ["2026-03-13", 1],
      ["2026-03-17", 0],
    ]);
  });

  it("reports sprint 1 as completion recorded it", () => {
    const summary = sprintSummary(sprintInput(rows, sprint1));
    const keys = (g: { items: { key: string }[] }) => g.items.map((i) => i.key);
    expect([summary.committed.points, keys(summary.committed)]).toEqual([10, ["RPT-1", "RPT-2", "RPT-3"]]);
    expect([summary.completed.points, keys(summary.completed)]).toEqual([6, ["RPT-1", "RPT-2"]]);
    expect([summary.notCompleted.points, keys(summary.notCompleted)]).toEqual([8, ["RPT-4"]]);
    expect([summary.addedAfterStart.points, keys(summary.addedAfterStart)]).toEqual([8, ["RPT-4"]]);
    expect([summary.removedAfterStart.points, keys(summary.removedAfterStart)]).toEqual([2, ["RPT-3"]]);
    expect(summary.completed.items[1]).toEqual({ key: "RPT-2", title: "Signup", points: 3 });
  });

  it("gives velocity for both sprints, oldest first", () => {
    const report = velocity(rows.sprints, 7);
    expect(
      report.sprints.map((s) => [
        s.name,
        s.committed,
        s.completed,
        s.addedAfterStart,
        s.removedAfterStart,
        s.carriedOver,
      ]),
    ).toEqual([
      ["Sprint 1", 10, 6, 8, 2, 8],
      ["Sprint 2", 9, 9, 0, 0, 0],
    ]);
    expect(report.averageCompleted).toBe(7.5);
    expect(velocity(rows.sprints, 1).sprints.map((s) => s.name)).toEqual(["Sprint 2"]);
  });

  it("counts tasks per column at the end of each day, a deleted task leaving on its day", () => {
    const report = cumulativeFlow({
      columns: rows.columns,
      transitions: rows.transitions,
      from: "2026-03-02",
      to: "2026-03-10",
      timeZone: "UTC",
    });
    expect(report.columns.map((c) => c.id)).toEqual(["todo", "in_progress", "done"]);
    expect(report.days.map((d) => [d.date, d.counts.todo, d.counts.in_progress, d.counts.done, d.total])).toEqual([
      ["2026-03-02", 5, 0, 0, 5],
      ["2026-03-03", 6, 0, 0, 6],
      ["2026-03-04", 5, 0, 0, 5],
      ["2026-03-05", 4, 0, 1, 5],
      ["2026-03-06", 3, 1, 1, 5],
      ["2026-03-07", 3, 1, 1, 5],
      ["2026-03-08", 3, 1, 1, 5],
      ["2026-03-09", 3, 0, 2, 5],
      ["2026-03-10", 2, 1, 2, 5],
    ]);
    expect(cumulativeFlowCsv(report).split("\r\n").slice(0, 3)).toEqual([
      "date,To Do,In Progress,Done,total",
      "2026-03-02,5,0,0,5",
      "2026-03-03,6,0,0,6",
    ]);
  });

  it("measures cycle and lead time with percentiles, a rolling average and weekly throughput", () => {
    const report = cycleTime({
      tasks: rows.tasks,
      columns: rows.columns,
      transitions: rows.transitions,
      from: "2026-03-01",
      to: "2026-03-31",
      timeZone: "UTC",
      window: 2,
    });
    // RPT-1 5h, RPT-2 3d 6h, RPT-4 3d, RPT-5 27h in progress; created 09:00, 09:01, 09:03, 09:04 on 2 Mar.
    expect(report.points.map((p) => [p.key, p.cycleSeconds, p.leadSeconds, p.rollingAverageSeconds])).toEqual([
      ["RPT-1", 5 * H, 3 * D + 6 * H, 5 * H],
      ["RPT-2", 3 * D + 6 * H, 7 * D + 6 * H + 59 * 60, (5 * H + 3 * D + 6 * H) / 2],
      ["RPT-4", 3 * D, 11 * D + 57 * 60, (3 * D + 6 * H + 3 * D) / 2],
      ["RPT-5", 27 * H, 15 * D + 2 * H + 56 * 60, (3 * D + 27 * H) / 2],
    ]);
    expect(report.cycle).toEqual({
      count: 4,
      averageSeconds: (5 * H + 3 * D + 6 * H + 3 * D + 27 * H) / 4,
      p50Seconds: 27 * H,
      p85Seconds: 3 * D + 6 * H,
      p95Seconds: 3 * D + 6 * H,
    });
    expect(report.lead.p50Seconds).toBe(7 * D + 6 * H + 59 * 60);
    expect(report.throughput).toEqual([
      { week: "2026-02-23", count: 0 },
      { week: "2026-03-02", count: 1 },
      { week: "2026-03-09", count: 2 },
      { week: "2026-03-16", count: 1 },
      { week: "2026-03-23", count: 0 },
      { week: "2026-03-30", count: 0 },
    ]);
  });

  it("puts each worklog on the day its work started in the viewer's time zone", () => {
    const grid = (timeZone: string) =>
      timesheetGrid({ worklogs: rows.worklogs, from: "2026-03-05", to: "2026-03-07", timeZone });
    const people = (timeZone: string) => grid(timeZone).people.map((p) => [p.userId, p.days]);
    // olga's 2h started 23:30 on the 5th in New York (04:30 UTC on the 6th); ana's 1h30 at 22:00 UTC on the 6th.
    expect(people("America/New_York")).toEqual([
      [ANA, [0, 5400, 0]],
      [OLGA, [7200, 0, 0]],
    ]);
    expect(people("UTC")).toEqual([
      [ANA, [0, 5400, 0]],
      [OLGA, [0, 7200, 0]],
    ]);
    expect(people("Asia/Tokyo")).toEqual([
      [ANA, [0, 0, 5400]],
      [OLGA, [0, 7200, 0]],
    ]);
    expect(grid("UTC").dayTotals).toEqual([0, 12_600, 0]);
    const month = timesheetGrid({ worklogs: rows.worklogs, from: "2026-03-01", to: "2026-03-31", timeZone: "UTC" });
    expect(month.tasks.map((t) => [t.key, t.seconds])).toEqual([
      ["RPT-1", 2 * H],
      ["RPT-2", 1.5 * H],
      ["RPT-4", 3 * H],
    ]);
    expect(month.boards).toEqual([{ boardId: BOARD_ID, name: null, seconds: 6.5 * H }]);
    expect(month.totalSeconds).toBe(6.5 * H);
    expect(timesheetCsv(grid("Asia/Tokyo")).split("\r\n")[0]).toBe(
      "user_id,name,2026-03-05,2026-03-06,2026-03-07,total_seconds",
    );
  });

  it("sums moves per day for UTC, per hour for whole-hour zones, per quarter hour for the others", () => {
    expect(dayAlignedSpan("UTC", "2026-01-01", "2026-12-31")).toBe(1440);
    expect(dayAlignedSpan("Europe/London", "2026-01-01", "2026-01-31")).toBe(1440);
    expect(dayAlignedSpan("Europe/London", "2026-01-01", "2026-06-30")).toBe(60);
    expect(dayAlignedSpan("America/New_York", "2026-03-01", "2026-03-31")).toBe(60);
    expect(dayAlignedSpan("Asia/Kolkata", "2026-03-01", "2026-03-02")).toBe(15);
    expect(dayAlignedSpan("Asia/Kathmandu", "2026-03-01", "2026-03-02")).toBe(15);
  });

  it("draws the ideal line flat when no day is a working day, and not at all without dates", () => {
    expect(
      idealLine({ startDate: "2026-03-07", endDate: "2026-03-08" }, 4, [1, 2, 3, 4, 5]).map((d) => d.remaining),
    ).toEqual([4, 4, 0]);
    expect(idealLine({ startDate: null, endDate: null }, 4, [1])).toEqual([]);
  });
});

describe("burndown as Jira draws it", () => {
  /** A Scrum board driven command by command, its report rows replayed from its log. */
  function board() {
    const b = testBoard();
    const run = (command: Command) => expectApplied(b.run(command));
    const task = (title: string, extra: Record<string, unknown> = {}) => {
      const event = run({ type: "createTask", task: { title, ...extra } });
      if (event.type !== "task.created") throw new Error("no task");
      return event.payload.task.key;
    };
    const sprint = (name: string) => {
      const event = run({ type: "createSprint", name });
      if (event.type !== "sprint.created") throw new Error("no sprint");
      return event.payload.sprint.id;
    };
    const chart = (sprintId: string, unit: "points" | "time") => {
      const rows = replayFacts("b1", b.store.events, b.store.state).rows();
      return burndown({ ...sprintInput(rows, sprintId), unit, workingDays: [1, 2, 3, 4, 5], timeZone: "UTC" });
    };
    const steps = (report: ReturnType<typeof burndown>) =>
      report.series.map((p) => [p.remaining, p.scope, p.scopeChange, p.changes.map((c) => `${c.kind} ${c.key}`)]);
    return { b, run, task, sprint, chart, steps };
  }

  it("takes a task archived in a running sprint out of its scope, and puts it back when it is restored", () => {
    const { b, run, task, sprint, chart, steps } = board();
    const [login, signup, spike] = [
      task("Login", { storyPoints: 3 }),
      task("Signup", { storyPoints: 5 }),
      task("Spike", { storyPoints: 2 }),
    ];
    const first = sprint("Sprint 1");
    run({ type: "addToSprint", sprintId: first, keys: [login, signup, spike] });
    run({ type: "startSprint", sprintId: first, startDate: "2026-01-05", endDate: "2026-01-16" });
    run({ type: "archiveTask", key: signup });
    run({ type: "restoreTask", key: signup });
    // Archived and then deleted: out once, when it was archived.
    run({ type: "archiveTask", key: spike });
    run({ type: "deleteTask", key: spike });
    run({ type: "moveTask", key: login, columnId: "done" });

    expect(steps(chart(first, "points"))).toEqual([
      [10, 10, false, [`committed ${login}`, `committed ${signup}`, `committed ${spike}`]],
      [5, 5, true, [`removed ${signup}`]],
      [10, 10, true, [`added ${signup}`]],
      [8, 8, true, [`removed ${spike}`]],
      [5, 8, false, [`completed ${login}`]],
    ]);
    // The sprint report and the completion record say the same.
    const completed = run({ type: "completeSprint", sprintId: first, moveOpenTo: "backlog" });
    expect(completed.payload).toMatchObject({
      report: {
        addedAfterStart: { keys: [signup], points: 5 },
        removedAfterStart: { keys: [signup, spike], points: 7 },
        completed: { keys: [login], points: 3 },
      },
    });
    expect(b.store.state.sprints[first]?.scopeChanges.map((c) => `${c.kind} ${c.key}`)).toEqual([
      `removed ${signup}`,
      `added ${signup}`,
      `removed ${spike}`,
    ]);
  });

  it("in time counts each sub-task while it is in the sprint, not wherever its parent is now", () => {
    const { run, task, sprint, chart, steps } = board();
    const story = task("Checkout", { originalEstimate: "2h" });
    const later = task("Refunds", { originalEstimate: "1h" });
    const payment = task("Payment form", { type: "subtask", parentKey: story, originalEstimate: "4h" });
    const first = sprint("Sprint 1");
    run({ type: "addToSprint", sprintId: first, keys: [story] });
    run({ type: "startSprint", sprintId: first, startDate: "2026-01-05", endDate: "2026-01-16" });
    // Moved under a task of the backlog: its 4 h leave the sprint then, not from the start.
    run({ type: "updateTask", key: payment, changes: { parentKey: later } });
    // A sub-task made under a task of the sprint joins it.
    const receipt = task("Receipt e-mail", { type: "subtask", parentKey: story, originalEstimate: "3h" });
    run({ type: "logWork", key: receipt, timeSpent: "1h" });
    run({ type: "moveTask", key: receipt, columnId: "done" });
    const expected = [
      [6 * H, 6 * H, false, [`committed ${story}`, `committed ${payment}`]],
      [2 * H, 2 * H, true, [`removed ${payment}`]],
      [5 * H, 5 * H, true, [`added ${receipt}`]],
      [4 * H, 4 * H, false, [`estimate ${receipt}`]],
      [2 * H, 4 * H, false, [`completed ${receipt}`]],
    ];
    expect(steps(chart(first, "time"))).toEqual(expected);
    // In points sub-tasks are no part of the scope.
    expect(steps(chart(first, "points")).map(([, , change]) => change)).toEqual([false]);

    // Once the sprint is over, moving its sub-tasks elsewhere changes nothing of its chart.
    const second = sprint("Sprint 2");
    run({ type: "completeSprint", sprintId: first, moveOpenTo: second });
    run({ type: "updateTask", key: receipt, changes: { parentKey: later } });
    run({ type: "updateTask", key: payment, changes: { parentKey: story } });
    expect(steps(chart(first, "time"))).toEqual(expected);
  });

  it("counts sub-tasks with their parents as they are now in a projection from before sub-tasks had scope rows", () => {
    const { run, task, sprint, b } = board();
    const story = task("Checkout", { originalEstimate: "2h" });
    task("Payment form", { type: "subtask", parentKey: story, originalEstimate: "4h" });
    const first = sprint("Sprint 1");
    run({ type: "addToSprint", sprintId: first, keys: [story] });
    run({ type: "startSprint", sprintId: first, startDate: "2026-01-05", endDate: "2026-01-16" });
    const rows = replayFacts("b1", b.store.events, b.store.state).rows();
    const input = { ...sprintInput(rows, first), workingDays: [1, 2, 3, 4, 5], timeZone: "UTC", unit: "time" as const };
    const legacy = { ...input, scope: input.scope.filter((r) => r.kind !== "joined") };
    expect(burndown({ ...legacy, scopeVersion: 1 }).series.map((p) => p.remaining)).toEqual([6 * H]);
    expect(burndown({ ...legacy, scopeVersion: 2 }).series.map((p) => p.remaining)).toEqual([2 * H]);
  });
});
