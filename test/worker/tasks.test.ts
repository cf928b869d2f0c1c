import { describe, expect, it } from "vitest";
import {
  type Answer,
  addMember,
  boardState,
  call,
  eventCount,
  expectError,
  type Json,
  myId,
  newBoard,
  rawCall,
  roomOf,
} from "./helpers";

// The task routes through the real Worker, Durable Object, SQLite and D1. Every
// refused request also proves that the board did not change: same seq, same snapshot.

const tasksOf = (boardId: string) => `/boards/${boardId}/tasks`;

async function createTask(boardId: string, fields: Record<string, unknown>): Promise<Json> {
  const res = await call("POST", tasksOf(boardId), fields);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.task;
}

/** A board with tasks titled as given, in the first column, in that order. */
async function boardWith(...titles: string[]): Promise<{ id: string; key: string; keys: string[] }> {
  const board = await newBoard();
  const keys: string[] = [];
  for (const title of titles) keys.push((await createTask(board.id, { title })).key);
  return { id: board.id, key: board.key, keys };
}

/** Runs a request that must be refused, and checks the board is exactly as it was. */
async function refused(boardId: string, request: () => Promise<Answer>, status: number, code: string): Promise<Json> {
  const before = await boardState(boardId);
  const events = await eventCount(boardId);
  const error = expectError(await request(), status, code);
  expect(await boardState(boardId)).toEqual(before);
  expect(await eventCount(boardId)).toBe(events);
  return error;
}

async function keysIn(boardId: string, query = ""): Promise<string[]> {
  const res = await call("GET", `${tasksOf(boardId)}${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.tasks.map((t: Json) => t.key);
}

async function setColumn(boardId: string, columnId: string, changes: Record<string, unknown>): Promise<void> {
  const res = await call("PATCH", `/boards/${boardId}/columns/${columnId}`, changes);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** Acts as another member of the board, straight through its Durable Object. */
async function asOther(boardId: string, command: Json, baseSeq?: number): Promise<Json> {
  const { result } = await roomOf(boardId).command(
    { opId: crypto.randomUUID(), command, ...(baseSeq === undefined ? {} : { baseSeq }) },
    { id: "usr_other", role: "member" },
  );
  expect(result.status, JSON.stringify(result)).toBe("applied");
  return result;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe("create", () => {
  it("answers 201 {task, seq} with defaults, numbering keys WEB-1, WEB-2", async () => {
    const board = await newBoard({ key: "WEB" });
    const before = await boardState(board.id);
    const first = await call("POST", tasksOf(board.id), { title: "  Set up CI  " });
    expect(first.status).toBe(201);
    expect(first.body.seq).toBe(before.seq + 1);
    expect(first.body.task).toMatchObject({
      key: "WEB-1",
      number: 1,
      title: "Set up CI",
      description: "",
      type: "task",
      priority: "medium",
      columnId: "todo",
      parentKey: null,
      assigneeId: null,
      reporterId: myId(),
      labels: [],
      storyPoints: null,
      dueDate: null,
      resolvedAt: null,
      archivedAt: null,
    });
    expect(first.body.task.watchers).toContain(myId());
    expect(first.body.task.createdAt).toMatch(ISO);
    expect(first.body.task).not.toHaveProperty("stamps");

    const second = await call("POST", tasksOf(board.id), { title: "Write docs" });
    expect(second.status).toBe(201);
    expect(second.body.task.key).toBe("WEB-2");
    expect(second.body.seq).toBe(first.body.seq + 1);
    // New tasks go to the bottom of their column.
    expect(second.body.task.rank > first.body.task.rank).toBe(true);

    const after = await boardState(board.id);
    expect(after.seq).toBe(second.body.seq);
    expect(after.tasks.map((t: Json) => t.key)).toEqual(["WEB-1", "WEB-2"]);
  });

  it("takes every field, dedupes and sorts labels, and makes the assignee a watcher", async () => {
    const board = await newBoard();
    await addMember(board.id, "usr_other", "member", "Other");
    const parent = await createTask(board.id, { title: "Epic", type: "epic" });
    const res = await call("POST", tasksOf(board.id), {
      title: "Crash on save",
      type: "subtask",
      description: "Steps: **save**",
      columnId: "in_progress",
      assigneeId: "usr_other",
      priority: "highest",
      labels: ["ui", "backend", "ui"],
      parentKey: parent.key,
      storyPoints: 3,
      dueDate: "2026-12-31",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.task).toMatchObject({
      key: `${board.key}-2`,
      type: "subtask",
      description: "Steps: **save**",
      columnId: "in_progress",
      assigneeId: "usr_other",
      reporterId: myId(),
      priority: "highest",
      labels: ["backend", "ui"],
      parentKey: parent.key,
      storyPoints: 3,
      dueDate: "2026-12-31",
    });
    expect(res.body.task.watchers).toEqual([myId(), "usr_other"]);
  });

  it("accepts a title of exactly 255 characters and a description of exactly 64 KiB", async () => {
    const board = await newBoard();
    const task = await createTask(board.id, { title: "t".repeat(255), description: "d".repeat(64 * 1024) });
    expect(task.title).toHaveLength(255);
    expect(task.description).toHaveLength(64 * 1024);
  });

  it("refuses a task in a hard-WIP column that is full (422 wip_limit_reached)", async () => {
    const { id } = await boardWith();
    await setColumn(id, "in_progress", { wipLimit: 1, wipMode: "hard" });
    await createTask(id, { title: "Fills it", columnId: "in_progress" });
    const error = await refused(
      id,
      () => call("POST", tasksOf(id), { title: "One too many", columnId: "in_progress" }),
      422,
      "wip_limit_reached",
    );
    expect(error.details).toMatchObject({ columnId: "in_progress", limit: 1, count: 1 });
  });

  it("refuses rule breaks: unknown assignee, unknown parent, a sub-task without a parent", async () => {
    const { id } = await boardWith("A");
    await refused(
      id,
      () => call("POST", tasksOf(id), { title: "x", assigneeId: "usr_nobody" }),
      422,
      "unknown_assignee",
    );
    await refused(id, () => call("POST", tasksOf(id), { title: "x", parentKey: "ZZ-9" }), 422, "unknown_parent");
    await refused(id, () => call("POST", tasksOf(id), { title: "x", type: "subtask" }), 422, "subtask_needs_parent");
    await refused(
      id,
      () => call("POST", tasksOf(id), { title: "x", watchers: ["usr_nobody"] }),
      422,
      "unknown_watcher",
    );
  });
});

describe("list", () => {
  async function filteredBoard() {
    const board = await newBoard();
    const k = (n: number) => `${board.key}-${n}`;
    await createTask(board.id, { title: "Login page", type: "story", labels: ["ui"], assigneeId: myId() });
    await createTask(board.id, {
      title: "Fix crash",
      type: "bug",
      labels: ["backend"],
      description: "Only in SAFARI",
      columnId: "in_progress",
    });
    await createTask(board.id, { title: "Docs", labels: ["ui", "docs"], columnId: "done" });
    await createTask(board.id, { title: "Login old", type: "story", labels: ["ui"] });
    await createTask(board.id, { title: "Second in todo" });
    expect((await call("POST", `${tasksOf(board.id)}/${k(4)}/archive`)).status).toBe(200);
    return { id: board.id, k };
  }

  it("lists the board's live tasks in board order with the seq", async () => {
    const { id, k } = await filteredBoard();
    const res = await call("GET", tasksOf(id));
    expect(res.status).toBe(200);
    expect(res.body.seq).toBe((await boardState(id)).seq);
    expect(res.body.tasks.map((t: Json) => t.key)).toEqual([k(1), k(5), k(2), k(3)]);
    expect(res.body.tasks[0]).not.toHaveProperty("stamps");
  });

  it("filters by columnId, assigneeId (and none), label, type, text and archived", async () => {
    const { id, k } = await filteredBoard();
    expect(await keysIn(id, "?columnId=todo")).toEqual([k(1), k(5)]);
    expect(await keysIn(id, "?columnId=done")).toEqual([k(3)]);
    expect(await keysIn(id, `?assigneeId=${myId()}`)).toEqual([k(1)]);
    expect(await keysIn(id, "?assigneeId=none")).toEqual([k(5), k(2), k(3)]);
    expect(await keysIn(id, "?label=ui")).toEqual([k(1), k(3)]);
    expect(await keysIn(id, "?type=bug")).toEqual([k(2)]);
    expect(await keysIn(id, "?text=login")).toEqual([k(1)]);
    expect(await keysIn(id, "?text=safari")).toEqual([k(2)]);
    expect(await keysIn(id, `?text=${k(3)}`)).toEqual([k(3)]);
    expect(await keysIn(id, "?archived=true")).toEqual([k(4)]);
    expect(await keysIn(id, "?archived=false")).toEqual([k(1), k(5), k(2), k(3)]);
    expect(await keysIn(id, "?label=ui&columnId=done")).toEqual([k(3)]);
    expect(await keysIn(id, "?label=nothing")).toEqual([]);
    expect(await keysIn(id, "?columnId=no_such_column")).toEqual([]);
  });

  it.each([
    ["an unknown type", "?type=feature"],
    ["archived that is not true/false", "?archived=yes"],
    ["an unknown query parameter", "?status=open"],
    ["text longer than 200 characters", `?text=${"x".repeat(201)}`],
  ])("refuses %s (400 invalid_request)", async (_what, query) => {
    const { id } = await boardWith("A");
    const error = await refused(id, () => call("GET", `${tasksOf(id)}${query}`), 400, "invalid_request");
    expect(error.details.problems[0].path).toMatch(/^query/);
  });
});

describe("get", () => {
  it("answers the task, its comments and the seq, with the seq as ETag", async () => {
    const { id, keys } = await boardWith("A", "B");
    const key = keys[0] as string;
    await call("POST", `${tasksOf(id)}/${key}/comments`, { body: "first" });
    await call("POST", `${tasksOf(id)}/${key}/comments`, { body: "second" });
    const res = await call("GET", `${tasksOf(id)}/${key}`);
    expect(res.status).toBe(200);
    expect(res.body.task).toMatchObject({ key, title: "A" });
    expect(res.body.task).not.toHaveProperty("stamps");
    expect(res.body.comments.map((c: Json) => c.body)).toEqual(["first", "second"]);
    expect(res.body.comments[0]).toMatchObject({ taskKey: key, authorId: myId(), editedAt: null });
    expect(res.body.seq).toBe((await boardState(id)).seq);
    expect(res.headers.get("etag")).toBe(`"${res.body.seq}"`);
  });
});

describe("patch", () => {
  it("changes only the fields sent and answers {task, seq}", async () => {
    const { id, keys } = await boardWith("A");
    const key = keys[0] as string;
    const before = (await call("GET", `${tasksOf(id)}/${key}`)).body;
    const res = await call("PATCH", `${tasksOf(id)}/${key}`, {
      title: "Renamed",
      priority: "high",
      storyPoints: 5,
      dueDate: "2027-01-15",
      description: "now with words",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.seq).toBe(before.seq + 1);
    expect(res.body.task).toMatchObject({
      key,
      title: "Renamed",
      priority: "high",
      storyPoints: 5,
      dueDate: "2027-01-15",
      description: "now with words",
      type: before.task.type,
      columnId: before.task.columnId,
      labels: before.task.labels,
    });
    const cleared = await call("PATCH", `${tasksOf(id)}/${key}`, { storyPoints: null, dueDate: null });
    expect(cleared.body.task).toMatchObject({ storyPoints: null, dueDate: null, title: "Renamed" });
  });

  it("takes labels as a full list or as {add, remove}", async () => {
    const { id, keys } = await boardWith("A");
    const path = `${tasksOf(id)}/${keys[0]}`;
    const full = await call("PATCH", path, { labels: ["b", "a", "a"] });
    expect(full.status).toBe(200);
    expect(full.body.task.labels).toEqual(["a", "b"]);
    const edited = await call("PATCH", path, { labels: { add: ["c"], remove: ["a", "missing"] } });
    expect(edited.status).toBe(200);
    expect(edited.body.task.labels).toEqual(["b", "c"]);
    const replaced = await call("PATCH", path, { labels: [] });
    expect(replaced.body.task.labels).toEqual([]);
  });

  it("answers 200 with the same seq and no event when nothing changes", async () => {
    const { id, keys } = await boardWith("A");
    const before = await boardState(id);
    const res = await call("PATCH", `${tasksOf(id)}/${keys[0]}`, { title: "A", labels: { remove: ["none"] } });
    expect(res.status).toBe(200);
    expect(res.body.seq).toBe(before.seq);
    expect(await boardState(id)).toEqual(before);
  });

  it("treats a stale If-Match like any other: the caller's own earlier change conflicts too", async () => {
    const { id, keys } = await boardWith("A");
    const path = `${tasksOf(id)}/${keys[0]}`;
    const base = (await call("GET", path)).body.seq;
    const first = await call("PATCH", path, { title: "Mine 1" }, { "if-match": `"${base}"` });
    expect(first.status).toBe(200);
    const before = await boardState(id);
    const again = await call("PATCH", path, { title: "Mine 2" }, { "if-match": `"${base}"` });
    expect(again.status, JSON.stringify(again.body)).toBe(409);
    expect(again.body.error.details.conflicts).toEqual([
      expect.objectContaining({
        field: "title",
        yours: "Mine 2",
        current: "Mine 1",
        changedBy: myId(),
        seq: first.body.seq,
      }),
    ]);
    expect(await boardState(id)).toEqual(before);
    // Based on the ack of the first change, the second applies.
    const rebased = await call("PATCH", path, { title: "Mine 2" }, { "if-match": `"${first.body.seq}"` });
    expect(rebased.status).toBe(200);
    expect(rebased.body.task.title).toBe("Mine 2");
  });

  it("merges a stale change of other fields, and set edits never conflict", async () => {
    const { id, keys } = await boardWith("A");
    const key = keys[0] as string;
    await addMember(id, "usr_other", "member", "Other");
    const got = await call("GET", `${tasksOf(id)}/${key}`);
    const etag = got.headers.get("etag") as string;
    await asOther(id, { type: "updateTask", key, changes: { title: "Theirs", labels: ["theirs"] } }, got.body.seq);
    const res = await call(
      "PATCH",
      `${tasksOf(id)}/${key}`,
      { priority: "low", labels: { add: ["mine"] } },
      { "if-match": etag },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.task).toMatchObject({ title: "Theirs", priority: "low", labels: ["mine", "theirs"] });
    // Agreeing with what is there is not a conflict either.
    const same = await call("PATCH", `${tasksOf(id)}/${key}`, { title: "Theirs" }, { "if-match": etag });
    expect(same.status, JSON.stringify(same.body)).toBe(200);
  });

  it("refuses changes to an archived task (422 task_archived)", async () => {
    const { id, keys } = await boardWith("A");
    await call("POST", `${tasksOf(id)}/${keys[0]}/archive`);
    await refused(id, () => call("PATCH", `${tasksOf(id)}/${keys[0]}`, { title: "B" }), 422, "task_archived");
  });
});

describe("move", () => {
  it("places a task at the top, bottom, before or after another", async () => {
    const { id, keys } = await boardWith("A", "B", "C");
    const [a, b, c] = keys as [string, string, string];
    const move = (key: string, body: Record<string, unknown>) =>
      call("POST", `${tasksOf(id)}/${key}/move`, { columnId: "todo", ...body });

    const top = await move(c, { position: "top" });
    expect(top.status, JSON.stringify(top.body)).toBe(200);
    expect(top.body.task.key).toBe(c);
    expect(await keysIn(id, "?columnId=todo")).toEqual([c, a, b]);
    expect((await move(a, { beforeKey: c })).status).toBe(200);
    expect(await keysIn(id, "?columnId=todo")).toEqual([a, c, b]);
    expect((await move(b, { afterKey: a })).status).toBe(200);
    expect(await keysIn(id, "?columnId=todo")).toEqual([a, b, c]);
    expect((await move(a, { position: "bottom" })).status).toBe(200);
    expect(await keysIn(id, "?columnId=todo")).toEqual([b, c, a]);
    expect((await move(b, {})).status).toBe(200);
    expect(await keysIn(id, "?columnId=todo")).toEqual([c, a, b]);
  });

  it("moves into another column (bottom by default) and sets resolvedAt in a done column", async () => {
    const { id, keys } = await boardWith("A", "B", "C");
    const [a, b, c] = keys as [string, string, string];
    const first = await call("POST", `${tasksOf(id)}/${a}/move`, { columnId: "in_progress" });
    expect(first.status).toBe(200);
    expect(first.body.task.columnId).toBe("in_progress");
    expect(first.body).not.toHaveProperty("wipExceeded");
    await call("POST", `${tasksOf(id)}/${b}/move`, { columnId: "in_progress" });
    await call("POST", `${tasksOf(id)}/${c}/move`, { columnId: "in_progress", beforeKey: a });
    expect(await keysIn(id, "?columnId=in_progress")).toEqual([c, a, b]);
    expect(await keysIn(id, "?columnId=todo")).toEqual([]);

    const done = await call("POST", `${tasksOf(id)}/${a}/move`, { columnId: "done" });
    expect(done.body.task.resolvedAt).toMatch(ISO);
    const back = await call("POST", `${tasksOf(id)}/${a}/move`, { columnId: "todo" });
    expect(back.body.task.resolvedAt).toBeNull();
  });

  it("answers 200 with the same seq when the task is already there", async () => {
    const { id, keys } = await boardWith("A", "B");
    const before = await boardState(id);
    const res = await call("POST", `${tasksOf(id)}/${keys[0]}/move`, { columnId: "todo", position: "top" });
    expect(res.status).toBe(200);
    expect(res.body.seq).toBe(before.seq);
    expect(await boardState(id)).toEqual(before);
  });

  it("lets a move through a soft WIP limit and reports wipExceeded", async () => {
    const { id, keys } = await boardWith("A", "B");
    await setColumn(id, "in_progress", { wipLimit: 1, wipMode: "soft" });
    const first = await call("POST", `${tasksOf(id)}/${keys[0]}/move`, { columnId: "in_progress" });
    expect(first.body).not.toHaveProperty("wipExceeded");
    const second = await call("POST", `${tasksOf(id)}/${keys[1]}/move`, { columnId: "in_progress" });
    expect(second.status).toBe(200);
    expect(second.body.wipExceeded).toEqual({ limit: 1, count: 2 });
    expect(second.body.task.columnId).toBe("in_progress");
  });

  it("refuses a move into a full hard-WIP column (422 wip_limit_reached) but allows reordering inside it", async () => {
    const { id, keys } = await boardWith("A", "B", "C");
    const [a, b, c] = keys as [string, string, string];
    await setColumn(id, "in_progress", { wipLimit: 2, wipMode: "hard" });
    await call("POST", `${tasksOf(id)}/${a}/move`, { columnId: "in_progress" });
    await call("POST", `${tasksOf(id)}/${b}/move`, { columnId: "in_progress" });
    const error = await refused(
      id,
      () => call("POST", `${tasksOf(id)}/${c}/move`, { columnId: "in_progress" }),
      422,
      "wip_limit_reached",
    );
    expect(error.details).toEqual({ columnId: "in_progress", limit: 2, count: 2 });
    const reorder = await call("POST", `${tasksOf(id)}/${b}/move`, { columnId: "in_progress", position: "top" });
    expect(reorder.status).toBe(200);
    expect(await keysIn(id, "?columnId=in_progress")).toEqual([b, a]);
  });

  it("refuses an anchor that is not in the target column (422 invalid_position)", async () => {
    const { id, keys } = await boardWith("A", "B");
    await call("POST", `${tasksOf(id)}/${keys[1]}/move`, { columnId: "done" });
    await refused(
      id,
      () => call("POST", `${tasksOf(id)}/${keys[0]}/move`, { columnId: "in_progress", beforeKey: keys[1] }),
      422,
      "invalid_position",
    );
  });

  it("refuses two anchors at once (400 ambiguous_position)", async () => {
    const { id, keys } = await boardWith("A", "B");
    await refused(
      id,
      () => call("POST", `${tasksOf(id)}/${keys[0]}/move`, { columnId: "todo", afterKey: keys[1], position: "top" }),
      400,
      "ambiguous_position",
    );
  });

  it("answers 409 when another member moved the task after If-Match", async () => {
    const { id, keys } = await boardWith("A");
    const key = keys[0] as string;
    await addMember(id, "usr_other", "member", "Other");
    const base = (await call("GET", `${tasksOf(id)}/${key}`)).body.seq;
    await asOther(id, { type: "moveTask", key, columnId: "done" }, base);
    const error = await refused(
      id,
      () => call("POST", `${tasksOf(id)}/${key}/move`, { columnId: "in_progress" }, { "if-match": `"${base}"` }),
      409,
      "conflict",
    );
    expect(error.details.conflicts).toEqual([
      {
        field: "columnId",
        yours: "in_progress",
        current: "done",
        changedBy: "usr_other",
        changedAt: expect.stringMatching(ISO),
        seq: base + 1,
      },
    ]);
  });
});

describe("archive, restore and delete", () => {
  it("archives a task out of the board and restores it to its column", async () => {
    const { id, keys } = await boardWith("A", "B");
    const key = keys[0] as string;
    const archived = await call("POST", `${tasksOf(id)}/${key}/archive`);
    expect(archived.status).toBe(200);
    expect(archived.body.task.archivedAt).toMatch(ISO);
    expect(await keysIn(id)).toEqual([keys[1]]);
    expect(await keysIn(id, "?archived=true")).toEqual([key]);
    // Archiving again changes nothing.
    const again = await call("POST", `${tasksOf(id)}/${key}/archive`);
    expect(again.status).toBe(200);
    expect(again.body.seq).toBe(archived.body.seq);

    const restored = await call("POST", `${tasksOf(id)}/${key}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body.seq).toBe(archived.body.seq + 1);
    expect(restored.body.task).toMatchObject({ archivedAt: null, columnId: "todo" });
    expect(await keysIn(id)).toEqual(keys);
  });

  it("refuses to restore into a full hard-WIP column (422 wip_limit_reached)", async () => {
    const { id, keys } = await boardWith("A", "B");
    await call("POST", `${tasksOf(id)}/${keys[0]}/archive`);
    await setColumn(id, "todo", { wipLimit: 1, wipMode: "hard" });
    await refused(id, () => call("POST", `${tasksOf(id)}/${keys[0]}/restore`), 422, "wip_limit_reached");
  });

  it("deletes only archived tasks (422 task_not_archived, then 204) and never reuses the key", async () => {
    const { id, key: boardKey, keys } = await boardWith("A", "B");
    const [a] = keys as [string, string];
    await refused(id, () => call("DELETE", `${tasksOf(id)}/${a}`), 422, "task_not_archived");

    await call("POST", `${tasksOf(id)}/${a}/comments`, { body: "goes with it" });
    await call("POST", `${tasksOf(id)}/${a}/archive`);
    const deleted = await call("DELETE", `${tasksOf(id)}/${a}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeNull();
    expectError(await call("GET", `${tasksOf(id)}/${a}`), 404, "task_not_found");
    expect(await keysIn(id, "?archived=true")).toEqual([]);
    const state = await boardState(id);
    expect(state.tasks.map((t: Json) => t.key)).toEqual([keys[1]]);

    const next = await createTask(id, { title: "C" });
    expect(next.key).toBe(`${boardKey}-3`);
    // The log keeps the deleted task's history.
    const history = await call("GET", `${tasksOf(id)}/${a}/history`);
    expect(history.status).toBe(200);
    expect(history.body.entries.at(-1)).toMatchObject({
      type: "task.deleted",
      changes: [{ field: "deleted", from: false, to: true }],
    });
  });

  it("unlinks the sub-tasks of a deleted parent", async () => {
    const { id, keys } = await boardWith("Parent");
    const child = await createTask(id, { title: "Child", parentKey: keys[0] });
    await call("POST", `${tasksOf(id)}/${keys[0]}/archive`);
    expect((await call("DELETE", `${tasksOf(id)}/${keys[0]}`)).status).toBe(204);
    expect((await call("GET", `${tasksOf(id)}/${child.key}`)).body.task.parentKey).toBeNull();
  });
});

describe("history", () => {
  it("lists who changed what and when, with from → to, and refused attempts", async () => {
    const { id, keys } = await boardWith("A");
    const key = keys[0] as string;
    await call("PATCH", `${tasksOf(id)}/${key}`, { title: "Renamed", labels: ["x"] });
    await call("POST", `${tasksOf(id)}/${key}/move`, { columnId: "in_progress" });
    await call("DELETE", `${tasksOf(id)}/${key}`); // refused: not archived
    await call("POST", `${tasksOf(id)}/${key}/comments`, { body: "hello" });

    const res = await call("GET", `${tasksOf(id)}/${key}/history`);
    expect(res.status).toBe(200);
    expect(res.body.key).toBe(key);
    const entries: Json[] = res.body.entries;
    expect(entries.map((e) => [e.type, e.rejected])).toEqual([
      ["task.created", false],
      ["task.updated", false],
      ["task.moved", false],
      ["deleteTask", true],
      ["comment.added", false],
    ]);
    for (const entry of entries) {
      expect(entry.actor).toBe(myId());
      expect(entry.at).toMatch(ISO);
      expect(typeof entry.opId).toBe("string");
    }
    const [created, updated, moved, refusedDelete, commented] = entries;
    expect(created.changes).toContainEqual({ field: "title", from: null, to: "A" });
    expect(updated.changes).toEqual([
      { field: "title", from: "A", to: "Renamed" },
      { field: "labels", from: [], to: ["x"] },
    ]);
    expect(moved.changes).toEqual([{ field: "columnId", from: "todo", to: "in_progress" }]);
    expect(moved.seq).toBe(updated.seq + 1);
    expect(refusedDelete).toMatchObject({
      seq: moved.seq,
      changes: [],
      reason: { code: "task_not_archived", message: expect.any(String) },
    });
    expect(commented.changes).toEqual([{ field: "comment", from: null, to: "hello" }]);
  });

  it("records a refused conflict with its conflicts, and the re-confirmed change after it", async () => {
    const { id, keys } = await boardWith("A");
    const key = keys[0] as string;
    await addMember(id, "usr_other", "member", "Other");
    const base = (await call("GET", `${tasksOf(id)}/${key}`)).body.seq;
    await asOther(id, { type: "updateTask", key, changes: { title: "Theirs" } }, base);
    expect((await call("PATCH", `${tasksOf(id)}/${key}`, { title: "Mine" }, { "if-match": `"${base}"` })).status).toBe(
      409,
    );
    expect(
      (await call("PATCH", `${tasksOf(id)}/${key}`, { title: "Mine" }, { "if-match": `"${base + 1}"` })).status,
    ).toBe(200);
    const entries: Json[] = (await call("GET", `${tasksOf(id)}/${key}/history`)).body.entries;
    expect(entries.map((e) => [e.type, e.actor, e.rejected])).toEqual([
      ["task.created", myId(), false],
      ["task.updated", "usr_other", false],
      ["updateTask", myId(), true],
      ["task.updated", myId(), false],
    ]);
    expect(entries[2].reason).toMatchObject({
      code: "conflict",
      conflicts: [{ field: "title", yours: "Mine", current: "Theirs", changedBy: "usr_other" }],
    });
    expect(entries[3].changes).toEqual([{ field: "title", from: "Theirs", to: "Mine" }]);
  });
});

describe("comments", () => {
  it("adds, edits and deletes a comment", async () => {
    const { id, keys } = await boardWith("A");
    const key = keys[0] as string;
    const added = await call("POST", `${tasksOf(id)}/${key}/comments`, { body: "First **draft**" });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body.comment).toMatchObject({
      taskKey: key,
      authorId: myId(),
      body: "First **draft**",
      editedAt: null,
    });
    const commentId: string = added.body.comment.id;
    const got = (await call("GET", `${tasksOf(id)}/${key}`)).body;
    expect(got.comments).toEqual([added.body.comment]);
    expect(got.seq).toBe(added.body.seq);

    const edited = await call("PATCH", `${tasksOf(id)}/${key}/comments/${commentId}`, { body: "Final" });
    expect(edited.status).toBe(200);
    expect(edited.body.seq).toBe(added.body.seq + 1);
    expect(edited.body.comment).toMatchObject({ id: commentId, body: "Final", editedAt: expect.stringMatching(ISO) });

    const deleted = await call("DELETE", `${tasksOf(id)}/${key}/comments/${commentId}`);
    expect(deleted.status).toBe(204);
    expect((await call("GET", `${tasksOf(id)}/${key}`)).body.comments).toEqual([]);
    await refused(
      id,
      () => call("PATCH", `${tasksOf(id)}/${key}/comments/${commentId}`, { body: "again" }),
      404,
      "comment_not_found",
    );
    await refused(id, () => call("DELETE", `${tasksOf(id)}/${key}/comments/${commentId}`), 404, "comment_not_found");
  });

  it("refuses an empty comment, a comment on an unknown task, and a comment of another task", async () => {
    const { id, key: boardKey, keys } = await boardWith("A", "B");
    await refused(id, () => call("POST", `${tasksOf(id)}/${keys[0]}/comments`, { body: "" }), 400, "invalid_request");
    await refused(
      id,
      () => call("POST", `${tasksOf(id)}/${boardKey}-99/comments`, { body: "hi" }),
      404,
      "task_not_found",
    );
    const commentId = (await call("POST", `${tasksOf(id)}/${keys[0]}/comments`, { body: "on A" })).body.comment.id;
    await refused(
      id,
      () => call("PATCH", `${tasksOf(id)}/${keys[1]}/comments/${commentId}`, { body: "moved?" }),
      404,
      "comment_not_found",
    );
    await refused(
      id,
      () => call("PATCH", `${tasksOf(id)}/${boardKey}-99/comments/${commentId}`, { body: "x" }),
      404,
      "task_not_found",
    );
  });

  it("lets only its author edit a comment (403 not_comment_author); an owner may delete it", async () => {
    const { id, keys } = await boardWith("A");
    const key = keys[0] as string;
    await addMember(id, "usr_other", "member", "Other");
    const theirs = await asOther(id, { type: "addComment", key, body: "not yours" });
    const commentId: string = theirs.event.payload.commentId;
    await refused(
      id,
      () => call("PATCH", `${tasksOf(id)}/${key}/comments/${commentId}`, { body: "mine now" }),
      403,
      "not_comment_author",
    );
    // The caller here is the board's owner.
    expect((await call("DELETE", `${tasksOf(id)}/${key}/comments/${commentId}`)).status).toBe(204);
    expect((await call("GET", `${tasksOf(id)}/${key}`)).body.comments).toEqual([]);
  });
});

describe("bad input", () => {
  it("answers 400 malformed_json to a body that is not JSON", async () => {
    const { id, keys } = await boardWith("A");
    await refused(id, () => rawCall("POST", tasksOf(id), "{bad"), 400, "malformed_json");
    await refused(id, () => rawCall("PATCH", `${tasksOf(id)}/${keys[0]}`, '{"title": "x",}'), 400, "malformed_json");
    await refused(id, () => rawCall("POST", `${tasksOf(id)}/${keys[0]}/move`, ""), 400, "malformed_json");
  });

  it("answers 400 invalid_request naming an unknown field", async () => {
    const { id, keys } = await boardWith("A");
    const created = await refused(
      id,
      () => call("POST", tasksOf(id), { title: "x", colour: "red" }),
      400,
      "invalid_request",
    );
    expect(created.message).toContain("colour");
    const patched = await refused(
      id,
      () => call("PATCH", `${tasksOf(id)}/${keys[0]}`, { title: "x", status: "done" }),
      400,
      "invalid_request",
    );
    expect(patched.message).toContain("status");
    const moved = await refused(
      id,
      () => call("POST", `${tasksOf(id)}/${keys[0]}/move`, { columnId: "done", index: 2 }),
      400,
      "invalid_request",
    );
    expect(moved.message).toContain("index");
    const labels = await refused(
      id,
      () => call("PATCH", `${tasksOf(id)}/${keys[0]}`, { labels: { add: ["a"], replace: ["b"] } }),
      400,
      "invalid_request",
    );
    expect(JSON.stringify(labels)).toContain("labels");
  });

  it.each([
    ["title as a number", "POST", "", { title: 5 }, "title"],
    ["title missing", "POST", "", { priority: "high" }, "title"],
    ["an unknown priority", "POST", "", { title: "x", priority: "urgent" }, "priority"],
    ["an unknown type", "POST", "", { title: "x", type: "feature" }, "type"],
    ["story points as a string", "POST", "", { title: "x", storyPoints: "3" }, "storyPoints"],
    ["labels as a string", "POST", "", { title: "x", labels: "ui" }, "labels"],
    ["a label with a space", "POST", "", { title: "x", labels: ["two words"] }, "labels"],
    ["a date that is not a date", "POST", "", { title: "x", dueDate: "next week" }, "dueDate"],
    ["a malformed parent key", "POST", "", { title: "x", parentKey: "not-a-key" }, "parentKey"],
    ["an array instead of an object", "POST", "", [{ title: "x" }], "body"],
    ["assigneeId as a number", "PATCH", "/K", { assigneeId: 42 }, "assigneeId"],
    ["a null title", "PATCH", "/K", { title: null }, "title"],
    ["negative story points", "PATCH", "/K", { storyPoints: -1 }, "storyPoints"],
    ["columnId missing on a move", "POST", "/K/move", { position: "top" }, "columnId"],
    ["an unknown position", "POST", "/K/move", { columnId: "todo", position: "middle" }, "position"],
  ])("answers 400 invalid_request to %s", async (_what, method, suffix, body, field) => {
    const { id, keys } = await boardWith("A");
    const path = `${tasksOf(id)}${suffix.replace("K", keys[0] as string)}`;
    const error = await refused(id, () => call(method, path, body), 400, "invalid_request");
    expect(error.details.problems.map((p: Json) => p.path).join(" ")).toContain(field);
  });

  it.each([
    ["empty", ""],
    ["only spaces", "   "],
    ["256 characters", "t".repeat(256)],
  ])("refuses a title that is %s (400 invalid_request)", async (_what, title) => {
    const { id, keys } = await boardWith("A");
    const created = await refused(id, () => call("POST", tasksOf(id), { title }), 400, "invalid_request");
    expect(created.details.problems[0].path).toBe("body.title");
    await refused(id, () => call("PATCH", `${tasksOf(id)}/${keys[0]}`, { title }), 400, "invalid_request");
  });

  it("refuses a description over 64 KiB, counted in bytes (400 invalid_request)", async () => {
    const { id, keys } = await boardWith("A");
    const tooLong = "d".repeat(64 * 1024 + 1);
    const error = await refused(
      id,
      () => call("POST", tasksOf(id), { title: "x", description: tooLong }),
      400,
      "invalid_request",
    );
    expect(error.details.problems[0].path).toBe("body.description");
    // 32,769 two-byte characters: under 64 Ki characters, over 64 KiB.
    const wide = "é".repeat(32 * 1024 + 1);
    await refused(id, () => call("PATCH", `${tasksOf(id)}/${keys[0]}`, { description: wide }), 400, "invalid_request");
  });

  it("refuses a body over 1 MiB (413 payload_too_large)", async () => {
    const { id, keys } = await boardWith("A");
    const huge = JSON.stringify({ title: "x", description: "d".repeat(1024 * 1024) });
    await refused(id, () => rawCall("POST", tasksOf(id), huge), 413, "payload_too_large");
    await refused(id, () => rawCall("PATCH", `${tasksOf(id)}/${keys[0]}`, huge), 413, "payload_too_large");
    // Size is checked before the JSON is even parsed.
    await refused(id, () => rawCall("POST", tasksOf(id), `{${"x".repeat(1024 * 1024)}`), 413, "payload_too_large");
  });

  it("answers 404 board_not_found for an unknown or deleted board and writes nothing there", async () => {
    const ghost = "brd_000000000000000000000000";
    for (const [method, path, body] of [
      ["GET", "", undefined],
      ["POST", "", { title: "x" }],
      ["GET", "/GH-1", undefined],
      ["PATCH", "/GH-1", { title: "x" }],
      ["POST", "/GH-1/move", { columnId: "todo" }],
      ["POST", "/GH-1/archive", undefined],
      ["DELETE", "/GH-1", undefined],
      ["GET", "/GH-1/history", undefined],
      ["POST", "/GH-1/comments", { body: "x" }],
    ] as const) {
      expectError(await call(method, `${tasksOf(ghost)}${path}`, body), 404, "board_not_found");
    }
    expect(await roomOf(ghost).snapshot()).toBeNull();

    const { id } = await boardWith("A");
    expect((await call("DELETE", `/boards/${id}`)).status).toBe(204);
    expectError(await call("POST", tasksOf(id), { title: "x" }), 404, "board_not_found");
    expectError(await call("GET", tasksOf(id)), 404, "board_not_found");
  });

  it.each([
    ["GET", ""],
    ["PATCH", ""],
    ["DELETE", ""],
    ["POST", "/move"],
    ["POST", "/archive"],
    ["POST", "/restore"],
    ["GET", "/history"],
    ["POST", "/comments"],
  ])("answers 404 task_not_found to %s an unknown task%s", async (method, suffix) => {
    const { id, key } = await boardWith("A");
    const body =
      method === "PATCH"
        ? { title: "x" }
        : suffix === "/move"
          ? { columnId: "todo" }
          : suffix === "/comments"
            ? { body: "x" }
            : undefined;
    const error = await refused(
      id,
      () => call(method, `${tasksOf(id)}/${key}-99${suffix}`, body),
      404,
      "task_not_found",
    );
    expect(error.details).toEqual({ key: `${key}-99` });
  });

  it("answers 400 invalid_request to a task key that is not a key", async () => {
    const { id } = await boardWith("A");
    await refused(id, () => call("GET", `${tasksOf(id)}/not-a-key`), 400, "invalid_request");
    await refused(id, () => call("PATCH", `${tasksOf(id)}/web-1`, { title: "x" }), 400, "invalid_request");
  });

  it("answers 422 unknown_column to a move or a create into a column the board lacks", async () => {
    const { id, keys } = await boardWith("A");
    const error = await refused(
      id,
      () => call("POST", `${tasksOf(id)}/${keys[0]}/move`, { columnId: "review" }),
      422,
      "unknown_column",
    );
    expect(error.details).toEqual({ columnId: "review" });
    await refused(id, () => call("POST", tasksOf(id), { title: "x", columnId: "review" }), 422, "unknown_column");
  });

  it("answers 422 parent_cycle to a parent link that would make a loop", async () => {
    const { id, keys } = await boardWith("A");
    const a = keys[0] as string;
    const b = await createTask(id, { title: "B", parentKey: a });
    const c = await createTask(id, { title: "C", parentKey: b.key });
    const error = await refused(
      id,
      () => call("PATCH", `${tasksOf(id)}/${a}`, { parentKey: c.key }),
      422,
      "parent_cycle",
    );
    expect(error.details).toEqual({ key: a, parentKey: c.key });
    await refused(id, () => call("PATCH", `${tasksOf(id)}/${a}`, { parentKey: a }), 422, "parent_cycle");
    // Re-parenting without a loop is fine.
    const ok = await call("PATCH", `${tasksOf(id)}/${c.key}`, { parentKey: a });
    expect(ok.status).toBe(200);
    expect(ok.body.task.parentKey).toBe(a);
  });

  it("answers 409 conflict with the current values when another member changed the field after If-Match", async () => {
    const { id, keys } = await boardWith("A");
    const key = keys[0] as string;
    await addMember(id, "usr_other", "member", "Other");
    const got = await call("GET", `${tasksOf(id)}/${key}`);
    const base: number = got.body.seq;
    const theirs = await asOther(id, { type: "updateTask", key, changes: { title: "Theirs", priority: "high" } }, base);

    const error = await refused(
      id,
      () =>
        call(
          "PATCH",
          `${tasksOf(id)}/${key}`,
          { title: "Mine", priority: "low", description: "merges fine" },
          { "if-match": got.headers.get("etag") as string },
        ),
      409,
      "conflict",
    );
    expect(error.message).toContain("title");
    expect(error.details.conflicts).toEqual([
      {
        field: "title",
        yours: "Mine",
        current: "Theirs",
        changedBy: "usr_other",
        changedAt: theirs.event.at,
        seq: base + 1,
      },
      {
        field: "priority",
        yours: "low",
        current: "high",
        changedBy: "usr_other",
        changedAt: theirs.event.at,
        seq: base + 1,
      },
    ]);

    // Re-confirmed against the seq it now knows, the change goes through.
    const again = await call(
      "PATCH",
      `${tasksOf(id)}/${key}`,
      { title: "Mine", priority: "low" },
      { "if-match": `W/"${base + 1}"` },
    );
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.task).toMatchObject({ title: "Mine", priority: "low" });
  });

  it("answers the first result to a repeated Idempotency-Key and appends one event", async () => {
    const { id, key: boardKey } = await boardWith();
    const before = await eventCount(id);
    const headers = { "idempotency-key": "create-once-1234" };
    const first = await call("POST", tasksOf(id), { title: "Once" }, headers);
    const second = await call("POST", tasksOf(id), { title: "Once" }, headers);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(first.body.task.key).toBe(`${boardKey}-1`);
    expect(await eventCount(id)).toBe(before + 1);
    expect(await keysIn(id)).toEqual([`${boardKey}-1`]);

    const patchHeaders = { "idempotency-key": "patch-once-1234" };
    const p1 = await call("PATCH", `${tasksOf(id)}/${boardKey}-1`, { labels: { add: ["x"] } }, patchHeaders);
    const p2 = await call("PATCH", `${tasksOf(id)}/${boardKey}-1`, { labels: { add: ["x"] } }, patchHeaders);
    expect(p2.status).toBe(200);
    expect(p2.body).toEqual(p1.body);
    expect(await eventCount(id)).toBe(before + 2);
  });

  it("answers 400 invalid_request to an Idempotency-Key shorter than 8 characters", async () => {
    const { id } = await boardWith("A");
    await refused(
      id,
      () => call("POST", tasksOf(id), { title: "x" }, { "idempotency-key": "short" }),
      400,
      "invalid_request",
    );
  });

  it("answers 400 base_seq_ahead to an If-Match past the board's seq", async () => {
    const { id, keys } = await boardWith("A");
    const seq = (await boardState(id)).seq;
    await refused(
      id,
      () => call("PATCH", `${tasksOf(id)}/${keys[0]}`, { title: "x" }, { "if-match": `"${seq + 1}"` }),
      400,
      "base_seq_ahead",
    );
  });

  it("answers 422 op_id_reused when an Idempotency-Key is sent again with a different change", async () => {
    const { id, keys } = await boardWith("A");
    const key = { "idempotency-key": "reused-key-0001" };
    expect((await call("POST", tasksOf(id), { title: "First use" }, key)).status).toBe(201);
    await refused(id, () => call("POST", tasksOf(id), { title: "Another task" }, key), 422, "op_id_reused");
    await refused(
      id,
      () => call("POST", `${tasksOf(id)}/${keys[0]}/comments`, { body: "hi" }, key),
      422,
      "op_id_reused",
    );
  });

  it.each(["abc", '"-1"', '"1.5"', '""'])("answers 400 invalid_if_match to If-Match: %s", async (ifMatch) => {
    const { id, keys } = await boardWith("A");
    await refused(
      id,
      () => call("PATCH", `${tasksOf(id)}/${keys[0]}`, { title: "x" }, { "if-match": ifMatch }),
      400,
      "invalid_if_match",
    );
    await refused(
      id,
      () => call("POST", `${tasksOf(id)}/${keys[0]}/move`, { columnId: "done" }, { "if-match": ifMatch }),
      400,
      "invalid_if_match",
    );
  });
});
