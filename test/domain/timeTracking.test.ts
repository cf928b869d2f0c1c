import { describe, expect, it } from "vitest";
import { DURATION_FORMAT } from "../../src/domain/durations";
import { evolve } from "../../src/domain/evolve";
import { timesheet } from "../../src/domain/timesheet";
import { historyOf, taskView, worklogsOf } from "../../src/domain/views";
import { expectApplied, expectRejected, testBoard } from "./testBoard";

// Estimates and worklogs on tasks. The property that time spent is always the sum of
// the worklogs, and remaining never negative, runs over random command sequences in
// replay.test.ts; these are the rules one at a time.

const H = 3600;

function boardWithTask(fields: { originalEstimate?: string; parentKey?: string } = {}) {
  const board = testBoard();
  board.run({ type: "addMember", userId: "ana", name: "Ana", role: "member" });
  expectApplied(board.run({ type: "createTask", task: { title: "Checkout", ...fields } }));
  return board;
}

const worklogId = (board: ReturnType<typeof testBoard>) => Object.keys(board.store.state.worklogs).sort().at(-1) ?? "";

describe("estimates", () => {
  it("a task estimated at creation has all of it remaining; a first estimate later does the same", () => {
    const board = boardWithTask({ originalEstimate: "1d 2h" });
    expect(board.task("WEB-1")).toMatchObject({ originalEstimateSeconds: 10 * H, remainingEstimateSeconds: 10 * H });
    expectApplied(board.run({ type: "createTask", task: { title: "Later" } }));
    expect(board.task("WEB-2").remainingEstimateSeconds).toBeNull();
    expectApplied(board.run({ type: "updateTask", key: "WEB-2", changes: { originalEstimate: "3h" } }));
    expect(board.task("WEB-2")).toMatchObject({ originalEstimateSeconds: 3 * H, remainingEstimateSeconds: 3 * H });
    // Once something remains, a new original leaves it alone.
    expectApplied(board.run({ type: "updateTask", key: "WEB-2", changes: { originalEstimate: "5h" } }));
    expect(board.task("WEB-2")).toMatchObject({ originalEstimateSeconds: 5 * H, remainingEstimateSeconds: 3 * H });
  });

  it("refuses nonsense durations with the format, and changes nothing", () => {
    const board = boardWithTask();
    const seq = board.store.state.seq;
    for (const text of ["-1h", "99999w", "3x"]) {
      const error = expectRejected(
        board.run({ type: "updateTask", key: "WEB-1", changes: { remainingEstimate: text } }),
        "invalid_duration",
      );
      expect(error.kind).toBe("invalid");
      expect(error.message).toContain(DURATION_FORMAT);
    }
    expectRejected(board.run({ type: "createTask", task: { title: "X", originalEstimate: "3x" } }), "invalid_duration");
    expect(board.store.state.seq).toBe(seq);
  });

  it("two people changing the remaining estimate from the same base: the second conflicts", () => {
    const board = boardWithTask({ originalEstimate: "8h" });
    const base = board.store.state.seq;
    expectApplied(
      board.run({ type: "updateTask", key: "WEB-1", changes: { remainingEstimate: "6h" } }, { baseSeq: base }),
    );
    const second = board.run(
      { type: "updateTask", key: "WEB-1", changes: { remainingEstimate: "4h" } },
      { baseSeq: base, actor: "ana", role: "member" },
    );
    expect(second.status).toBe("conflict");
    if (second.status === "conflict") {
      expect(second.conflicts).toEqual([
        expect.objectContaining({
          field: "remainingEstimateSeconds",
          yours: 4 * H,
          current: 6 * H,
          changedBy: "owner",
        }),
      ]);
    }
    expect(board.task("WEB-1").remainingEstimateSeconds).toBe(6 * H);
  });

  it("one person changes the points while another logs time from the same base: both apply", () => {
    const board = boardWithTask({ originalEstimate: "8h" });
    const base = board.store.state.seq;
    expectApplied(board.run({ type: "updateTask", key: "WEB-1", changes: { storyPoints: 5 } }, { baseSeq: base }));
    expectApplied(
      board.run({ type: "logWork", key: "WEB-1", timeSpent: "2h" }, { baseSeq: base, actor: "ana", role: "member" }),
    );
    expect(board.task("WEB-1")).toMatchObject({
      storyPoints: 5,
      timeSpentSeconds: 2 * H,
      remainingEstimateSeconds: 6 * H,
    });
  });
});

describe("worklogs", () => {
  it("adjusts the remaining estimate the way the worklog asks", () => {
    const board = boardWithTask({ originalEstimate: "8h" });
    const log = (timeSpent: string, adjust?: { mode: "auto" | "leave" | "new" | "manual"; value?: string }) =>
      expectApplied(board.run({ type: "logWork", key: "WEB-1", timeSpent, ...(adjust ? { adjust } : {}) }));
    const remaining = () => board.task("WEB-1").remainingEstimateSeconds;
    log("2h");
    expect(remaining()).toBe(6 * H);
    log("1h", { mode: "leave" });
    expect(remaining()).toBe(6 * H);
    log("1h", { mode: "new", value: "3h" });
    expect(remaining()).toBe(3 * H);
    log("30m", { mode: "manual", value: "1h" });
    expect(remaining()).toBe(2 * H);
    log("1d");
    expect(remaining(), "auto never goes below zero").toBe(0);
    expect(board.task("WEB-1").timeSpentSeconds).toBe((2 + 1 + 1 + 0.5 + 8) * H);
    expectRejected(
      board.run({ type: "logWork", key: "WEB-1", timeSpent: "1h", adjust: { mode: "new" } }),
      "adjust_value_required",
    );
  });

  it("refuses nothing spent, nonsense, and work that starts more than a day ahead", () => {
    const board = boardWithTask();
    const seq = board.store.state.seq;
    expectRejected(board.run({ type: "logWork", key: "WEB-1", timeSpent: "0m" }), "nothing_spent");
    expectRejected(board.run({ type: "logWork", key: "WEB-1", timeSpent: "3x" }), "invalid_duration");
    const now = Date.parse(board.nextAt());
    const ahead = (hours: number) => new Date(now + hours * H * 1000).toISOString();
    expectRejected(
      board.run({ type: "logWork", key: "WEB-1", timeSpent: "1h", startedAt: ahead(25) }),
      "worklog_in_future",
    );
    expectRejected(board.run({ type: "logWork", key: "WEB-99", timeSpent: "1h" }), "task_not_found");
    expect(board.store.state.seq).toBe(seq);
    // A colleague a few time zones ahead may well start "tomorrow".
    expectApplied(board.run({ type: "logWork", key: "WEB-1", timeSpent: "1h", startedAt: ahead(23) }));
  });

  it("keeps when the work started, in UTC, and lists worklogs in that order", () => {
    const board = boardWithTask();
    expectApplied(
      board.run({ type: "logWork", key: "WEB-1", timeSpent: "1h", startedAt: "2025-12-31T10:00:00+02:00" }),
    );
    expectApplied(board.run({ type: "logWork", key: "WEB-1", timeSpent: "2h", startedAt: "2025-12-30T10:00:00Z" }));
    expect(worklogsOf(board.store.state, "WEB-1").map((w) => w.startedAt)).toEqual([
      "2025-12-30T10:00:00.000Z",
      "2025-12-31T08:00:00.000Z",
    ]);
  });

  it("an edit moves remaining by the difference; a delete gives the time back", () => {
    const board = boardWithTask({ originalEstimate: "8h" });
    expectApplied(board.run({ type: "logWork", key: "WEB-1", timeSpent: "2h", comment: "API" }));
    const id = worklogId(board);
    expectApplied(board.run({ type: "editWorklog", worklogId: id, timeSpent: "3h" }));
    expect(board.task("WEB-1")).toMatchObject({ timeSpentSeconds: 3 * H, remainingEstimateSeconds: 5 * H });
    expect(board.run({ type: "editWorklog", worklogId: id, comment: "API" }).status).toBe("unchanged");
    expectApplied(board.run({ type: "editWorklog", worklogId: id, comment: "API and tests" }));
    expect(board.store.state.worklogs[id]?.comment).toBe("API and tests");
    expect(board.task("WEB-1").remainingEstimateSeconds, "a comment edit leaves the estimate").toBe(5 * H);
    expectApplied(board.run({ type: "deleteWorklog", worklogId: id }));
    expect(board.task("WEB-1")).toMatchObject({ timeSpentSeconds: 0, remainingEstimateSeconds: 8 * H });
    expect(board.store.state.worklogs[id]).toBeUndefined();
  });

  it("a copy of the board that never saw the worklog (a snapshot) still moves the time spent on an edit and a delete", () => {
    const board = boardWithTask({ originalEstimate: "8h" });
    expectApplied(board.run({ type: "logWork", key: "WEB-1", timeSpent: "2h" }));
    const id = worklogId(board);
    // What a browser holds after loading the board's snapshot: tasks with their time, no worklogs.
    const client = { ...structuredClone(board.store.state), worklogs: {} };
    evolve(client, expectApplied(board.run({ type: "editWorklog", worklogId: id, timeSpent: "3h 30m" })));
    expect(client.tasks["WEB-1"]).toMatchObject({ timeSpentSeconds: 3.5 * H, remainingEstimateSeconds: 4.5 * H });
    evolve(client, expectApplied(board.run({ type: "editWorklog", worklogId: id, comment: "Only the words" })));
    expect(client.tasks["WEB-1"]?.timeSpentSeconds).toBe(3.5 * H);
    evolve(client, expectApplied(board.run({ type: "deleteWorklog", worklogId: id })));
    expect(client.tasks["WEB-1"]).toMatchObject({ timeSpentSeconds: 0, remainingEstimateSeconds: 8 * H });
    expect(client.tasks["WEB-1"]).toEqual(board.task("WEB-1"));
  });

  it("authors edit and delete their own; owners may delete anyone's; nobody edits another's", () => {
    const board = boardWithTask();
    const asAna = { actor: "ana", role: "member" as const };
    expectApplied(board.run({ type: "logWork", key: "WEB-1", timeSpent: "1h" }));
    const owners = worklogId(board);
    expectApplied(board.run({ type: "logWork", key: "WEB-1", timeSpent: "2h" }, asAna));
    const anas = worklogId(board);
    const seq = board.store.state.seq;
    expectRejected(board.run({ type: "editWorklog", worklogId: owners, timeSpent: "5h" }, asAna), "not_worklog_author");
    expectRejected(board.run({ type: "deleteWorklog", worklogId: owners }, asAna), "not_worklog_author");
    expectRejected(board.run({ type: "editWorklog", worklogId: anas, timeSpent: "5h" }), "not_worklog_author");
    expectRejected(
      board.run({ type: "logWork", key: "WEB-1", timeSpent: "1h" }, { actor: "vic", role: "viewer" }),
      "read_only",
    );
    expect(board.store.state.seq).toBe(seq);
    expectApplied(board.run({ type: "editWorklog", worklogId: anas, timeSpent: "90m" }, asAna));
    expectApplied(board.run({ type: "deleteWorklog", worklogId: anas }));
    expect(board.task("WEB-1").timeSpentSeconds).toBe(H);
  });

  it("deleting a task deletes its worklogs", () => {
    const board = boardWithTask();
    expectApplied(board.run({ type: "logWork", key: "WEB-1", timeSpent: "1h" }));
    expectApplied(board.run({ type: "archiveTask", key: "WEB-1" }));
    expectRejected(board.run({ type: "logWork", key: "WEB-1", timeSpent: "1h" }), "task_archived");
    expectApplied(board.run({ type: "deleteTask", key: "WEB-1" }));
    expect(board.store.state.worklogs).toEqual({});
    expect(board.store.load().worklogs, "the stored rows agree").toEqual({});
  });

  it("a parent's time includes its sub-tasks'", () => {
    const board = boardWithTask({ originalEstimate: "1d" });
    expectApplied(
      board.run({
        type: "createTask",
        task: { title: "Sub", type: "subtask", parentKey: "WEB-1", originalEstimate: "4h" },
      }),
    );
    expectApplied(board.run({ type: "logWork", key: "WEB-1", timeSpent: "2h" }));
    expectApplied(board.run({ type: "logWork", key: "WEB-2", timeSpent: "1h" }));
    const state = board.store.state;
    expect(taskView(state, board.task("WEB-1")).time).toEqual({
      originalSeconds: 12 * H,
      remainingSeconds: 9 * H,
      spentSeconds: 3 * H,
      progressPercent: 25,
      overEstimateSeconds: 0,
    });
    expect(taskView(state, board.task("WEB-2")).time).toMatchObject({ spentSeconds: H, remainingSeconds: 3 * H });
    expectApplied(board.run({ type: "logWork", key: "WEB-2", timeSpent: "1d", adjust: { mode: "leave" } }));
    expect(taskView(board.store.state, board.task("WEB-2")).time).toMatchObject({ overEstimateSeconds: 8 * H });
  });

  it("shows in the task's history, with the remaining estimate it moved", () => {
    const board = boardWithTask({ originalEstimate: "8h" });
    expectApplied(board.run({ type: "logWork", key: "WEB-1", timeSpent: "2h" }));
    const entries = historyOf("WEB-1", board.store.events, board.store.attempts);
    expect(entries.at(-1)).toMatchObject({
      type: "worklog.added",
      changes: [
        { field: "worklog", from: null, to: 2 * H },
        { field: "remainingEstimateSeconds", from: 8 * H, to: 6 * H },
      ],
    });
  });
});

describe("timers", () => {
  it("one running timer per person; stopping it logs the time since it started", () => {
    const board = boardWithTask({ originalEstimate: "1d" });
    expectApplied(board.run({ type: "createTask", task: { title: "Other" } }));
    expectApplied(board.run({ type: "startTimer", key: "WEB-1" }));
    const startedAt = board.store.state.timers.owner?.startedAt;
    const error = expectRejected(board.run({ type: "startTimer", key: "WEB-2" }), "timer_running");
    expect(error.message).toContain("WEB-1");
    expect(error.details).toEqual({ key: "WEB-1", startedAt });
    // Someone else runs their own.
    expectApplied(board.run({ type: "startTimer", key: "WEB-2" }, { actor: "ana", role: "member" }));
    expectRejected(board.run({ type: "stopTimer", key: "WEB-2" }), "no_timer");
    const stopped = expectApplied(board.run({ type: "stopTimer", key: "WEB-1", comment: "Focused" }));
    expect(stopped.payload).toMatchObject({
      key: "WEB-1",
      startedAt,
      worklog: { timeSpentSeconds: 60, comment: "Focused", remaining: { from: 8 * H, to: 8 * H - 60 } },
    });
    expect(worklogsOf(board.store.state, "WEB-1")).toEqual([
      expect.objectContaining({ authorId: "owner", startedAt, timeSpentSeconds: 60 }),
    ]);
    expect(board.task("WEB-1").timeSpentSeconds).toBe(60);
    expect(board.store.state.timers.owner).toBeUndefined();
    // Discarded: nothing logged.
    expectApplied(board.run({ type: "stopTimer", key: "WEB-2", discard: true }, { actor: "ana", role: "member" }));
    expect(board.task("WEB-2").timeSpentSeconds).toBe(0);
    expect(board.store.state.timers).toEqual({});
  });
});

describe("timesheets", () => {
  it("counts a worklog on the day its work started in the viewer's time zone", () => {
    const board = boardWithTask();
    const asAna = { actor: "ana", role: "member" as const };
    // Monday 23:30 in New York is Tuesday 04:30 UTC.
    expectApplied(
      board.run({ type: "logWork", key: "WEB-1", timeSpent: "1h", startedAt: "2025-12-29T23:30:00-05:00" }),
    );
    expectApplied(board.run({ type: "logWork", key: "WEB-1", timeSpent: "2h", startedAt: "2025-12-30T10:00:00Z" }));
    expectApplied(
      board.run({ type: "logWork", key: "WEB-1", timeSpent: "4h", startedAt: "2025-12-30T10:00:00Z" }, asAna),
    );
    const state = board.store.state;
    const days = (timeZone: string, userId?: string) => {
      const sheet = timesheet(state, { from: "2025-12-29", to: "2025-12-31", timeZone, ...(userId ? { userId } : {}) });
      if ("code" in sheet) throw new Error(sheet.message);
      return sheet.days.map((d) => [d.date, d.seconds / H]);
    };
    expect(days("America/New_York", "owner")).toEqual([
      ["2025-12-29", 1],
      ["2025-12-30", 2],
      ["2025-12-31", 0],
    ]);
    expect(days("UTC", "owner")).toEqual([
      ["2025-12-29", 0],
      ["2025-12-30", 3],
      ["2025-12-31", 0],
    ]);
    expect(days("UTC")).toEqual([
      ["2025-12-29", 0],
      ["2025-12-30", 7],
      ["2025-12-31", 0],
    ]);
    expect(timesheet(state, { from: "2025-12-29", to: "2025-12-31", timeZone: "Mars/Olympus" })).toMatchObject({
      code: "invalid_time_zone",
    });
    expect(timesheet(state, { from: "2025-12-31", to: "2025-12-29", timeZone: "UTC" })).toMatchObject({
      code: "invalid_range",
    });
    expect(timesheet(state, { from: "2020-01-01", to: "2025-12-29", timeZone: "UTC" })).toMatchObject({
      code: "invalid_range",
    });
  });
});
