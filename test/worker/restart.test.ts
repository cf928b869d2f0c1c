import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import type { BoardRoom } from "../../src/board/BoardRoom";
import { SqliteBoardStore } from "../../src/board/SqliteBoardStore";
import { replay } from "../../src/domain/evolve";
import { addMember, call, type Json, myId, newBoard, roomOf } from "./helpers";

// A board must survive its Durable Object being torn down: everything a client
// reads comes back the same from storage alone, and the materialized tables are
// exactly what replaying the log produces.

async function ok(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Json> {
  const res = await call(method, path, body, headers);
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body;
}

/** A board that has seen most kinds of events, plus attempts it refused. */
async function busyBoard(): Promise<{ id: string; keys: string[] }> {
  const { id } = await newBoard({ name: "Busy", mode: "scrum" });
  await addMember(id, "usr_other", "member", "Other Person");
  const review = (await ok("POST", `/boards/${id}/columns`, { name: "Review", category: "in_progress" })).columns[3];
  await ok("PATCH", `/boards/${id}/columns/in_progress`, { wipLimit: 2, wipMode: "hard" });
  const keys: string[] = [];
  for (const [title, extra] of [
    ["Plan the launch", { labels: ["launch"], storyPoints: 3 }],
    ["Fix login redirect", { type: "bug", priority: "high", assigneeId: "usr_other" }],
    ["Write release notes", { description: "**Markdown** notes", dueDate: "2026-12-31" }],
    ["Pick a font", {}],
    ["Throwaway", {}],
  ] as const) {
    keys.push((await ok("POST", `/boards/${id}/tasks`, { title, ...extra })).task.key);
  }
  const [plan, login, notes, font, junk] = keys as [string, string, string, string, string];
  await ok("POST", `/boards/${id}/tasks/${plan}/move`, { columnId: "in_progress" });
  await ok("POST", `/boards/${id}/tasks/${login}/move`, { columnId: "in_progress" });
  await ok("POST", `/boards/${id}/tasks/${notes}/move`, { columnId: review.id });
  await ok("POST", `/boards/${id}/tasks/${notes}/move`, { columnId: "done" });
  await ok("POST", `/boards/${id}/tasks/${font}/move`, { columnId: "todo", position: "top" });
  await ok("PATCH", `/boards/${id}/tasks/${plan}`, {
    title: "Plan the launch party",
    labels: { add: ["party"], remove: [] },
    watchers: ["usr_other", myId()],
  });
  const comment = (await ok("POST", `/boards/${id}/tasks/${plan}/comments`, { body: "Cake or pie?" })).comment;
  await ok("PATCH", `/boards/${id}/tasks/${plan}/comments/${comment.id}`, { body: "Cake *and* pie." });
  const doomed = (await ok("POST", `/boards/${id}/tasks/${font}/comments`, { body: "Serif?" })).comment;
  await ok("DELETE", `/boards/${id}/tasks/${font}/comments/${doomed.id}`);
  await ok("PATCH", `/boards/${id}/tasks/${plan}`, { originalEstimate: "2d", remainingEstimate: "1d 4h" });
  const worklog = (await ok("POST", `/boards/${id}/tasks/${plan}/worklogs`, { timeSpent: "3h", comment: "Venue" }))
    .worklog;
  await ok("PATCH", `/boards/${id}/tasks/${plan}/worklogs/${worklog.id}`, { timeSpent: "4h" });
  const undone = (await ok("POST", `/boards/${id}/tasks/${font}/worklogs`, { timeSpent: "20m" })).worklog;
  await ok("DELETE", `/boards/${id}/tasks/${font}/worklogs/${undone.id}`);
  await ok("POST", `/boards/${id}/tasks/${junk}/worklogs`, { timeSpent: "1h" });
  await ok("PATCH", `/boards/${id}/settings`, { hoursPerDay: 7 });
  await ok("POST", `/boards/${id}/backlog/rank`, { keys: [font, notes], position: "top" });
  const done = (await ok("POST", `/boards/${id}/sprints`, { name: "Done sprint" })).sprint.id;
  const next = (await ok("POST", `/boards/${id}/sprints`, { name: "Next sprint", goal: "Ship" })).sprint.id;
  await ok("POST", `/boards/${id}/sprints/${done}/tasks`, { keys: [plan, notes] });
  await ok("POST", `/boards/${id}/sprints/${done}/start`, { startDate: "2026-01-05", endDate: "2026-01-16" });
  await ok("POST", `/boards/${id}/sprints/${done}/tasks`, { keys: [font] });
  await ok("PATCH", `/boards/${id}/tasks/${plan}`, { storyPoints: 5 });
  await ok("POST", `/boards/${id}/sprints/${done}/complete`, { moveOpenTo: next });
  await ok("POST", `/boards/${id}/tasks/${junk}/archive`);
  await ok("POST", `/boards/${id}/tasks/${junk}/restore`);
  await ok("POST", `/boards/${id}/tasks/${junk}/archive`);
  await ok("DELETE", `/boards/${id}/tasks/${junk}`);
  await ok("POST", `/boards/${id}/columns/${review.id}/move`, { afterColumnId: "todo" });
  await ok("DELETE", `/boards/${id}/columns/${review.id}`);
  await ok("PATCH", `/boards/${id}`, { name: "Busy board" });

  // Refused attempts: a hard WIP limit, and a conflict with another person's edit.
  const wip = await call("POST", `/boards/${id}/tasks/${font}/move`, { columnId: "in_progress" });
  expect(wip.status).toBe(422);
  const base = (await ok("GET", `/boards/${id}/snapshot`)).seq;
  const theirs = await roomOf(id).command(
    { opId: "op-their-title", command: { type: "updateTask", key: login, changes: { title: "Fix the login loop" } } },
    { id: "usr_other", role: "member" },
  );
  expect(theirs.result.status).toBe("applied");
  const conflict = await call("PATCH", `/boards/${id}/tasks/${login}`, { title: "Mine" }, { "if-match": `"${base}"` });
  expect(conflict.status).toBe(409);
  return { id, keys: [plan, login, notes, font, junk] };
}

/** Everything a client can read about the board. */
async function readBack(id: string, keys: string[]): Promise<Json> {
  const view: Json = {
    board: await ok("GET", `/boards/${id}`),
    snapshot: await ok("GET", `/boards/${id}/snapshot`),
    columns: await ok("GET", `/boards/${id}/columns`),
    tasks: await ok("GET", `/boards/${id}/tasks`),
    archived: await ok("GET", `/boards/${id}/tasks?archived=true`),
    events: await ok("GET", `/boards/${id}/events?limit=1000`),
    history: {},
    detail: {},
  };
  for (const key of keys) {
    view.history[key] = (await call("GET", `/boards/${id}/tasks/${key}/history`)).body;
    view.detail[key] = (await call("GET", `/boards/${id}/tasks/${key}`)).body;
  }
  return view;
}

/** The board's tables loaded from scratch, the log replayed, and what the live object holds. */
function selfCheck(instance: BoardRoom, state: DurableObjectState) {
  const fresh = new SqliteBoardStore(state.storage.sql, state.storage);
  const live = (instance as unknown as { store: SqliteBoardStore }).store.state;
  return { loaded: fresh.load(), replayed: replay(fresh.eventsUpTo(Number.MAX_SAFE_INTEGER)), live };
}

it("reads back identically after the board's Durable Object is evicted", async () => {
  const { id, keys } = await busyBoard();
  const before = await readBack(id, keys);
  // Sanity: the read-back covers what was built, including the refused attempts.
  expect(before.snapshot.board.name).toBe("Busy board");
  expect(before.snapshot.columns.map((c: Json) => c.name)).toEqual(["To Do", "In Progress", "Done"]);
  expect(before.events.events.length).toBeGreaterThan(20);
  expect(before.history[keys[1] as string].entries.filter((e: Json) => e.rejected)).toHaveLength(1);
  expect(before.history[keys[3] as string].entries.at(-1)).toMatchObject({
    rejected: true,
    reason: { code: "wip_limit_reached" },
  });
  expect(before.detail[keys[0] as string].comments.map((c: Json) => c.body)).toEqual(["Cake *and* pie."]);
  expect(before.detail[keys[4] as string]).toMatchObject({ error: { code: "task_not_found" } });

  const stub = roomOf(id);
  // A mark on the live instance: gone after eviction, so the test knows the object restarted.
  await runInDurableObject(stub, (instance: BoardRoom) => {
    (instance as unknown as { restartMark?: boolean }).restartMark = true;
  });
  await evictDurableObject(stub);
  const marked = await runInDurableObject(
    stub,
    (instance: BoardRoom) => (instance as unknown as { restartMark?: boolean }).restartMark,
  );
  expect(marked).toBeUndefined();

  const after = await readBack(id, keys);
  expect(after).toEqual(before);

  // The restarted board keeps counting: next seq and next task number continue.
  const next = await ok("POST", `/boards/${id}/tasks`, { title: "After the restart" });
  expect(next.seq).toBe(before.snapshot.seq + 1);
  const numbers = before.snapshot.tasks.map((t: Json) => t.number);
  expect(next.task.number).toBe(Math.max(...numbers, 5) + 1);
});

it("keeps its materialized tables equal to the replayed log, before and after a restart", async () => {
  const { id, keys } = await busyBoard();
  const stub = roomOf(id);
  const live = await runInDurableObject(stub, selfCheck);
  expect(live.loaded.seq).toBeGreaterThan(20);
  expect(Object.keys(live.loaded.tasks).length).toBe(4);
  expect(Object.keys(live.loaded.comments).length).toBe(1);
  expect(Object.values(live.loaded.worklogs).map((w) => w.timeSpentSeconds)).toEqual([4 * 3600]);
  expect(live.loaded.tasks[keys[0] as string]?.remainingEstimateSeconds).toBe(8 * 3600);
  expect(Object.values(live.loaded.sprints).map((s) => s.state)).toEqual(["closed", "future"]);
  expect(live.loaded.settings.hoursPerDay).toBe(7);
  expect(live.loaded).toStrictEqual(live.replayed);
  expect(live.live).toStrictEqual(live.replayed);

  await evictDurableObject(stub);
  const restarted = await runInDurableObject(stub, selfCheck);
  expect(restarted.loaded).toStrictEqual(restarted.replayed);
  expect(restarted.live).toStrictEqual(restarted.replayed);
  expect(restarted.replayed).toStrictEqual(live.replayed);
});
