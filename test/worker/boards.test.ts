import { describe, expect, it } from "vitest";
import {
  boardState,
  call,
  eventCount,
  expectError,
  type Json,
  myId,
  newBoard,
  rawCall,
  uniqueBoardKey,
} from "./helpers";

// Boards through the REST API: the directory in D1 and the board's own log must
// agree, and a refused request leaves both as they were.

async function listBoards(): Promise<Json[]> {
  const res = await call("GET", "/boards");
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.boards;
}

describe("creating and listing boards", () => {
  it("creates a board with the default columns, owned by its creator", async () => {
    const res = await call("POST", "/boards", { name: "Website", key: "WEB" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const board = res.body.board;
    expect(board).toEqual({
      id: expect.stringMatching(/^brd_[0-9a-f]{24}$/),
      name: "Website",
      key: "WEB",
      mode: "kanban",
      createdAt: expect.any(String),
      createdBy: myId(),
    });
    expect(new Date(board.createdAt).toISOString()).toBe(board.createdAt);

    const snapshot = await boardState(board.id);
    expect(snapshot.seq).toBe(1);
    expect(snapshot.board).toEqual({ ...board, deletedAt: null });
    expect(
      snapshot.columns.map((c: Json) => ({
        id: c.id,
        name: c.name,
        category: c.category,
        wipLimit: c.wipLimit,
        wipMode: c.wipMode,
      })),
    ).toEqual([
      { id: "todo", name: "To Do", category: "todo", wipLimit: null, wipMode: "soft" },
      { id: "in_progress", name: "In Progress", category: "in_progress", wipLimit: null, wipMode: "soft" },
      { id: "done", name: "Done", category: "done", wipLimit: null, wipMode: "soft" },
    ]);
    const ranks = snapshot.columns.map((c: Json) => c.rank);
    expect([...ranks].sort()).toEqual(ranks);
    expect(new Set(ranks).size).toBe(3);
    expect(snapshot.tasks).toEqual([]);
    expect(snapshot.members).toEqual([{ userId: myId(), name: "Owner", role: "owner" }]);

    const got = await call("GET", `/boards/${board.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual({ board });
    expect(await listBoards()).toContainEqual({ ...board, role: "owner" });
  });

  it("accepts scrum mode and keys of 2 and 10 characters with digits", async () => {
    const two = await call("POST", "/boards", { name: "Two", key: "Q2" });
    expect(two.status, JSON.stringify(two.body)).toBe(201);
    const ten = await call("POST", "/boards", { name: "Ten", key: "ABCDEFGH10", mode: "scrum" });
    expect(ten.status, JSON.stringify(ten.body)).toBe(201);
    expect(ten.body.board).toMatchObject({ key: "ABCDEFGH10", mode: "scrum" });
    expect((await boardState(ten.body.board.id)).board.mode).toBe("scrum");
    const keys = (await listBoards()).map((b) => b.key);
    expect(keys).toEqual(expect.arrayContaining(["Q2", "ABCDEFGH10"]));
  });

  it("trims the name it is given", async () => {
    const res = await call("POST", "/boards", { name: "  Mobile app  ", key: uniqueBoardKey("M") });
    expect(res.status).toBe(201);
    expect(res.body.board.name).toBe("Mobile app");
    expect((await boardState(res.body.board.id)).board.name).toBe("Mobile app");
  });

  it("lists boards newest first, without deleted ones and without their deletedAt", async () => {
    await newBoard();
    await newBoard();
    const boards = await listBoards();
    expect(boards.length).toBeGreaterThanOrEqual(2);
    const created = boards.map((b) => b.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    for (const board of boards) expect(board).not.toHaveProperty("deletedAt");
  });
});

describe("refused board input changes nothing", () => {
  const badKeys = [
    ["lowercase", "web"],
    ["one character", "W"],
    ["eleven characters", "ABCDEFGHIJK"],
    ["a leading digit", "1WEB"],
    ["a dash", "WE-B"],
    ["an empty key", ""],
  ] as const;

  for (const [what, key] of badKeys) {
    it(`refuses a key with ${what} (400)`, async () => {
      const before = await listBoards();
      const res = await call("POST", "/boards", { name: "Bad key", key });
      const error = expectError(res, 400, "invalid_request");
      expect(error.message).toMatch(/^Invalid body: key: /);
      expect(error.details.problems).toContainEqual({ path: "body.key", message: expect.stringContaining("2–10") });
      expect(await listBoards()).toEqual(before);
    });
  }

  it("refuses a key that another board already has (409 board_key_taken)", async () => {
    const first = await newBoard({ key: "DUPE", name: "First" });
    const before = await listBoards();
    const res = await call("POST", "/boards", { name: "Second", key: "DUPE" });
    const error = expectError(res, 409, "board_key_taken");
    expect(error.message).toContain("DUPE");
    expect(await listBoards()).toEqual(before);
    const snapshot = await boardState(first.id);
    expect(snapshot.board.name).toBe("First");
    expect(snapshot.seq).toBe(1);
  });

  it("refuses a missing or blank name and an unknown mode", async () => {
    const before = await listBoards();
    for (const body of [
      { key: uniqueBoardKey() },
      { name: "   ", key: uniqueBoardKey() },
      { name: "x".repeat(101), key: uniqueBoardKey() },
      { name: "Modes", key: uniqueBoardKey(), mode: "waterfall" },
    ]) {
      const res = await call("POST", "/boards", body);
      expectError(res, 400, "invalid_request");
    }
    expect(await listBoards()).toEqual(before);
  });

  it("refuses malformed JSON with 400 malformed_json", async () => {
    const before = await listBoards();
    const res = await rawCall("POST", "/boards", '{"name": "Broken", "key": "BRK"');
    expectError(res, 400, "malformed_json");
    expect(await listBoards()).toEqual(before);
  });

  it("refuses a body that is not an object", async () => {
    const before = await listBoards();
    for (const body of ["[]", '"WEB"', "null", "42"]) {
      const res = await rawCall("POST", "/boards", body);
      expect(res.status, body).toBe(400);
      expect(res.body.error.code).toMatch(/^(invalid_request|malformed_json)$/);
    }
    expect(await listBoards()).toEqual(before);
  });

  it("refuses unknown fields instead of ignoring them", async () => {
    const before = await listBoards();
    const res = await call("POST", "/boards", { name: "Extra", key: uniqueBoardKey(), colour: "red" });
    const error = expectError(res, 400, "invalid_request");
    expect(error.message).toContain("colour");
    expect(await listBoards()).toEqual(before);
  });
});

describe("renaming a board", () => {
  it("renames it in the directory and in the board, recording the old name", async () => {
    const { id } = await newBoard({ name: "Old name" });
    const res = await call("PATCH", `/boards/${id}`, { name: "New name" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.board).toMatchObject({ id, name: "New name" });
    expect((await call("GET", `/boards/${id}`)).body.board.name).toBe("New name");
    expect((await listBoards()).find((b) => b.id === id)?.name).toBe("New name");
    const snapshot = await boardState(id);
    expect(snapshot.seq).toBe(2);
    expect(snapshot.board.name).toBe("New name");
    const events = await call("GET", `/boards/${id}/events`);
    expect(events.body.events.at(-1)).toMatchObject({
      seq: 2,
      type: "board.renamed",
      actor: myId(),
      payload: { name: "New name", previousName: "Old name" },
    });
  });

  it("appends nothing when the name does not change", async () => {
    const { id } = await newBoard({ name: "Same" });
    const res = await call("PATCH", `/boards/${id}`, { name: "Same" });
    expect(res.status).toBe(200);
    expect(res.body.board.name).toBe("Same");
    expect(await eventCount(id)).toBe(1);
  });

  it("refuses bad input and leaves the board as it was", async () => {
    const { id } = await newBoard({ name: "Keep me" });
    const before = await boardState(id);
    expectError(await call("PATCH", `/boards/${id}`, { name: "" }), 400, "invalid_request");
    expectError(await call("PATCH", `/boards/${id}`, {}), 400, "invalid_request");
    expectError(await call("PATCH", `/boards/${id}`, { name: "Fine", key: "OTHER" }), 400, "invalid_request");
    expectError(await rawCall("PATCH", `/boards/${id}`, "{name: Fine}"), 400, "malformed_json");
    expect(await boardState(id)).toEqual(before);
    expect((await call("GET", `/boards/${id}`)).body.board.name).toBe("Keep me");
  });
});

describe("unknown boards", () => {
  it("answers 404 board_not_found on every board route", async () => {
    const before = await listBoards();
    const id = "brd_000000000000000000000000";
    const requests: [string, string, unknown?][] = [
      ["GET", `/boards/${id}`],
      ["PATCH", `/boards/${id}`, { name: "Ghost" }],
      ["DELETE", `/boards/${id}`],
      ["GET", `/boards/${id}/snapshot`],
      ["GET", `/boards/${id}/events`],
      ["GET", `/boards/${id}/state?at=1`],
      ["GET", `/boards/${id}/columns`],
      ["GET", `/boards/${id}/tasks`],
      ["POST", `/boards/${id}/tasks`, { title: "Ghost task" }],
      ["POST", `/boards/${id}/commands`, { opId: "op-ghost-1", baseSeq: 0, command: { type: "deleteBoard" } }],
    ];
    for (const [method, path, body] of requests) {
      expectError(await call(method, path, body), 404, "board_not_found");
    }
    expect(await listBoards()).toEqual(before);
  });
});

describe("deleting a board", () => {
  it("makes it disappear everywhere, keeps its key taken, and leaves other boards alone", async () => {
    const other = await newBoard({ name: "Neighbour" });
    const { id, key } = await newBoard({ name: "Doomed" });
    const created = await call("POST", `/boards/${id}/tasks`, { title: "Soon gone" });
    expect(created.status).toBe(201);
    const taskKey = created.body.task.key;

    const res = await call("DELETE", `/boards/${id}`);
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();

    const gone: [string, string, unknown?][] = [
      ["GET", `/boards/${id}`],
      ["PATCH", `/boards/${id}`, { name: "Back" }],
      ["DELETE", `/boards/${id}`],
      ["GET", `/boards/${id}/snapshot`],
      ["GET", `/boards/${id}/events`],
      ["GET", `/boards/${id}/state?at=1`],
      ["GET", `/boards/${id}/columns`],
      ["GET", `/boards/${id}/tasks`],
      ["GET", `/boards/${id}/tasks/${taskKey}`],
      ["GET", `/boards/${id}/tasks/${taskKey}/history`],
      ["POST", `/boards/${id}/tasks`, { title: "Ghost" }],
      ["POST", `/boards/${id}/commands`, { opId: "op-after-delete", baseSeq: 0, command: { type: "deleteBoard" } }],
    ];
    for (const [method, path, body] of gone) {
      expectError(await call(method, path, body), 404, "board_not_found");
    }
    const boards = await listBoards();
    expect(boards.map((b) => b.id)).not.toContain(id);
    expect(boards.map((b) => b.id)).toContain(other.id);

    // Keys are never reused: tasks that mention the deleted board's keys stay unambiguous.
    expectError(await call("POST", "/boards", { name: "Reuse", key }), 409, "board_key_taken");

    const neighbour = await boardState(other.id);
    expect(neighbour.board).toMatchObject({ name: "Neighbour", deletedAt: null });
  });
});
