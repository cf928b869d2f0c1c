import { describe, expect, it } from "vitest";
import { boardState, call, expectError, type Json, newBoard, rawCall } from "./helpers";

// Columns through the REST API. Every change answers with all columns in order;
// the snapshot and the event log must tell the same story.

async function columnsOf(boardId: string): Promise<Json[]> {
  const res = await call("GET", `/boards/${boardId}/columns`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.columns;
}

const names = (columns: Json[]) => columns.map((c) => c.name);

async function addTask(boardId: string, title: string, columnId: string): Promise<string> {
  const res = await call("POST", `/boards/${boardId}/tasks`, { title, columnId });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.task.key;
}

async function tasksIn(boardId: string, columnId: string): Promise<Json[]> {
  const res = await call("GET", `/boards/${boardId}/tasks?columnId=${columnId}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.tasks;
}

async function lastEvent(boardId: string): Promise<Json> {
  const res = await call("GET", `/boards/${boardId}/events?limit=1000`);
  return res.body.events.at(-1);
}

describe("adding columns", () => {
  it("adds a column at the end by default", async () => {
    const { id } = await newBoard();
    const res = await call("POST", `/boards/${id}/columns`, { name: "Review", category: "in_progress" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.seq).toBe(2);
    expect(names(res.body.columns)).toEqual(["To Do", "In Progress", "Done", "Review"]);
    const review = res.body.columns[3];
    expect(review).toEqual({
      id: "col_2",
      name: "Review",
      category: "in_progress",
      wipLimit: null,
      wipMode: "soft",
      rank: expect.any(String),
    });
    const snapshot = await boardState(id);
    expect(snapshot.seq).toBe(2);
    expect(snapshot.columns).toEqual(res.body.columns);
    expect(await columnsOf(id)).toEqual(res.body.columns);
    expect(await lastEvent(id)).toMatchObject({ seq: 2, type: "column.added", payload: { column: review } });
  });

  it("adds a column first with afterColumnId null, and right after a given column", async () => {
    const { id } = await newBoard();
    const first = await call("POST", `/boards/${id}/columns`, {
      name: "Backlog",
      category: "todo",
      afterColumnId: null,
    });
    expect(first.status).toBe(201);
    expect(names(first.body.columns)).toEqual(["Backlog", "To Do", "In Progress", "Done"]);

    const after = await call("POST", `/boards/${id}/columns`, {
      name: "Ready",
      category: "todo",
      wipLimit: 4,
      wipMode: "hard",
      afterColumnId: "todo",
    });
    expect(after.status).toBe(201);
    expect(names(after.body.columns)).toEqual(["Backlog", "To Do", "Ready", "In Progress", "Done"]);
    expect(after.body.columns[2]).toMatchObject({ name: "Ready", wipLimit: 4, wipMode: "hard" });

    const last = await call("POST", `/boards/${id}/columns`, {
      name: "Shipped",
      category: "done",
      afterColumnId: "done",
    });
    expect(names(last.body.columns)).toEqual(["Backlog", "To Do", "Ready", "In Progress", "Done", "Shipped"]);
    expect(names((await boardState(id)).columns)).toEqual(names(last.body.columns));
  });

  it("refuses a name already used, whatever its case (422 column_name_taken)", async () => {
    const { id } = await newBoard();
    const before = await boardState(id);
    const res = await call("POST", `/boards/${id}/columns`, { name: "in progress", category: "in_progress" });
    const error = expectError(res, 422, "column_name_taken");
    expect(error.message).toContain("in progress");
    expect(await boardState(id)).toEqual(before);
  });

  it("refuses to follow a column that does not exist, and invalid input", async () => {
    const { id } = await newBoard();
    const before = await boardState(id);
    expectError(
      await call("POST", `/boards/${id}/columns`, { name: "Lost", category: "todo", afterColumnId: "nowhere" }),
      422,
      "unknown_column",
    );
    for (const body of [
      { name: "", category: "todo" },
      { name: "No category" },
      { name: "Odd", category: "blocked" },
      { name: "Zero", category: "todo", wipLimit: 0 },
      { name: "Huge", category: "todo", wipLimit: 1000 },
      { name: "Half", category: "todo", wipLimit: 1.5 },
      { name: "Mode", category: "todo", wipMode: "strict" },
      { name: "Extra", category: "todo", colour: "blue" },
    ]) {
      expectError(await call("POST", `/boards/${id}/columns`, body), 400, "invalid_request");
    }
    expectError(await rawCall("POST", `/boards/${id}/columns`, '{"name": "Broken",'), 400, "malformed_json");
    expect(await boardState(id)).toEqual(before);
  });
});

describe("changing columns", () => {
  it("renames a column and records the old name", async () => {
    const { id } = await newBoard();
    const res = await call("PATCH", `/boards/${id}/columns/in_progress`, { name: "Doing" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(names(res.body.columns)).toEqual(["To Do", "Doing", "Done"]);
    expect(await lastEvent(id)).toMatchObject({
      type: "column.updated",
      payload: { columnId: "in_progress", changes: { name: "Doing" }, previous: { name: "In Progress" } },
    });
    expect(names((await boardState(id)).columns)).toEqual(["To Do", "Doing", "Done"]);
    expect(names(await columnsOf(id))).toEqual(["To Do", "Doing", "Done"]);
  });

  it("renaming to another column's name is refused (422 column_name_taken); to its own name changes nothing", async () => {
    const { id } = await newBoard();
    const before = await boardState(id);
    expectError(await call("PATCH", `/boards/${id}/columns/in_progress`, { name: "DONE" }), 422, "column_name_taken");
    expect(await boardState(id)).toEqual(before);
    const same = await call("PATCH", `/boards/${id}/columns/in_progress`, { name: "In Progress" });
    expect(same.status).toBe(200);
    expect(same.body.seq).toBe(before.seq);
    expect(await boardState(id)).toEqual(before);
  });

  it("a soft WIP limit lets tasks in and reports the excess", async () => {
    const { id } = await newBoard();
    const set = await call("PATCH", `/boards/${id}/columns/in_progress`, { wipLimit: 1 });
    expect(set.status).toBe(200);
    expect(set.body.columns[1]).toMatchObject({ id: "in_progress", wipLimit: 1, wipMode: "soft" });
    const a = await addTask(id, "A", "todo");
    const b = await addTask(id, "B", "todo");
    const first = await call("POST", `/boards/${id}/tasks/${a}/move`, { columnId: "in_progress" });
    expect(first.status).toBe(200);
    expect(first.body.wipExceeded).toBeUndefined();
    const second = await call("POST", `/boards/${id}/tasks/${b}/move`, { columnId: "in_progress" });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body.wipExceeded).toEqual({ limit: 1, count: 2 });
    expect((await tasksIn(id, "in_progress")).map((t) => t.key)).toEqual([a, b]);
  });

  it("a hard WIP limit refuses the task that would exceed it and changes nothing", async () => {
    const { id } = await newBoard();
    const set = await call("PATCH", `/boards/${id}/columns/in_progress`, { wipLimit: 1, wipMode: "hard" });
    expect(set.body.columns[1]).toMatchObject({ wipLimit: 1, wipMode: "hard" });
    expect(await lastEvent(id)).toMatchObject({
      type: "column.updated",
      payload: { changes: { wipLimit: 1, wipMode: "hard" }, previous: { wipLimit: null, wipMode: "soft" } },
    });
    const a = await addTask(id, "A", "todo");
    const b = await addTask(id, "B", "todo");
    expect((await call("POST", `/boards/${id}/tasks/${a}/move`, { columnId: "in_progress" })).status).toBe(200);
    const before = await boardState(id);
    const refused = await call("POST", `/boards/${id}/tasks/${b}/move`, { columnId: "in_progress" });
    const error = expectError(refused, 422, "wip_limit_reached");
    expect(error.details).toEqual({ columnId: "in_progress", limit: 1, count: 1 });
    expect(await boardState(id)).toEqual(before);

    // Lifting the limit lets the task through.
    const lifted = await call("PATCH", `/boards/${id}/columns/in_progress`, { wipLimit: null });
    expect(lifted.body.columns[1].wipLimit).toBeNull();
    expect((await call("POST", `/boards/${id}/tasks/${b}/move`, { columnId: "in_progress" })).status).toBe(200);
  });

  it("changing a column's category to done resolves its tasks, and back reopens them", async () => {
    const { id } = await newBoard();
    const key = await addTask(id, "Ship it", "in_progress");
    const done = await call("PATCH", `/boards/${id}/columns/in_progress`, { category: "done" });
    expect(done.body.columns[1]).toMatchObject({ id: "in_progress", category: "done" });
    const resolved = (await call("GET", `/boards/${id}/tasks/${key}`)).body.task;
    expect(resolved.resolvedAt).toEqual(expect.any(String));
    await call("PATCH", `/boards/${id}/columns/in_progress`, { category: "in_progress" });
    expect((await call("GET", `/boards/${id}/tasks/${key}`)).body.task.resolvedAt).toBeNull();
  });

  it("refuses invalid changes and unknown columns", async () => {
    const { id } = await newBoard();
    const before = await boardState(id);
    for (const body of [{ wipLimit: 0 }, { wipMode: "strict" }, { name: "" }, { rank: "a0" }]) {
      expectError(await call("PATCH", `/boards/${id}/columns/in_progress`, body), 400, "invalid_request");
    }
    const missing = await call("PATCH", `/boards/${id}/columns/nowhere`, { name: "Anything" });
    expect(expectError(missing, 404, "column_not_found").details).toEqual({ columnId: "nowhere" });
    expect(await boardState(id)).toEqual(before);
  });
});

describe("reordering columns", () => {
  it("moves a column first, after another, and refuses impossible places", async () => {
    const { id } = await newBoard();
    const first = await call("POST", `/boards/${id}/columns/done/move`, { afterColumnId: null });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(names(first.body.columns)).toEqual(["Done", "To Do", "In Progress"]);
    expect(await lastEvent(id)).toMatchObject({ type: "column.moved", payload: { columnId: "done" } });

    const after = await call("POST", `/boards/${id}/columns/done/move`, { afterColumnId: "todo" });
    expect(names(after.body.columns)).toEqual(["To Do", "Done", "In Progress"]);
    const back = await call("POST", `/boards/${id}/columns/done/move`, { afterColumnId: "in_progress" });
    expect(names(back.body.columns)).toEqual(["To Do", "In Progress", "Done"]);
    expect(names((await boardState(id)).columns)).toEqual(["To Do", "In Progress", "Done"]);

    const before = await boardState(id);
    const same = await call("POST", `/boards/${id}/columns/done/move`, { afterColumnId: "in_progress" });
    expect(same.body.seq).toBe(before.seq);
    expectError(
      await call("POST", `/boards/${id}/columns/done/move`, { afterColumnId: "done" }),
      422,
      "invalid_position",
    );
    expectError(
      await call("POST", `/boards/${id}/columns/done/move`, { afterColumnId: "nowhere" }),
      422,
      "unknown_column",
    );
    expectError(
      await call("POST", `/boards/${id}/columns/nowhere/move`, { afterColumnId: null }),
      404,
      "column_not_found",
    );
    expectError(await call("POST", `/boards/${id}/columns/done/move`, {}), 400, "invalid_request");
    expect(await boardState(id)).toEqual(before);
  });
});

describe("removing columns", () => {
  it("removes an empty column", async () => {
    const { id } = await newBoard();
    const added = await call("POST", `/boards/${id}/columns`, { name: "Review", category: "in_progress" });
    const reviewId = added.body.columns[3].id;
    const res = await call("DELETE", `/boards/${id}/columns/${reviewId}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(names(res.body.columns)).toEqual(["To Do", "In Progress", "Done"]);
    expect(await lastEvent(id)).toMatchObject({
      type: "column.removed",
      payload: { columnId: reviewId, targetColumnId: null, moves: [] },
    });
    expect(names((await boardState(id)).columns)).toEqual(["To Do", "In Progress", "Done"]);
  });

  it("refuses to remove a column holding tasks without a target, and changes nothing", async () => {
    const { id } = await newBoard();
    await addTask(id, "Stay", "in_progress");
    await addTask(id, "Stay too", "in_progress");
    const before = await boardState(id);
    const res = await call("DELETE", `/boards/${id}/columns/in_progress`);
    const error = expectError(res, 422, "column_not_empty");
    expect(error.details).toEqual({ taskCount: 2 });
    expect(error.message).toContain("In Progress");
    expect(await boardState(id)).toEqual(before);
  });

  it("moves the tasks to the bottom of the target, in their order, and resolves them in a done column", async () => {
    const { id } = await newBoard();
    const d1 = await addTask(id, "Already done 1", "done");
    const d2 = await addTask(id, "Already done 2", "done");
    const a = await addTask(id, "A", "in_progress");
    const b = await addTask(id, "B", "in_progress");
    const c = await addTask(id, "C", "in_progress");
    // B to the top, so the column's order is not the creation order.
    expect(
      (await call("POST", `/boards/${id}/tasks/${b}/move`, { columnId: "in_progress", position: "top" })).status,
    ).toBe(200);
    expect((await tasksIn(id, "in_progress")).map((t) => t.key)).toEqual([b, a, c]);

    const res = await call("DELETE", `/boards/${id}/columns/in_progress?targetColumnId=done`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(names(res.body.columns)).toEqual(["To Do", "Done"]);
    const done = await tasksIn(id, "done");
    expect(done.map((t) => t.key)).toEqual([d1, d2, b, a, c]);
    for (const task of done) {
      expect(task.columnId).toBe("done");
      expect(task.resolvedAt).not.toBeNull();
    }
    const ranks = done.map((t) => t.rank);
    expect([...ranks].sort()).toEqual(ranks);
    expect(await lastEvent(id)).toMatchObject({
      type: "column.removed",
      payload: { columnId: "in_progress", targetColumnId: "done", moves: [{ key: b }, { key: a }, { key: c }] },
    });
    const snapshot = await boardState(id);
    expect(snapshot.tasks.every((t: Json) => t.columnId !== "in_progress")).toBe(true);
  });

  it("refuses a target that is the column itself, unknown, or over a hard WIP limit", async () => {
    const { id } = await newBoard();
    await addTask(id, "Busy", "in_progress");
    await addTask(id, "Busier", "in_progress");
    await call("PATCH", `/boards/${id}/columns/done`, { wipLimit: 1, wipMode: "hard" });
    const before = await boardState(id);
    expectError(
      await call("DELETE", `/boards/${id}/columns/in_progress?targetColumnId=in_progress`),
      422,
      "invalid_target",
    );
    expectError(
      await call("DELETE", `/boards/${id}/columns/in_progress?targetColumnId=nowhere`),
      422,
      "unknown_column",
    );
    expectError(
      await call("DELETE", `/boards/${id}/columns/in_progress?targetColumnId=done`),
      422,
      "wip_limit_reached",
    );
    expectError(await call("DELETE", `/boards/${id}/columns/in_progress?target=done`), 400, "invalid_request");
    expectError(await call("DELETE", `/boards/${id}/columns/nowhere`), 404, "column_not_found");
    expect(await boardState(id)).toEqual(before);
  });

  it("keeps the last column (422 last_column)", async () => {
    const { id } = await newBoard();
    expect((await call("DELETE", `/boards/${id}/columns/todo`)).status).toBe(200);
    expect((await call("DELETE", `/boards/${id}/columns/done`)).status).toBe(200);
    const before = await boardState(id);
    expect(names(before.columns)).toEqual(["In Progress"]);
    const res = await call("DELETE", `/boards/${id}/columns/in_progress`);
    expectError(res, 422, "last_column");
    expect(await boardState(id)).toEqual(before);
  });
});
