import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { BoardRoom } from "../../src/board/BoardRoom";
import { call, type Json, myId, newBoard, roomOf, subscriberDueAt } from "./helpers";

// The board's alarm hands new events to its subscribers; the first of them keeps
// D1's task index equal to the board. Alarms also fire on their own in workerd, so
// every check first runs any pending alarm and then asserts on the outcome.

async function deliver(boardId: string): Promise<void> {
  await runDurableObjectAlarm(roomOf(boardId));
}

async function indexRows(boardId: string): Promise<Json[]> {
  const { results } = await env.DB.prepare("SELECT * FROM task_index WHERE board_id = ? ORDER BY key")
    .bind(boardId)
    .all();
  return results;
}

async function subscriber(boardId: string): Promise<Json> {
  const res = await call("GET", `/boards/${boardId}/subscribers`);
  expect(res.status).toBe(200);
  return { seq: res.body.seq, ...res.body.subscribers.find((s: Json) => s.name === "task-index") };
}

async function createTask(boardId: string, fields: Record<string, unknown>): Promise<Json> {
  const res = await call("POST", `/boards/${boardId}/tasks`, fields);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.task;
}

/** Makes the index's D1 table unreachable, so the subscriber's next batch throws. */
async function breakIndex(): Promise<void> {
  await env.DB.exec("ALTER TABLE task_index RENAME TO task_index_away");
}
async function repairIndex(): Promise<void> {
  await env.DB.exec("ALTER TABLE task_index_away RENAME TO task_index");
}

/** Lets a failing subscriber be retried now instead of after its backoff. */
const retryNow = (boardId: string) => subscriberDueAt(boardId, "task-index", 0);

describe("delivery to the task index", () => {
  it("projects every task with its column, status and labels, and reports the cursor caught up", async () => {
    const { id, key } = await newBoard();
    await createTask(id, { title: "Write the brief", labels: ["docs", "q1"], assigneeId: myId() });
    await createTask(id, { title: "Ship it", priority: "high" });
    await call("POST", `/boards/${id}/tasks/${key}-2/move`, { columnId: "done" });
    await deliver(id);

    const rows = await indexRows(id);
    expect(rows.map((r) => [r.key, r.title, r.column_id, r.column_name, r.status, r.assignee_id])).toEqual([
      [`${key}-1`, "Write the brief", "todo", "To Do", "todo", myId()],
      [`${key}-2`, "Ship it", "done", "Done", "done", null],
    ]);
    expect(JSON.parse(rows[0].labels)).toEqual(["docs", "q1"]);
    expect(rows[1].resolved_at).not.toBeNull();
    const state = await subscriber(id);
    expect(state).toMatchObject({ cursor: state.seq, lag: 0, failures: 0, lastError: null, nextAttemptAt: null });
  });

  it("follows renames of a column, archived and deleted tasks", async () => {
    const { id, key } = await newBoard();
    await createTask(id, { title: "One" });
    await createTask(id, { title: "Two" });
    await call("PATCH", `/boards/${id}/columns/todo`, { name: "Ideas" });
    await call("POST", `/boards/${id}/tasks/${key}-1/archive`);
    await call("POST", `/boards/${id}/tasks/${key}-2/archive`);
    await call("DELETE", `/boards/${id}/tasks/${key}-2`);
    await deliver(id);
    const rows = await indexRows(id);
    expect(rows.map((r) => [r.key, r.column_name, r.archived])).toEqual([[`${key}-1`, "Ideas", 1]]);
  });

  it("keeps projecting in order when the alarm repeats, with no double effect", async () => {
    const { id } = await newBoard();
    await createTask(id, { title: "Once" });
    await deliver(id);
    const rows = await indexRows(id);
    const checkpoint = await env.DB.prepare("SELECT seq FROM projection_checkpoints WHERE board_id = ?")
      .bind(id)
      .first();
    // A repeated alarm, and the same batch delivered again from an old cursor.
    await runInDurableObject(roomOf(id), async (instance: BoardRoom) => {
      await instance.alarm();
      // biome-ignore lint/suspicious/noExplicitAny: rewinding the cursor to replay a delivered batch.
      const store = (instance as any).store;
      store.saveCursor({ ...store.cursor("task-index"), cursor: 0 });
      await instance.alarm();
    });
    expect(await indexRows(id)).toEqual(rows);
    expect(await env.DB.prepare("SELECT seq FROM projection_checkpoints WHERE board_id = ?").bind(id).first()).toEqual(
      checkpoint,
    );
    expect((await call("GET", `/search/tasks?board=${id}`)).body.tasks).toHaveLength(1);
  });

  it("removes a deleted board's tasks from search", async () => {
    const { id } = await newBoard();
    await createTask(id, { title: "Gone with the board" });
    await deliver(id);
    expect((await call("GET", "/search/tasks?q=Gone with the board")).body.tasks).toHaveLength(1);
    expect((await call("DELETE", `/boards/${id}`)).status).toBe(204);
    expect((await call("GET", "/search/tasks?q=Gone with the board")).body.tasks).toHaveLength(0);
    await deliver(id);
    expect(await indexRows(id)).toEqual([]);
  });
});

describe("a failing subscriber", () => {
  it("keeps its cursor, backs off, never blocks commands, and catches up once it works again", async () => {
    const { id, key } = await newBoard();
    await createTask(id, { title: "Before the outage" });
    await deliver(id);
    const before = await subscriber(id);

    await breakIndex();
    try {
      await createTask(id, { title: "During the outage" });
      await deliver(id);
      const failed = await subscriber(id);
      expect(failed.cursor).toBe(before.cursor);
      expect(failed.failures).toBe(1);
      expect(failed.lag).toBe(1);
      expect(failed.lastError).toMatch(/task_index/);
      expect(Date.parse(failed.nextAttemptAt)).toBeGreaterThan(Date.now());

      // Commands go on while it fails.
      const moved = await call("POST", `/boards/${id}/tasks/${key}-2/move`, { columnId: "in_progress" });
      expect(moved.status).toBe(200);

      // A second failure waits longer (1 s, then 2 s).
      await retryNow(id);
      await deliver(id);
      const again = await subscriber(id);
      expect(again.failures).toBe(2);
      expect(again.cursor).toBe(before.cursor);
      expect(Date.parse(again.nextAttemptAt) - Date.now()).toBeGreaterThan(1_000);
    } finally {
      await repairIndex();
    }

    await retryNow(id);
    await deliver(id);
    const healthy = await subscriber(id);
    expect(healthy).toMatchObject({ cursor: healthy.seq, failures: 0, lastError: null, nextAttemptAt: null });
    expect((await indexRows(id)).map((r) => [r.title, r.status])).toEqual([
      ["Before the outage", "todo"],
      ["During the outage", "in_progress"],
    ]);
  });
});

describe("rebuilding the index", () => {
  it("replays the log into the index and gives exactly the live rows", async () => {
    const { id, key } = await newBoard();
    for (const title of ["Alpha", "Beta", "Gamma"]) await createTask(id, { title, labels: ["x"] });
    await call("POST", `/boards/${id}/tasks/${key}-2/move`, { columnId: "done" });
    await call("PATCH", `/boards/${id}/tasks/${key}-3`, { title: "Gamma ray", assigneeId: myId() });
    await deliver(id);
    const live = await indexRows(id);
    expect(live).toHaveLength(3);

    // Damage the projection: a lost row and a stale one.
    await env.DB.prepare("DELETE FROM task_index WHERE board_id = ? AND key = ?").bind(id, `${key}-1`).run();
    await env.DB.prepare("UPDATE task_index SET title = 'stale' WHERE board_id = ? AND key = ?")
      .bind(id, `${key}-3`)
      .run();

    const res = await call("POST", `/boards/${id}/subscribers/task-index/rebuild`);
    expect(res.status).toBe(202);
    await deliver(id);
    expect(await indexRows(id)).toEqual(live);
  });

  it("answers 404 for a subscriber the board does not have, or a board you cannot see", async () => {
    const { id } = await newBoard();
    const unknown = await call("POST", `/boards/${id}/subscribers/nope/rebuild`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("subscriber_not_found");
    expect((await call("GET", "/boards/brd_missing/subscribers")).body.error.code).toBe("board_not_found");
  });
});
