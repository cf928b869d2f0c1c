import { describe, expect, it } from "vitest";
import { DURATION_FORMAT } from "../../src/domain/durations";
import { boardState, call, eventCount, expectError, type Json, me, newBoard, type Person, signUp } from "./helpers";

// Estimates and worklogs through the API: the routes, their refusals (nothing
// changes), conflicts on the remaining estimate, and the task's time block.

const H = 3600;

async function boardWithMember(): Promise<{ id: string; task: string; mia: Person }> {
  await me();
  const board = await newBoard({ name: "Time" });
  const mia = await signUp("Mia");
  expect((await call("POST", `/boards/${board.id}/members`, { email: mia.email, role: "member" })).status).toBe(201);
  const created = await call("POST", `/boards/${board.id}/tasks`, { title: "Checkout", originalEstimate: "1d" });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect(created.body.task).toMatchObject({
    originalEstimateSeconds: 8 * H,
    remainingEstimateSeconds: 8 * H,
    time: { originalSeconds: 8 * H, remainingSeconds: 8 * H, spentSeconds: 0 },
  });
  return { id: board.id, task: `/boards/${board.id}/tasks/${created.body.task.key}`, mia };
}

describe("worklogs", () => {
  it("log, list, edit and delete, with the task's time block in every answer", async () => {
    const { task } = await boardWithMember();
    const logged = await call("POST", `${task}/worklogs`, {
      timeSpent: "1h 30m",
      startedAt: "2026-01-05T09:00:00+01:00",
      comment: "Payment form",
    });
    expect(logged.status, JSON.stringify(logged.body)).toBe(201);
    expect(logged.body.worklog).toMatchObject({
      timeSpentSeconds: 5400,
      startedAt: "2026-01-05T08:00:00.000Z",
      comment: "Payment form",
    });
    expect(logged.body.task.time).toMatchObject({ spentSeconds: 5400, remainingSeconds: 8 * H - 5400 });
    const id = logged.body.worklog.id;

    const edited = await call("PATCH", `${task}/worklogs/${id}`, { timeSpent: "2h", adjust: { mode: "leave" } });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.worklog.timeSpentSeconds).toBe(2 * H);
    expect(edited.body.task.time).toMatchObject({ spentSeconds: 2 * H, remainingSeconds: 8 * H - 5400 });

    const listed = await call("GET", `${task}/worklogs`);
    expect(listed.status).toBe(200);
    expect(listed.body.worklogs.map((w: Json) => w.id)).toEqual([id]);
    expect((await call("GET", task)).body.task.time.spentSeconds).toBe(2 * H);

    expect((await call("DELETE", `${task}/worklogs/${id}?adjust=leave`)).status).toBe(204);
    expect((await call("GET", `${task}/worklogs`)).body.worklogs).toEqual([]);
    const after = (await call("GET", task)).body.task;
    expect(after.time).toMatchObject({ spentSeconds: 0, remainingSeconds: 8 * H - 5400 });
    expectError(await call("DELETE", `${task}/worklogs/${id}`), 404, "worklog_not_found");
  });

  it("refuses nonsense durations, far-future starts and other people's worklogs, changing nothing", async () => {
    const { id, task, mia } = await boardWithMember();
    const ownerLog = await call("POST", `${task}/worklogs`, { timeSpent: "1h" });
    expect(ownerLog.status).toBe(201);
    const before = await eventCount(id);
    for (const timeSpent of ["-1h", "99999w", "3x"]) {
      const error = expectError(await call("POST", `${task}/worklogs`, { timeSpent }), 400, "invalid_duration");
      expect(error.message).toContain(DURATION_FORMAT);
    }
    expectError(await call("PATCH", task, { remainingEstimate: "1 hour" }), 400, "invalid_duration");
    const tomorrow = new Date(Date.now() + 25 * H * 1000).toISOString();
    expectError(
      await call("POST", `${task}/worklogs`, { timeSpent: "1h", startedAt: tomorrow }),
      422,
      "worklog_in_future",
    );
    expectError(await call("POST", `${task}/worklogs`, { timeSpent: 60 }), 400, "invalid_request");
    const theirs = `${task}/worklogs/${ownerLog.body.worklog.id}`;
    expectError(await call("PATCH", theirs, { timeSpent: "5h" }, {}, mia), 403, "not_worklog_author");
    expectError(await call("DELETE", theirs, undefined, {}, mia), 403, "not_worklog_author");
    expect(await eventCount(id)).toBe(before);

    // The owner may delete a member's worklog, not edit it.
    const miaLog = await call("POST", `${task}/worklogs`, { timeSpent: "30m" }, {}, mia);
    expect(miaLog.status).toBe(201);
    const hers = `${task}/worklogs/${miaLog.body.worklog.id}`;
    expectError(await call("PATCH", hers, { comment: "Not mine" }), 403, "not_worklog_author");
    expect((await call("DELETE", hers)).status).toBe(204);
  });

  it("a worklog named under another task is not found", async () => {
    const { id, task } = await boardWithMember();
    const other = await call("POST", `/boards/${id}/tasks`, { title: "Other" });
    const logged = await call("POST", `${task}/worklogs`, { timeSpent: "1h" });
    const wrong = `/boards/${id}/tasks/${other.body.task.key}/worklogs/${logged.body.worklog.id}`;
    expectError(await call("PATCH", wrong, { comment: "x" }), 404, "worklog_not_found");
    expectError(await call("GET", `/boards/${id}/tasks/${other.body.task.key}99/worklogs`), 404, "task_not_found");
  });
});

describe("estimates and conflicts", () => {
  it("two people editing the remaining estimate from the same base: one conflict", async () => {
    const { task, mia } = await boardWithMember();
    const seq = String((await call("GET", task)).body.seq);
    const first = await call("PATCH", task, { remainingEstimate: "6h" }, { "if-match": `"${seq}"` });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const second = await call("PATCH", task, { remainingEstimate: "4h" }, { "if-match": `"${seq}"` }, mia);
    const error = expectError(second, 409, "conflict");
    expect(error.details.conflicts).toEqual([
      expect.objectContaining({ field: "remainingEstimateSeconds", yours: 4 * H, current: 6 * H }),
    ]);
    expect((await call("GET", task)).body.task.remainingEstimateSeconds).toBe(6 * H);
  });

  it("one edits the points while the other logs time: both apply", async () => {
    const { task, mia } = await boardWithMember();
    const seq = String((await call("GET", task)).body.seq);
    expect((await call("PATCH", task, { storyPoints: 3 }, { "if-match": `"${seq}"` })).status).toBe(200);
    const logged = await call("POST", `${task}/worklogs`, { timeSpent: "2h" }, {}, mia);
    expect(logged.status, JSON.stringify(logged.body)).toBe(201);
    expect(logged.body.task).toMatchObject({ storyPoints: 3, time: { spentSeconds: 2 * H, remainingSeconds: 6 * H } });
  });

  it("the same commands run over POST …/commands, and the snapshot carries the time fields", async () => {
    const { id, task } = await boardWithMember();
    const key = task.split("/").at(-1);
    const res = await call("POST", `/boards/${id}/commands`, {
      opId: crypto.randomUUID(),
      baseSeq: 0,
      command: { type: "logWork", key, timeSpent: "45m", adjust: { mode: "new", value: "2h" } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.events[0]).toMatchObject({
      type: "worklog.added",
      v: 1,
      payload: { timeSpentSeconds: 45 * 60, remaining: { from: 8 * H, to: 2 * H } },
    });
    const snapshot = await boardState(id);
    expect(snapshot.tasks[0]).toMatchObject({ timeSpentSeconds: 45 * 60, remainingEstimateSeconds: 2 * H });
  });
});

describe("timesheets", () => {
  it("shows each day of the range in the asked time zone, and refuses an unknown zone", async () => {
    const { id, task, mia } = await boardWithMember();
    await call("POST", `${task}/worklogs`, { timeSpent: "1h", startedAt: "2026-01-05T23:30:00-05:00" });
    await call("POST", `${task}/worklogs`, { timeSpent: "2h", startedAt: "2026-01-06T10:00:00Z" }, {}, mia);
    const sheet = async (query: string) => {
      const res = await call("GET", `/boards/${id}/timesheet?from=2026-01-05&to=2026-01-06&${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.days.map((d: Json) => [d.date, d.seconds / H]);
    };
    expect(await sheet("timeZone=America/New_York&userId=me")).toEqual([
      ["2026-01-05", 1],
      ["2026-01-06", 0],
    ]);
    expect(await sheet("timeZone=UTC")).toEqual([
      ["2026-01-05", 0],
      ["2026-01-06", 3],
    ]);
    expect(await sheet(`userId=${mia.id}`)).toEqual([
      ["2026-01-05", 0],
      ["2026-01-06", 2],
    ]);
    const bad = await call("GET", `/boards/${id}/timesheet?from=2026-01-05&to=2026-01-06&timeZone=Mars/Base`);
    expectError(bad, 400, "invalid_time_zone");
  });
});

describe("timers", () => {
  it("start, a second start refused naming the first, stop into a worklog", async () => {
    const { id, task } = await boardWithMember();
    const other = await call("POST", `/boards/${id}/tasks`, { title: "Other" });
    const started = await call("POST", `${task}/timer`);
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const key = task.split("/").at(-1);
    const error = expectError(
      await call("POST", `/boards/${id}/tasks/${other.body.task.key}/timer`),
      422,
      "timer_running",
    );
    expect(error.message).toContain(key);
    expect(error.details).toEqual({ key, startedAt: started.body.timer.startedAt });
    const stopped = await call("POST", `${task}/timer/stop`, { comment: "Timed" });
    expect(stopped.status, JSON.stringify(stopped.body)).toBe(200);
    expect(stopped.body.worklog).toMatchObject({
      timeSpentSeconds: 60,
      comment: "Timed",
      startedAt: started.body.timer.startedAt,
    });
    expect(stopped.body.task.time.spentSeconds).toBe(60);
    expectError(await call("POST", `${task}/timer/stop`, {}), 422, "no_timer");
  });
});
