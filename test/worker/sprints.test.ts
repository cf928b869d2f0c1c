import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { boardState, call, eventCount, expectError, type Json, me, newBoard, roomOf } from "./helpers";

// Scrum through the API: plan, start, work, complete; the backlog and its ranking;
// the refusals, each changing nothing.

async function scrumBoard(titles: [string, number | null][]) {
  await me();
  const board = await newBoard({ name: "Scrum", mode: "scrum" });
  const keys: string[] = [];
  for (const [title, storyPoints] of titles) {
    const res = await call("POST", `/boards/${board.id}/tasks`, { title, storyPoints });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    keys.push(res.body.task.key);
  }
  const base = `/boards/${board.id}`;
  const sprint = async (name: string) => {
    const res = await call("POST", `${base}/sprints`, { name, goal: `${name} goal` });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.sprint.id as string;
  };
  return { id: board.id, base, keys, sprint };
}

const keysOf = (tasks: Json[]) => tasks.map((t: Json) => t.key);

describe("a sprint through the API", () => {
  it("plans, starts, takes a scope change, completes into the next sprint, and reports", async () => {
    const { id, base, keys, sprint } = await scrumBoard([
      ["Login", 3],
      ["Signup", 5],
      ["Search", 8],
    ]);
    const [login, signup, search] = keys as [string, string, string];
    const first = await sprint("Sprint 1");
    const second = await sprint("Sprint 2");
    const planned = await call("POST", `${base}/sprints/${first}/tasks`, { keys: [login, signup] });
    expect(planned.status, JSON.stringify(planned.body)).toBe(200);
    expect(keysOf(planned.body.sprint.tasks)).toEqual([login, signup]);
    expect(keysOf((await call("GET", `${base}/backlog`)).body.tasks)).toEqual([search]);

    const started = await call("POST", `${base}/sprints/${first}/start`, {
      startDate: "2026-01-05",
      endDate: "2026-01-16",
    });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.sprint).toMatchObject({ state: "active", committed: { keys: [login, signup], points: 8 } });

    // A second start names the running sprint, and changes nothing.
    const before = await eventCount(id);
    const error = expectError(await call("POST", `${base}/sprints/${second}/start`, {}), 422, "sprint_already_active");
    expect(error.message).toContain('"Sprint 1"');
    expectError(
      await call("POST", `${base}/sprints/${second}/complete`, { moveOpenTo: "backlog" }),
      422,
      "sprint_not_active",
    );
    expectError(await call("DELETE", `${base}/sprints/${first}`), 422, "sprint_started");
    expect(await eventCount(id)).toBe(before);

    const added = await call("POST", `${base}/sprints/${first}/tasks`, { keys: [search] });
    expect(added.body.sprint.scopeChanges).toEqual([
      expect.objectContaining({ key: search, kind: "added", points: 8, at: expect.any(String) }),
    ]);
    expect((await call("POST", `${base}/tasks/${login}/move`, { columnId: "done" })).status).toBe(200);
    await call("PATCH", `${base}/tasks/${signup}`, { originalEstimate: "2d" });
    await call("POST", `${base}/tasks/${signup}/worklogs`, { timeSpent: "3h" });
    expect((await call("GET", `${base}/sprints/${first}`)).body.sprint.totals).toEqual({
      points: 16,
      donePoints: 3,
      remainingPoints: 13,
      originalSeconds: 16 * 3600,
      remainingSeconds: 13 * 3600,
      spentSeconds: 3 * 3600,
    });

    const completed = await call("POST", `${base}/sprints/${first}/complete`, { moveOpenTo: second });
    expect(completed.status, JSON.stringify(completed.body)).toBe(200);
    expect(completed.body.sprint).toMatchObject({
      state: "closed",
      report: {
        committed: { keys: [login, signup], points: 8 },
        completed: { keys: [login], points: 3 },
        addedAfterStart: { keys: [search], points: 8 },
        removedAfterStart: { keys: [], points: 0 },
        carriedOver: { keys: [signup, search], points: 13, to: second },
      },
    });
    expect(keysOf((await call("GET", `${base}/sprints/${second}`)).body.sprint.tasks)).toEqual([signup, search]);
    const listed = await call("GET", `${base}/sprints`);
    expect(listed.body.sprints.map((s: Json) => [s.name, s.state])).toEqual([
      ["Sprint 2", "future"],
      ["Sprint 1", "closed"],
    ]);
    const snapshot = await boardState(id);
    expect(snapshot.sprints.map((s: Json) => s.id)).toEqual([second, first]);
    // The cross-board task index hears where each task is planned.
    await runDurableObjectAlarm(roomOf(id));
    const { results } = await env.DB.prepare("SELECT key, sprint_id FROM task_index WHERE board_id = ? ORDER BY number")
      .bind(id)
      .all();
    expect(results.map((r) => [r.key, r.sprint_id])).toEqual([
      [login, first],
      [signup, second],
      [search, second],
    ]);
    expect(snapshot.tasks.find((t: Json) => t.key === login).sprintId).toBe(first);
  });

  it("ranks the backlog, a selection together", async () => {
    const { base, keys } = await scrumBoard([
      ["A", null],
      ["B", null],
      ["C", null],
      ["D", null],
    ]);
    const [a, b, c, d] = keys as [string, string, string, string];
    const ranked = await call("POST", `${base}/backlog/rank`, { keys: [d, b], position: "top" });
    expect(ranked.status, JSON.stringify(ranked.body)).toBe(200);
    expect(keysOf(ranked.body.tasks)).toEqual([b, d, a, c]);
    const after = await call("POST", `${base}/backlog/rank`, { keys: [b], afterKey: c });
    expect(keysOf(after.body.tasks)).toEqual([d, a, c, b]);
    expectError(await call("POST", `${base}/backlog/rank`, { keys: [a] }), 400, "ambiguous_position");
  });

  it("edits and deletes a sprint never started; its tasks return to the backlog", async () => {
    const { base, keys, sprint } = await scrumBoard([["A", 1]]);
    const s = await sprint("Planned");
    await call("POST", `${base}/sprints/${s}/tasks`, { keys });
    const edited = await call("PATCH", `${base}/sprints/${s}`, { name: "Renamed", endDate: "2026-02-01" });
    expect(edited.body.sprint).toMatchObject({ name: "Renamed", endDate: "2026-02-01" });
    expectError(await call("PATCH", `${base}/sprints/${s}`, { startDate: "2026-03-01" }), 422, "invalid_sprint_dates");
    const removed = await call("DELETE", `${base}/sprints/${s}/tasks/${keys[0]}`);
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(removed.body.sprint.tasks).toEqual([]);
    await call("POST", `${base}/sprints/${s}/tasks`, { keys });
    expect((await call("DELETE", `${base}/sprints/${s}`)).status).toBe(204);
    expectError(await call("GET", `${base}/sprints/${s}`), 404, "sprint_not_found");
    expect(keysOf((await call("GET", `${base}/backlog`)).body.tasks)).toEqual(keys);
  });

  it("a board's settings: parallel sprints, and the working day durations use", async () => {
    const { base, keys, sprint } = await scrumBoard([["A", 1]]);
    const [one, two] = [await sprint("One"), await sprint("Two")];
    expect((await call("POST", `${base}/sprints/${one}/start`, {})).status).toBe(200);
    const settings = await call("PATCH", `${base}/settings`, { parallelSprints: true, hoursPerDay: 6 });
    expect(settings.status, JSON.stringify(settings.body)).toBe(200);
    expect(settings.body.settings).toEqual({
      hoursPerDay: 6,
      daysPerWeek: 5,
      parallelSprints: true,
      estimationStatistic: "points",
      workingDays: [1, 2, 3, 4, 5],
    });
    expect((await call("POST", `${base}/sprints/${two}/start`, {})).status).toBe(200);
    const estimated = await call("PATCH", `${base}/tasks/${keys[0]}`, { originalEstimate: "1d" });
    expect(estimated.body.task.originalEstimateSeconds).toBe(6 * 3600);
  });

  it("the estimation statistic and the working days: set by owners, checked, in the snapshot", async () => {
    const { base } = await scrumBoard([["A", 1]]);
    const changed = await call("PATCH", `${base}/settings`, {
      estimationStatistic: "time",
      workingDays: [7, 1, 2, 3, 4],
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.settings).toMatchObject({ estimationStatistic: "time", workingDays: [1, 2, 3, 4, 7] });
    const seq = changed.body.seq;
    // The same days in another order change nothing.
    expect((await call("PATCH", `${base}/settings`, { workingDays: [4, 3, 2, 1, 7] })).body.seq).toBe(seq);
    for (const [body, mentions] of [
      [{ estimationStatistic: "hours" }, "estimationStatistic"],
      [{ workingDays: [] }, "at least one working day"],
      [{ workingDays: [1, 1, 2] }, "each working day once"],
      [{ workingDays: [0, 8] }, "1 (Monday) to 7 (Sunday)"],
    ] as const) {
      const refused = expectError(await call("PATCH", `${base}/settings`, body), 400, "invalid_request");
      expect(JSON.stringify(refused), JSON.stringify(body)).toContain(mentions);
    }
    const snapshot = await call("GET", `${base}/snapshot`);
    expect(snapshot.body.seq).toBe(seq);
    expect(snapshot.body.settings).toMatchObject({ estimationStatistic: "time", workingDays: [1, 2, 3, 4, 7] });
  });

  it("story points: a number, in halves at the finest, never negative", async () => {
    const { base, keys } = await scrumBoard([["A", 0.5]]);
    const task = `${base}/tasks/${keys[0]}`;
    expect((await call("PATCH", task, { storyPoints: 2.5 })).body.task.storyPoints).toBe(2.5);
    for (const storyPoints of ["3", 0.3, -1]) {
      expectError(await call("PATCH", task, { storyPoints }), 400, "invalid_request");
    }
  });

  it("a Kanban board has no sprints", async () => {
    await me();
    const board = await newBoard({ name: "Kanban" });
    expectError(await call("POST", `/boards/${board.id}/sprints`, { name: "No" }), 422, "scrum_only");
  });
});

describe("a board stored before sprints kept their sub-tasks and archived tasks", () => {
  it("folds its sprints again on its first start, and rebuilds its reports with them", async () => {
    const { id, base, keys, sprint } = await scrumBoard([
      ["Checkout", 3],
      ["Spike", 2],
    ]);
    const [checkout, spike] = keys as [string, string];
    const sub = await call("POST", `${base}/tasks`, {
      title: "Payment form",
      type: "subtask",
      parentKey: checkout,
      originalEstimate: "4h",
    });
    expect(sub.status, JSON.stringify(sub.body)).toBe(201);
    const payment = sub.body.task.key;
    const first = await sprint("Sprint 1");
    await call("POST", `${base}/sprints/${first}/tasks`, { keys: [checkout, spike] });
    await call("POST", `${base}/sprints/${first}/start`, { startDate: "2026-01-05", endDate: "2026-01-16" });
    expect((await call("POST", `${base}/tasks/${spike}/archive`)).status).toBe(200);
    const folded = (await call("GET", `${base}/sprints/${first}`)).body.sprint;
    expect(folded.scopeChanges.map((c: Json) => `${c.kind} ${c.key}`)).toEqual([`removed ${spike}`]);
    expect(folded.subtaskChanges.map((c: Json) => `${c.kind} ${c.key}`)).toEqual([`joined ${payment}`]);
    await runDurableObjectAlarm(roomOf(id));

    // Back to what a board stored at v5 held: sprints folded without those changes, no rebuild column.
    const stub = roomOf(id);
    await runInDurableObject(stub, (_room, state) => {
      const sql = state.storage.sql;
      const row = sql.exec("SELECT body FROM sprints WHERE id = ?", first).one();
      const { subtaskChanges, ...old } = JSON.parse(String(row.body));
      old.scopeChanges = [];
      sql.exec("UPDATE sprints SET body = ? WHERE id = ?", JSON.stringify(old), first);
      sql.exec("ALTER TABLE subscribers DROP COLUMN rebuild");
      sql.exec("UPDATE meta SET value = '5' WHERE name = 'schema_version'");
    });
    await evictDurableObject(stub);

    const again = (await call("GET", `${base}/sprints/${first}`)).body.sprint;
    expect(again.scopeChanges).toEqual(folded.scopeChanges);
    expect(again.subtaskChanges).toEqual(folded.subtaskChanges);
    const subscribers = (await call("GET", `${base}/subscribers`)).body;
    const reports = subscribers.subscribers.find((s: Json) => s.name === "reports");
    expect(reports.rebuild).toEqual({ target: subscribers.seq, through: 0, pages: 0 });
    for (let run = 0; run < 20 && (await runDurableObjectAlarm(roomOf(id))); run++);
    const rebuilt = (await call("GET", `${base}/subscribers`)).body.subscribers.find((s: Json) => s.name === "reports");
    expect(rebuilt).toMatchObject({ rebuild: null, lag: 0 });
    const burndown = await call("GET", `${base}/reports/burndown?sprint=${first}&unit=time`);
    expect(burndown.body.series[0].changes.map((c: Json) => `${c.kind} ${c.key}`)).toContain(`committed ${payment}`);
  });
});
