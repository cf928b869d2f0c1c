import { runDurableObjectAlarm } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_IMPORT_BYTES } from "../../src/api/transfer";
import {
  type Answer,
  addMember,
  BASE,
  boardState,
  call,
  eventCount,
  expectError,
  type Json,
  me,
  myId,
  newBoard,
  ORIGIN,
  type Person,
  rawCall,
  roomOf,
  signUp,
  uniqueBoardKey,
} from "./helpers";

// A board out as its log and back in as a new board: export streams NDJSON, import
// checks every line before it creates anything, and the copy is the same board
// (same events, same state, same history) under a new id and, when asked, a new key.

interface Exported {
  status: number;
  text: string;
  headers: Headers;
}

/** Signed in as `as` (the default person when absent), from the app's origin, like `call`. */
async function signedIn(as?: Person): Promise<Record<string, string>> {
  return { origin: ORIGIN, cookie: (as ?? (await me())).cookie };
}

async function exportBoard(boardId: string, as?: Person): Promise<Exported> {
  const res = await exports.default.fetch(`${BASE}/boards/${boardId}/export`, { headers: await signedIn(as) });
  // Decoded by hand: workerd warns when .text() reads a body that is not text/* or JSON.
  return { status: res.status, text: new TextDecoder().decode(await res.arrayBuffer()), headers: res.headers };
}

async function importLog(
  file: string | Uint8Array | ReadableStream<Uint8Array>,
  query = "",
  as?: Person,
): Promise<Answer> {
  const res = await exports.default.fetch(`${BASE}/boards/import${query}`, {
    method: "POST",
    headers: { "content-type": "application/x-ndjson", ...(await signedIn(as)) },
    body: file,
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

const linesOf = (text: string): Json[] =>
  text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l));
const toText = (lines: unknown[]): string =>
  lines.map((l) => `${typeof l === "string" ? l : JSON.stringify(l)}\n`).join("");

async function boardIds(as?: Person): Promise<string[]> {
  const res = await call("GET", "/boards", undefined, {}, as);
  expect(res.status).toBe(200);
  return res.body.boards.map((b: Json) => b.id).sort();
}

async function allEvents(boardId: string): Promise<Json[]> {
  const res = await call("GET", `/boards/${boardId}/events?after=0&limit=1000`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.events;
}

async function newBoardAs(person: Person): Promise<{ id: string; key: string }> {
  const key = uniqueBoardKey("S");
  const res = await call("POST", "/boards", { name: `Board ${key}`, key }, {}, person);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.board.id, key };
}

/** Every string that is exactly a task key of `from` (WEB-12) under `to` (NEW-12): what import promises. */
function rekey(value: unknown, from: string, to: string): Json {
  const taskKey = new RegExp(`^${from}-(\\d+)$`);
  if (typeof value === "string") return value.replace(taskKey, `${to}-$1`);
  if (Array.isArray(value)) return value.map((v) => rekey(v, from, to));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rekey(v, from, to)]));
  }
  return value;
}

async function post(path: string, body: unknown): Promise<Json> {
  const res = await call("POST", path, body);
  expect(res.status, `${path} ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body;
}

/**
 * A board with a bit of everything the log records: a member, an added column,
 * an epic, a story under it and a sub-task under that, edits, moves, comments
 * (added, edited, deleted), an archive and restore, a deleted task, a rename.
 */
async function busyBoard() {
  const board = await newBoard({ name: "Website" });
  const tasks = `/boards/${board.id}/tasks`;
  await addMember(board.id, "usr_ben", "member", "Ben Okafor");
  await post(`/boards/${board.id}/columns`, { name: "Review", category: "in_progress", wipLimit: 2 });
  const epic = (await post(tasks, { title: "Launch", type: "epic", labels: ["launch"] })).task.key;
  const story = (
    await post(tasks, { title: "Landing page", type: "story", parentKey: epic, assigneeId: "usr_ben", storyPoints: 3 })
  ).task.key;
  const sub = (await post(tasks, { title: "Hero image", type: "subtask", parentKey: story })).task.key;
  const gone = (await post(tasks, { title: "Old banner" })).task.key;
  const patched = await call("PATCH", `${tasks}/${story}`, { priority: "high", labels: { add: ["web"] } });
  expect(patched.status).toBe(200);
  await post(`${tasks}/${story}/move`, { columnId: "in_progress" });
  await post(`${tasks}/${epic}/move`, { columnId: "done" });
  const comment = (await post(`${tasks}/${story}/comments`, { body: `Blocked by ${sub}` })).comment.id;
  expect((await call("PATCH", `${tasks}/${story}/comments/${comment}`, { body: "Unblocked" })).status).toBe(200);
  const doomed = (await post(`${tasks}/${epic}/comments`, { body: "typo" })).comment.id;
  expect((await call("DELETE", `${tasks}/${epic}/comments/${doomed}`)).status).toBe(204);
  await post(`${tasks}/${sub}/archive`, {});
  await post(`${tasks}/${sub}/restore`, {});
  await post(`${tasks}/${gone}/archive`, {});
  expect((await call("DELETE", `${tasks}/${gone}`)).status).toBe(204);
  expect((await call("PATCH", `/boards/${board.id}`, { name: "Website relaunch" })).status).toBe(200);
  return { ...board, name: "Website relaunch", epic, story, sub, gone };
}

type Busy = Awaited<ReturnType<typeof busyBoard>>;
let original: Busy;
let exported: Exported;

beforeAll(async () => {
  original = await busyBoard();
  exported = await exportBoard(original.id);
  expect(exported.status, exported.text).toBe(200);
});

describe("export", () => {
  it("streams a header line, then every event in seq order, as a named NDJSON download", async () => {
    expect(exported.headers.get("content-type")).toBe("application/x-ndjson");
    expect(exported.headers.get("content-disposition")).toMatch(
      new RegExp(`^attachment; filename="${original.key}-\\d{4}-\\d{2}-\\d{2}\\.ndjson"$`),
    );
    const [header, ...events] = linesOf(exported.text);
    const log = await allEvents(original.id);
    expect(header).toEqual({
      format: "lanes-board-log",
      version: 1,
      board: { id: original.id, name: "Website relaunch", key: original.key, mode: "kanban" },
      seq: log.length,
      exportedAt: expect.any(String),
    });
    expect(exported.headers.get("content-disposition")).toContain(String(header.exportedAt).slice(0, 10));
    expect(events).toEqual(log);
    expect(events.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
    expect(exported.text.endsWith("}\n")).toBe(true);
  });

  it("answers 404 board_not_found for an unknown board and for a deleted one", async () => {
    expectError(await call("GET", "/boards/brd_nope/export"), 404, "board_not_found");
    const doomed = await newBoard();
    expect((await call("DELETE", `/boards/${doomed.id}`)).status).toBe(204);
    expectError(await call("GET", `/boards/${doomed.id}/export`), 404, "board_not_found");
    // Someone who is not a member learns nothing about the board, not even that it exists.
    const stranger = await signUp("Stranger");
    expectError(await call("GET", `/boards/${original.id}/export`, undefined, {}, stranger), 404, "board_not_found");
  });
});

describe("import", () => {
  it("refuses the log's own key while its board holds it (409), and creates nothing", async () => {
    const before = await boardIds();
    const error = expectError(await importLog(exported.text), 409, "board_key_taken");
    expect(error.message).toContain(original.key);
    expect(error.message).toContain("?key=");
    expect(await boardIds()).toEqual(before);
  });

  it("with a new key, makes the same board under a new id with every task key rewritten", async () => {
    const key = uniqueBoardKey("N");
    const res = await importLog(exported.text, `?key=${key}`);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const copy = res.body.board;
    expect(copy).toEqual({
      id: expect.stringMatching(/^brd_[0-9a-f]{24}$/),
      name: "Website relaunch",
      key,
      mode: "kanban",
      createdAt: original.board.createdAt,
      createdBy: myId(),
    });
    expect(copy.id).not.toBe(original.id);
    expect((await call("GET", "/boards")).body.boards).toContainEqual({ ...copy, role: "owner" });

    const [was, now] = [await boardState(original.id), await boardState(copy.id)];
    // Access is not carried over: Ben, the original's other member, is removed by one more event.
    expect(was.members.map((m: Json) => [m.userId, m.role]).sort()).toEqual(
      [
        [myId(), "owner"],
        ["usr_ben", "member"],
      ].sort(),
    );
    expect(now.members).toEqual(was.members.filter((m: Json) => m.userId === myId()));
    expect(res.body.seq).toBe(was.seq + 1);
    expect(now).toEqual({
      ...rekey(was, original.key, key),
      seq: was.seq + 1,
      board: { ...was.board, id: copy.id, key },
      members: now.members,
    });
    // Spot checks, so the comparison above cannot pass by rewriting nothing.
    const number = (k: string) => k.split("-")[1];
    const story = now.tasks.find((t: Json) => t.title === "Landing page");
    const sub = now.tasks.find((t: Json) => t.title === "Hero image");
    expect(story.key).toBe(`${key}-${number(original.story)}`);
    expect(story.parentKey).toBe(`${key}-${number(original.epic)}`);
    expect(sub.parentKey).toBe(story.key);
    expect(now.tasks.map((t: Json) => t.key).every((k: string) => k.startsWith(`${key}-`))).toBe(true);

    // Comments and every task's history (authors, times, opIds) came along.
    for (const task of was.tasks) {
      const newKey = `${key}-${number(task.key)}`;
      const [a, b] = [
        await call("GET", `/boards/${original.id}/tasks/${task.key}`),
        await call("GET", `/boards/${copy.id}/tasks/${newKey}`),
      ];
      expect(b.body.comments).toEqual(rekey(a.body.comments, original.key, key));
      const [ha, hb] = [
        await call("GET", `/boards/${original.id}/tasks/${task.key}/history`),
        await call("GET", `/boards/${copy.id}/tasks/${newKey}/history`),
      ];
      expect(hb.body).toEqual(rekey(ha.body, original.key, key));
    }
    expect(now.tasks.find((t: Json) => t.title === "Landing page")).toBeDefined();
    const storyComments = (await call("GET", `/boards/${copy.id}/tasks/${story.key}`)).body.comments;
    expect(storyComments.map((c: Json) => c.body)).toEqual(["Unblocked"]);
    // The deleted task's history is kept too, under its new key.
    const goneHistory = await call("GET", `/boards/${copy.id}/tasks/${key}-${number(original.gone)}/history`);
    expect(goneHistory.body.entries.at(-1).type).toBe("task.deleted");

    // The log itself: same events, same opIds, the board's own id and key where it was created,
    // then the importer's removal of Ben (the importer already owned the board: no member.added).
    const [events, copied] = [await allEvents(original.id), await allEvents(copy.id)];
    expect(copied).toHaveLength(events.length + 1);
    expect(copied[0].payload).toMatchObject({ boardId: copy.id, key, name: "Website" });
    expect(copied.slice(1, events.length)).toEqual(rekey(events.slice(1), original.key, key));
    expect(copied.at(-1)).toEqual({
      seq: events.length + 1,
      opId: expect.stringMatching(/^[0-9a-f-]{36}:0:member\.removed$/),
      actor: myId(),
      at: expect.any(String),
      type: "member.removed",
      v: 1,
      payload: { userId: "usr_ben", previousRole: "member" },
    });
    expect(JSON.stringify(copied)).not.toContain(`"${original.key}-`);
  });

  it("makes a board that works: the next task takes the next number, and search finds it", async () => {
    const key = uniqueBoardKey("W");
    const res = await importLog(exported.text, `?key=${key}&name=${encodeURIComponent("Website copy")}`);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const id = res.body.board.id;
    expect(res.body.board.name).toBe("Website copy");
    const state = await boardState(id);
    expect(state.board.name).toBe("Website copy");
    // The log renamed the board, so the new name is the importer's own rename, recorded last.
    const events = await allEvents(id);
    expect(res.body.seq).toBe(events.length);
    expect(events.at(-1)).toMatchObject({
      type: "board.renamed",
      actor: myId(),
      payload: { name: "Website copy", previousName: "Website relaunch" },
    });
    expect(events.filter((e) => e.type === "board.renamed")).toHaveLength(2);
    // Ben's removal comes before the rename: the added facts are numbered in order.
    expect(events.at(-2)).toMatchObject({
      type: "member.removed",
      actor: myId(),
      payload: { userId: "usr_ben", previousRole: "member" },
    });
    expect(events.slice(-2).map((e) => e.opId.split(":").slice(1).join(":"))).toEqual([
      "0:member.removed",
      "1:board.renamed",
    ]);

    // The import scheduled the subscribers like any append: the D1 task index catches up.
    expect(await runDurableObjectAlarm(roomOf(id))).toBe(true);
    const found = await call("GET", `/search/tasks?q=${key.toLowerCase()}-1`);
    expect(found.status).toBe(200);
    expect(found.body.tasks).toEqual([expect.objectContaining({ key: `${key}-1`, boardId: id, title: "Launch" })]);

    const highest = Math.max(...events.filter((e) => e.type === "task.created").map((e) => e.payload.task.number));
    const next = await call("POST", `/boards/${id}/tasks`, { title: "After the import" });
    expect(next.status).toBe(201);
    expect(next.body.task.key).toBe(`${key}-${highest + 1}`);
  });

  it("round-trips a log longer than one export page, event for event", async () => {
    const key = uniqueBoardKey("L");
    const file = syntheticLog(key, 2500);
    const res = await importLog(file);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // The log was Ana's board: the importer joins it as its owner and removes Ana, the two
    // facts the file did not hold.
    expect(res.body.seq).toBe(2502);
    const again = await exportBoard(res.body.board.id);
    const [, ...events] = linesOf(again.text);
    const [, ...sent] = linesOf(file);
    expect(events.map((e) => e.seq)).toEqual([...sent.map((e) => e.seq), 2501, 2502]);
    expect(events.slice(0, -2)).toEqual(
      sent.map((e) => (e.seq === 1 ? { ...e, payload: { ...e.payload, boardId: res.body.board.id } } : e)),
    );
    expect(events.slice(-2)).toEqual([
      {
        seq: 2501,
        opId: expect.stringMatching(/^[0-9a-f-]{36}:0:member\.added$/),
        actor: myId(),
        at: expect.any(String),
        type: "member.added",
        v: 1,
        payload: { userId: myId(), name: expect.any(String), role: "owner" },
      },
      {
        seq: 2502,
        opId: expect.stringMatching(/^[0-9a-f-]{36}:1:member\.removed$/),
        actor: myId(),
        at: expect.any(String),
        type: "member.removed",
        v: 1,
        payload: { userId: "usr_ana", previousRole: "owner" },
      },
    ]);
    // Both facts come from the one import.
    expect(events[2500].opId.split(":")[0]).toBe(events[2501].opId.split(":")[0]);
  });

  it("does not give the log's other people access: they are removed in the log, absent from D1 memberships, and get 404 on the imported board, while the importer owns it", async () => {
    const owner = await signUp("Olga");
    const ben = await signUp("Ben");
    const importer = await signUp("Ida");
    const source = await newBoardAs(owner);
    const added = await call("POST", `/boards/${source.id}/members`, { email: ben.email, role: "viewer" }, {}, owner);
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    await addMember(source.id, "usr_elsewhere", "member", "Someone from another workspace");
    const file = (await exportBoard(source.id, owner)).text;
    const [, ...sent] = linesOf(file);

    const res = await importLog(file, `?key=${uniqueBoardKey("I")}`, importer);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const id = res.body.board.id;

    // The log: the importer joins as owner, then removes everyone else the log lists, each once.
    const events = linesOf((await exportBoard(id, importer)).text).slice(1);
    expect(res.body.seq).toBe(sent.length + 4);
    const appended = events.slice(sent.length);
    const importOp = String(appended[0]?.opId).split(":")[0];
    expect(importOp).toMatch(/^[0-9a-f-]{36}$/);
    const fact = (i: number, type: string, payload: Json) => ({
      seq: sent.length + i + 1,
      opId: `${importOp}:${i}:${type}`,
      actor: importer.id,
      at: expect.any(String),
      type,
      v: 1,
      payload,
    });
    expect(appended).toEqual([
      fact(0, "member.added", { userId: importer.id, name: expect.any(String), role: "owner" }),
      fact(1, "member.removed", { userId: owner.id, previousRole: "owner" }),
      fact(2, "member.removed", { userId: ben.id, previousRole: "viewer" }),
      fact(3, "member.removed", { userId: "usr_elsewhere", previousRole: "member" }),
    ]);

    // The board itself lists only the importer, as owner.
    const members = (await call("GET", `/boards/${id}/snapshot`, undefined, {}, importer)).body.members;
    expect(members.map((m: Json) => [m.userId, m.role])).toEqual([[importer.id, "owner"]]);

    // The directory says the same: one membership, the importer's.
    const { results } = await env.DB.prepare("SELECT user_id, role FROM memberships WHERE board_id = ?")
      .bind(id)
      .all<Json>();
    expect(results).toEqual([{ user_id: importer.id, role: "owner" }]);

    // The log's people see nothing of the copy, not even that it exists.
    const roleOf = async (person: Person) =>
      (await call("GET", "/boards", undefined, {}, person)).body.boards.find((b: Json) => b.id === id)?.role;
    expect(await roleOf(importer)).toBe("owner");
    expect(await roleOf(owner)).toBeUndefined();
    expect(await roleOf(ben)).toBeUndefined();
    for (const person of [owner, ben]) {
      expectError(await call("GET", `/boards/${id}/snapshot`, undefined, {}, person), 404, "board_not_found");
      expectError(await call("GET", `/boards/${id}/export`, undefined, {}, person), 404, "board_not_found");
      expectError(await call("POST", `/boards/${id}/tasks`, { title: "x" }, {}, person), 404, "board_not_found");
    }
    // The importer works on it.
    expect((await call("POST", `/boards/${id}/tasks`, { title: "Mine" }, {}, importer)).status).toBe(201);

    // The original board keeps its people.
    const kept = (await call("GET", `/boards/${source.id}/snapshot`, undefined, {}, owner)).body.members;
    expect(kept.map((m: Json) => [m.userId, m.role]).sort()).toEqual(
      [
        [owner.id, "owner"],
        [ben.id, "viewer"],
        ["usr_elsewhere", "member"],
      ].sort(),
    );
    expect((await call("GET", `/boards/${source.id}/snapshot`, undefined, {}, ben)).status).toBe(200);
  });

  it("takes a log larger than the API's 1 MiB limit, and answers 413 above its own", async () => {
    const key = uniqueBoardKey("M");
    const big = syntheticLog(key, 60, "x".repeat(40_000));
    expect(big.length).toBeGreaterThan(1024 * 1024);
    const res = await importLog(big);
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(201);

    const before = await boardIds();
    // Streamed without a length: counted as it comes.
    const chunk = new Uint8Array(1024 * 1024).fill(0x78);
    let chunks = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (chunks++ > MAX_IMPORT_BYTES / chunk.length) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const error = expectError(await importLog(endless), 413, "payload_too_large");
    expect(error.message).toContain("64 MiB");
    // Every other route keeps the 1 MiB limit.
    const other = await rawCall("POST", "/boards", JSON.stringify({ name: "x".repeat(1024 * 1024), key: "BIG" }));
    expect(expectError(other, 413, "payload_too_large").message).toContain("1 MiB");
    expect(await boardIds()).toEqual(before);
  });

  it("streams a log to the board a page at a time, and gives up the board it began when a later line is bad", async () => {
    // The tests hand the board 10 events a page (vitest.config.ts): this log is many pages.
    const key = uniqueBoardKey("P");
    const file = syntheticLog(key, 95);
    const before = await boardIds();
    const broken = `${file.slice(0, file.lastIndexOf("{"))}{"seq":95,`;
    const error = expectError(await importLog(broken, `?key=${key}`), 422, "invalid_log");
    expect(error.details).toEqual({ line: 96 });
    expect(await boardIds()).toEqual(before);
    // Its key was given back: the same file, whole, imports under it.
    const res = await importLog(file, `?key=${key}`);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // The log's 95 events, then the importer made owner and the log's owner removed.
    expect(res.body.seq).toBe(97);
    expect((await allEvents(res.body.board.id)).map((e: Json) => e.seq)).toEqual(
      Array.from({ length: 97 }, (_, i) => i + 1),
    );
  });

  it("takes, in pages, a log that already says the importer owns the board alone: nothing is added at its end", async () => {
    const mine = await newBoard();
    // A whole number of pages of 10: the last page, the one that closes the import, has no event.
    for (let n = 0; n < 15 || (await eventCount(mine.id)) % 10 !== 0; n++) {
      expect((await call("POST", `/boards/${mine.id}/tasks`, { title: `T${n}` })).status).toBe(201);
    }
    const file = await exportBoard(mine.id);
    const res = await importLog(file.text, `?key=${uniqueBoardKey("O")}`);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.seq).toBe(linesOf(file.text).length - 1);
  });

  it("validates the options: a key must look like a board key", async () => {
    const error = expectError(await importLog(exported.text, "?key=new"), 400, "invalid_request");
    expect(error.message).toContain("key");
  });
});

describe("import refuses a bad file at its first bad line, and creates nothing", () => {
  const lines = () => exported.text.split("\n").filter((l) => l !== "");
  const parsed = () => linesOf(exported.text);
  /** The file's line number (1-based, the header is line 1) of the first event of this type. */
  const lineOf = (type: string) => parsed().findIndex((l) => l.type === type) + 1;
  const editLine = (line: number, edit: (event: Json) => Json) =>
    toText(parsed().map((l, i) => (i === line - 1 ? edit(l) : l)));

  const cases: [string, () => { file: string | Uint8Array; line: number }, RegExp][] = [
    ["an empty file", () => ({ file: "", line: 1 }), /the file is empty/],
    [
      "a file without its header",
      () => ({ file: toText(lines().slice(1)), line: 1 }),
      /this is not a board-log header/,
    ],
    [
      "a header of another format",
      () => ({ file: editLine(1, (h) => ({ ...h, format: "trello-export" })), line: 1 }),
      /not a Lanes board log/,
    ],
    [
      "a header of a newer version",
      () => ({ file: editLine(1, (h) => ({ ...h, version: 2 })), line: 1 }),
      /version 2, newer than this build reads/,
    ],
    [
      "a gap in seq",
      () => ({ file: toText(lines().filter((_, i) => i !== 5)), line: 6 }),
      /expected seq 5 but found 6: event 5 is missing/,
    ],
    [
      "an unknown event type",
      () => ({ file: editLine(4, (e) => ({ ...e, type: "task.teleported" })), line: 4 }),
      /"task.teleported" is not an event type this build knows/,
    ],
    [
      "a payload that fails its schema",
      () => {
        const line = lineOf("task.created");
        const file = editLine(line, (e) => ({ ...e, payload: { task: { ...e.payload.task, title: 42 } } }));
        return { file, line };
      },
      /the task.created payload is not valid \(payload\.task\.title: /,
    ],
    [
      "an event about a task that does not exist",
      () => {
        const line = lineOf("task.moved");
        return { file: editLine(line, (e) => ({ ...e, payload: { ...e.payload, key: "ZZ-404" } })), line };
      },
      /task.moved names task ZZ-404, which does not exist at this point of the log/,
    ],
    [
      "a line that is not UTF-8",
      () => {
        const utf8 = new TextEncoder();
        const [head, rest] = [toText(lines().slice(0, 3)), toText(lines().slice(3))];
        // 0xFF never occurs in UTF-8: here it sits inside the fourth line's first string.
        const file = new Uint8Array([
          ...utf8.encode(head),
          ...utf8.encode(rest.slice(0, 10)),
          0xff,
          ...utf8.encode(rest.slice(10)),
        ]);
        return { file, line: 4 };
      },
      /not UTF-8/,
    ],
    [
      "a truncated last line",
      () => ({ file: exported.text.slice(0, -25), line: lines().length }),
      /this line is not complete JSON .*the file looks cut short/,
    ],
    [
      "a file cut at a line break (its header says how many events there were)",
      () => ({ file: toText(lines().slice(0, -2)), line: lines().length - 1 }),
      /the file ends at seq \d+, but its header says the board had \d+ events/,
    ],
  ];

  for (const [what, make, message] of cases) {
    it(`${what}: 422 invalid_log naming the line`, async () => {
      const { file, line } = make();
      const before = await boardIds();
      const error = expectError(await importLog(file, `?key=${uniqueBoardKey("R")}`), 422, "invalid_log");
      expect(error.details).toEqual({ line });
      expect(error.message).toMatch(new RegExp(`^Line ${line}: `));
      expect(error.message).toMatch(message);
      expect(error.message).toMatch(/Nothing was imported\.$/);
      expect(await boardIds()).toEqual(before);
    });
  }
});

/** A valid log of `count` events: the board, then tasks, each later one edited. */
function syntheticLog(key: string, count: number, description = ""): string {
  const at = (seq: number) => new Date(Date.UTC(2026, 0, 1) + seq * 1000).toISOString();
  const stamp = (seq: number) => ({ seq, opId: `op-${key}-${seq}`, actor: "usr_ana", at: at(seq) });
  const lines: unknown[] = [
    {
      format: "lanes-board-log",
      version: 1,
      board: { id: `brd_src_${key}`, name: `Synthetic ${key}`, key, mode: "kanban" },
      seq: count,
      exportedAt: at(count + 1),
    },
    {
      ...stamp(1),
      type: "board.created",
      v: 1,
      payload: {
        boardId: `brd_src_${key}`,
        name: `Synthetic ${key}`,
        key,
        mode: "kanban",
        columns: [
          { id: "todo", name: "To Do", category: "todo", wipLimit: null, wipMode: "soft", rank: "a0" },
          { id: "done", name: "Done", category: "done", wipLimit: null, wipMode: "soft", rank: "a1" },
        ],
        owner: { userId: "usr_ana", name: "Ana" },
      },
    },
  ];
  let number = 0;
  for (let seq = 2; seq <= count; seq++) {
    if (seq % 2 === 0) {
      number += 1;
      lines.push({
        ...stamp(seq),
        type: "task.created",
        v: 2,
        payload: {
          task: {
            key: `${key}-${number}`,
            number,
            title: `Task ${number}`,
            description,
            type: "task",
            parentKey: number > 1 ? `${key}-${number - 1}` : null,
            columnId: "todo",
            rank: `a${String(number).padStart(5, "0")}`,
            assigneeId: null,
            reporterId: "usr_ana",
            priority: "medium",
            labels: [],
            storyPoints: null,
            dueDate: null,
            watchers: ["usr_ana"],
            originalEstimateSeconds: null,
            remainingEstimateSeconds: null,
            sprintId: null,
            backlogRank: `a${String(number).padStart(5, "0")}`,
          },
        },
      });
    } else {
      lines.push({
        ...stamp(seq),
        type: "task.updated",
        v: 2,
        payload: {
          key: `${key}-${number}`,
          changes: { title: `Task ${number}, edited` },
          previous: { title: `Task ${number}` },
        },
      });
    }
  }
  return toText(lines);
}
