import { runDurableObjectAlarm } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { call, expectError, type Json, myId, newBoard, roomOf } from "./helpers";

// Search across boards reads D1's task index. Two boards are filled once; each test
// asks a question of them. Titles carry a word unique to this file so that boards
// made by other tests in the file never match.

let web: { id: string; key: string };
let ops: { id: string; key: string };

const keysOf = (res: { body: Json }) => res.body.tasks.map((t: Json) => t.key).sort();
const sorted = (keys: string[]) => [...keys].sort();

beforeAll(async () => {
  web = await newBoard({ name: "Website" });
  ops = await newBoard({ name: "Operations" });
  const add = (boardId: string, fields: Record<string, unknown>) => call("POST", `/boards/${boardId}/tasks`, fields);
  await add(web.id, { title: "Zebra hero image", type: "story", labels: ["design"], assigneeId: myId() });
  await add(web.id, { title: "Zebra checkout bug", type: "bug", labels: ["checkout", "design"] });
  await add(web.id, { title: "Zebra old banner", type: "task" });
  await call("POST", `/boards/${web.id}/tasks/${web.key}-3/archive`);
  await add(ops.id, { title: "Zebra pager rotation", type: "task", assigneeId: myId() });
  await add(ops.id, { title: "Zebra backup drill", type: "task", labels: ["design"] });
  await call("POST", `/boards/${ops.id}/tasks/${ops.key}-2/move`, { columnId: "done" });
  await runDurableObjectAlarm(roomOf(web.id));
  await runDurableObjectAlarm(roomOf(ops.id));
});

describe("search across boards", () => {
  it("finds tasks on every board by words of the title, newest change first, with their board", async () => {
    const res = await call("GET", "/search/tasks?q=zebra");
    expect(res.status).toBe(200);
    expect(res.body.tasks.map((t: Json) => t.title)).toEqual([
      "Zebra backup drill",
      "Zebra pager rotation",
      "Zebra checkout bug",
      "Zebra hero image",
    ]);
    expect(res.body.tasks[0]).toMatchObject({
      boardId: ops.id,
      boardKey: ops.key,
      boardName: "Operations",
      status: "done",
    });
    expect(res.body.nextCursor).toBeNull();
  });

  it("finds a task by its key", async () => {
    expect(keysOf(await call("GET", `/search/tasks?q=${web.key.toLowerCase()}-2`))).toEqual([`${web.key}-2`]);
  });

  it("filters by assignee (me, none), status, board id or key, type and label", async () => {
    expect(keysOf(await call("GET", "/search/tasks?q=zebra&assignee=me"))).toEqual(
      sorted([`${ops.key}-1`, `${web.key}-1`]),
    );
    expect(keysOf(await call("GET", "/search/tasks?q=zebra&assignee=none"))).toEqual(
      sorted([`${ops.key}-2`, `${web.key}-2`]),
    );
    expect(keysOf(await call("GET", "/search/tasks?q=zebra&status=done"))).toEqual(sorted([`${ops.key}-2`]));
    expect(keysOf(await call("GET", `/search/tasks?q=zebra&board=${web.id}`))).toEqual(
      sorted([`${web.key}-1`, `${web.key}-2`]),
    );
    expect(keysOf(await call("GET", `/search/tasks?q=zebra&board=${ops.key}`))).toEqual(
      sorted([`${ops.key}-1`, `${ops.key}-2`]),
    );
    expect(keysOf(await call("GET", "/search/tasks?q=zebra&type=bug"))).toEqual(sorted([`${web.key}-2`]));
    expect(keysOf(await call("GET", "/search/tasks?q=zebra&label=design"))).toEqual(
      sorted([`${ops.key}-2`, `${web.key}-1`, `${web.key}-2`]),
    );
  });

  it("leaves archived tasks out unless asked", async () => {
    expect(keysOf(await call("GET", "/search/tasks?q=banner"))).toEqual([]);
    expect(keysOf(await call("GET", "/search/tasks?q=banner&archived=true"))).toEqual([`${web.key}-3`]);
  });

  it("pages with nextCursor without repeating or skipping a task", async () => {
    const first = await call("GET", "/search/tasks?q=zebra&limit=3");
    expect(first.body.tasks).toHaveLength(3);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call("GET", `/search/tasks?q=zebra&limit=3&cursor=${first.body.nextCursor}`);
    expect(second.body.tasks).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    const all = await call("GET", "/search/tasks?q=zebra");
    expect([...first.body.tasks, ...second.body.tasks]).toEqual(all.body.tasks);
  });

  it("shows a change within one delivery of the board's alarm", async () => {
    await call("PATCH", `/boards/${web.id}/tasks/${web.key}-1`, { title: "Zebra hero video" });
    await runDurableObjectAlarm(roomOf(web.id));
    const res = await call("GET", "/search/tasks?q=hero");
    expect(res.body.tasks.map((t: Json) => t.title)).toEqual(["Zebra hero video"]);
  });
});

describe("search refuses bad questions", () => {
  it.each([
    ["an unknown filter", "?q=zebra&colour=red"],
    ["a page larger than 200", "?limit=201"],
    ["a page of zero", "?limit=0"],
    ["a status that is not a category", "?status=blocked"],
    ["an unknown type", "?type=feature"],
  ])("answers 400 for %s", async (_name, query) => {
    expectError(await call("GET", `/search/tasks${query}`), 400, "invalid_request");
  });

  it("answers 400 for a cursor it did not give out", async () => {
    expectError(await call("GET", "/search/tasks?cursor=bm90LWEtY3Vyc29y"), 400, "invalid_cursor");
  });
});
