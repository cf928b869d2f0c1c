import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
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
  signUp,
} from "./helpers";

// The board as a log: the snapshot and its ETag, the paged events, time travel,
// the generic command endpoint, and the API's self-description.

async function allEvents(boardId: string): Promise<Json[]> {
  const res = await call("GET", `/boards/${boardId}/events?after=0&limit=1000`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.events;
}

async function createTask(boardId: string, title: string): Promise<{ key: string; seq: number }> {
  const res = await call("POST", `/boards/${boardId}/tasks`, { title });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { key: res.body.task.key, seq: res.body.seq };
}

describe("snapshot", () => {
  it('carries ETag "<seq>" and answers 304 to If-None-Match while nothing changed', async () => {
    const { id } = await newBoard();
    await createTask(id, "One");
    const first = await call("GET", `/boards/${id}/snapshot`);
    expect(first.status).toBe(200);
    expect(first.body.seq).toBe(2);
    expect(first.headers.get("etag")).toBe('"2"');
    expect(first.headers.get("cache-control")).toContain("no-cache");

    const unchanged = await call("GET", `/boards/${id}/snapshot`, undefined, { "if-none-match": '"2"' });
    expect(unchanged.status).toBe(304);
    expect(unchanged.body).toBeNull();
    expect(unchanged.headers.get("etag")).toBe('"2"');

    const stale = await call("GET", `/boards/${id}/snapshot`, undefined, { "if-none-match": '"1"' });
    expect(stale.status).toBe(200);
    expect(stale.body).toEqual(first.body);

    // Weak and listed tags match too: Cloudflare weakens ETags when it compresses.
    for (const tag of ['W/"2"', '"1", "2"', "*"]) {
      const res = await call("GET", `/boards/${id}/snapshot`, undefined, { "if-none-match": tag });
      expect(res.status, tag).toBe(304);
    }
    expect((await call("GET", `/boards/${id}/snapshot`, undefined, { "if-none-match": 'W/"1", "3"' })).status).toBe(
      200,
    );

    await createTask(id, "Two");
    const changed = await call("GET", `/boards/${id}/snapshot`, undefined, { "if-none-match": '"2"' });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).toBe('"3"');
    expect(changed.body.tasks.map((t: Json) => t.title)).toEqual(["One", "Two"]);
  });

  it("leaves out the tasks' stamps with stamps=false, under an ETag of its own; a bad value is refused", async () => {
    const { id } = await newBoard();
    await createTask(id, "One");
    const full = await call("GET", `/boards/${id}/snapshot`);
    expect(full.body.tasks[0].stamps.title).toEqual({ seq: 2, actor: await myId(), at: expect.any(String) });

    const lean = await call("GET", `/boards/${id}/snapshot?stamps=false`);
    expect(lean.status).toBe(200);
    expect(lean.headers.get("etag")).toBe('"2-lean"');
    const { stamps: _stamps, ...fields } = full.body.tasks[0];
    expect(lean.body.tasks).toEqual([fields]);
    expect({ ...lean.body, tasks: [] }).toEqual({ ...full.body, tasks: [] });
    // One form's tag never stands for the other.
    expect(
      (await call("GET", `/boards/${id}/snapshot?stamps=false`, undefined, { "if-none-match": '"2"' })).status,
    ).toBe(200);
    expect(
      (await call("GET", `/boards/${id}/snapshot?stamps=false`, undefined, { "if-none-match": '"2-lean"' })).status,
    ).toBe(304);

    const bad = await call("GET", `/boards/${id}/snapshot?stamps=no`);
    expectError(bad, 400, "invalid_request");
  });

  it("sends the tasks as columns with tasks=columns: the same tasks, in fewer bytes, under an ETag of its own", async () => {
    const { id } = await newBoard();
    for (const title of ["One", "Two", "Three"]) await createTask(id, title);
    await call("PATCH", `/boards/${id}/tasks/${(await boardState(id)).tasks[1].key}`, { labels: ["seo", "web"] });
    const rows = await call("GET", `/boards/${id}/snapshot?stamps=false`);
    const columns = await call("GET", `/boards/${id}/snapshot?stamps=false&tasks=columns`);
    expect(columns.status).toBe(200);
    expect(columns.headers.get("etag")).toBe(`"${rows.body.seq}-lean-columns"`);
    expect(columns.body.tasks.title).toEqual(["One", "Two", "Three"]);
    expect(columns.body.tasks.labels).toEqual([[], ["seo", "web"], []]);
    // A task is the values at one index, field by field.
    const fields = Object.keys(columns.body.tasks);
    const decoded = rows.body.tasks.map((_: Json, i: number) =>
      Object.fromEntries(fields.map((f) => [f, columns.body.tasks[f][i]])),
    );
    expect(decoded).toEqual(rows.body.tasks);
    expect({ ...columns.body, tasks: [] }).toEqual({ ...rows.body, tasks: [] });
    // With stamps, they are a column too.
    const stamped = await call("GET", `/boards/${id}/snapshot?tasks=columns`);
    expect(stamped.headers.get("etag")).toBe(`"${rows.body.seq}-columns"`);
    expect(stamped.body.tasks.stamps).toHaveLength(3);
    expect(
      (
        await call("GET", `/boards/${id}/snapshot?stamps=false&tasks=columns`, undefined, {
          "if-none-match": `"${rows.body.seq}-lean"`,
        })
      ).status,
    ).toBe(200);

    expectError(await call("GET", `/boards/${id}/snapshot?tasks=tables`), 400, "invalid_request");
  });

  it("is found by the board's key as by its id, for its members only; other routes take ids only", async () => {
    const { id, key } = await newBoard();
    await createTask(id, "Named by key");
    const byId = await call("GET", `/boards/${id}/snapshot?stamps=false`);
    const byKey = await call("GET", `/boards/${key}/snapshot?stamps=false`);
    expect(byKey.status).toBe(200);
    expect(byKey.headers.get("etag")).toBe(byId.headers.get("etag"));
    expect(byKey.body).toEqual(byId.body);

    // A stranger learns nothing: their answer for a real key is the one for a key nobody has.
    const stranger = await signUp("Stranger");
    const theirs = await call("GET", `/boards/${key}/snapshot`, undefined, {}, stranger);
    const nobodys = await call("GET", "/boards/ZZNOBODY9/snapshot", undefined, {}, stranger);
    expectError(theirs, 404, "board_not_found");
    expect(theirs.body).toEqual(nobodys.body);
    expectError(await call("GET", `/boards/${key}/snapshot`, undefined, {}, null), 401, "not_signed_in");
    // Once a member, the key works for them too; removed, it stops at once.
    const added = await call("POST", `/boards/${id}/members`, { email: stranger.email, role: "viewer" });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect((await call("GET", `/boards/${key}/snapshot`, undefined, {}, stranger)).status).toBe(200);
    expect((await call("DELETE", `/boards/${id}/members/${stranger.id}`)).status).toBe(204);
    expectError(await call("GET", `/boards/${key}/snapshot`, undefined, {}, stranger), 404, "board_not_found");

    expectError(await call("GET", `/boards/${key}/events?after=0`), 404, "board_not_found");
  });
});

describe("events", () => {
  it("pages through the log with after/limit and nextAfter, null at the end", async () => {
    const { id } = await newBoard();
    for (const title of ["a", "b", "c", "d"]) await createTask(id, title);
    const everything = await allEvents(id);
    expect(everything.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(everything[0]).toEqual({
      seq: 1,
      opId: expect.any(String),
      actor: myId(),
      at: expect.any(String),
      type: "board.created",
      v: 1,
      payload: expect.objectContaining({ boardId: id }),
    });
    expect(everything.slice(1).map((e) => e.payload.task.title)).toEqual(["a", "b", "c", "d"]);

    const pages: Json[] = [];
    let after: number | null = 0;
    let requests = 0;
    while (after !== null) {
      const res = await call("GET", `/boards/${id}/events?after=${after}&limit=2`);
      expect(res.status).toBe(200);
      expect(res.body.seq).toBe(5);
      expect(res.body.events.length).toBeLessThanOrEqual(2);
      pages.push(...res.body.events);
      after = res.body.nextAfter;
      requests += 1;
      expect(requests).toBeLessThan(10);
    }
    expect(requests).toBe(3);
    expect(pages).toEqual(everything);

    const middle = await call("GET", `/boards/${id}/events?after=2&limit=2`);
    expect(middle.body.events.map((e: Json) => e.seq)).toEqual([3, 4]);
    expect(middle.body.nextAfter).toBe(4);
    const exact = await call("GET", `/boards/${id}/events?after=3&limit=2`);
    expect(exact.body.events.map((e: Json) => e.seq)).toEqual([4, 5]);
    expect(exact.body.nextAfter).toBeNull();
    const end = await call("GET", `/boards/${id}/events?after=5`);
    expect(end.body).toEqual({ events: [], nextAfter: null, seq: 5 });
    const beyond = await call("GET", `/boards/${id}/events?after=99`);
    expect(beyond.body).toEqual({ events: [], nextAfter: null, seq: 5 });
  });

  it("refuses bad paging parameters with 400", async () => {
    const { id } = await newBoard();
    for (const query of [
      "limit=1001",
      "limit=0",
      "limit=-5",
      "limit=ten",
      "limit=2.5",
      "after=-1",
      "after=abc",
      "after=1.5",
      "from=3",
    ]) {
      const res = await call("GET", `/boards/${id}/events?${query}`);
      const error = expectError(res, 400, "invalid_request");
      expect(error.message, query).toMatch(/^Invalid query: /);
    }
    expect((await call("GET", `/boards/${id}/events?limit=1000`)).status).toBe(200);
  });
});

describe("time travel", () => {
  it("returns the board as it was right after a given seq", async () => {
    const { id } = await newBoard({ name: "Before rename" });
    const draft = await createTask(id, "Draft title");
    const renamed = await call("PATCH", `/boards/${id}/tasks/${draft.key}`, { title: "Final title" });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    const moved = await call("POST", `/boards/${id}/tasks/${draft.key}/move`, { columnId: "done" });
    expect(moved.status).toBe(200);
    const later = await createTask(id, "Later task");
    expect((await call("PATCH", `/boards/${id}`, { name: "After rename" })).status).toBe(200);
    const current = await boardState(id);

    const at = async (seq: number) => {
      const res = await call("GET", `/boards/${id}/state?at=${seq}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.seq).toBe(seq);
      return res.body;
    };

    const empty = await at(1);
    expect(empty.board.name).toBe("Before rename");
    expect(empty.tasks).toEqual([]);
    expect(empty.columns).toEqual(current.columns);

    const created = await at(draft.seq);
    expect(created.tasks).toHaveLength(1);
    expect(created.tasks[0]).toMatchObject({
      key: draft.key,
      title: "Draft title",
      columnId: "todo",
      resolvedAt: null,
    });

    const retitled = await at(renamed.body.seq);
    expect(retitled.tasks[0]).toMatchObject({ title: "Final title", columnId: "todo", resolvedAt: null });

    const done = await at(moved.body.seq);
    expect(done.tasks.map((t: Json) => t.key)).toEqual([draft.key]);
    expect(done.tasks[0]).toMatchObject({ title: "Final title", columnId: "done", resolvedAt: expect.any(String) });
    expect(done.board.name).toBe("Before rename");

    const both = await at(later.seq);
    expect(both.tasks.map((t: Json) => t.title)).toEqual(["Final title", "Later task"]);

    // At the last seq, the replayed board is exactly the stored one.
    expect(await at(current.seq)).toEqual(current);
    expect(current.board.name).toBe("After rename");
  });

  it("refuses a seq beyond the log (422 seq_out_of_range) and one that is not a seq (400)", async () => {
    const { id } = await newBoard();
    await createTask(id, "Only");
    const beyond = await call("GET", `/boards/${id}/state?at=3`);
    const error = expectError(beyond, 422, "seq_out_of_range");
    expect(error.details).toEqual({ seq: 2 });
    expect(error.message).toContain("2");
    for (const query of ["at=0", "at=-1", "at=abc", "at=1.5", "", "at=1&extra=2"]) {
      expectError(await call("GET", `/boards/${id}/state?${query}`), 400, "invalid_request");
    }
  });
});

describe("POST /commands", () => {
  it("applies a client command and answers with its seq and event", async () => {
    const { id, key } = await newBoard();
    const res = await call("POST", `/boards/${id}/commands`, {
      opId: "op-create-0001",
      baseSeq: 1,
      command: { type: "createTask", task: { title: "From the queue", labels: ["offline"] } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      seq: 2,
      events: [
        {
          seq: 2,
          opId: "op-create-0001",
          actor: myId(),
          at: expect.any(String),
          type: "task.created",
          v: 2,
          payload: { task: expect.objectContaining({ key: `${key}-1`, title: "From the queue", labels: ["offline"] }) },
        },
      ],
    });
    const snapshot = await boardState(id);
    expect(snapshot.tasks.map((t: Json) => t.title)).toEqual(["From the queue"]);
    expect(snapshot.labels).toEqual(["offline"]);
  });

  it("is idempotent by opId: the same opId answers the same and appends once", async () => {
    const { id } = await newBoard();
    const envelope = {
      opId: "op-idempotent-1",
      baseSeq: 1,
      command: { type: "addColumn", name: "Review", category: "in_progress" },
    };
    const first = await call("POST", `/boards/${id}/commands`, envelope);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.events).toHaveLength(1);
    const again = await call("POST", `/boards/${id}/commands`, envelope);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    // A different command under a used opId is refused, not answered with the first result.
    const reused = await call("POST", `/boards/${id}/commands`, {
      ...envelope,
      command: { type: "addColumn", name: "QA", category: "in_progress" },
    });
    expectError(reused, 422, "op_id_reused");
    expect(await eventCount(id)).toBe(2);
    expect((await boardState(id)).columns.map((c: Json) => c.name)).toEqual(["To Do", "In Progress", "Done", "Review"]);
  });

  it("answers a command that changes nothing with no events", async () => {
    const { id, name } = await newBoard();
    const res = await call("POST", `/boards/${id}/commands`, {
      opId: "op-same-name-1",
      baseSeq: 1,
      command: { type: "renameBoard", name },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ seq: 1, events: [] });
    expect(await eventCount(id)).toBe(1);
  });

  it("does not accept createBoard, addMember or malformed envelopes (400), and changes nothing", async () => {
    const { id } = await newBoard();
    const before = await boardState(id);
    const bad: unknown[] = [
      {
        opId: "op-create-board",
        baseSeq: 1,
        command: { type: "createBoard", boardId: id, name: "Again", key: "AGAIN", mode: "kanban", ownerName: "Me" },
      },
      {
        opId: "op-add-member-1",
        baseSeq: 1,
        command: { type: "addMember", userId: "usr_intruder", name: "Intruder", role: "owner" },
      },
      { opId: "op-no-base-seq", command: { type: "renameBoard", name: "No base" } },
      { opId: "short", baseSeq: 1, command: { type: "renameBoard", name: "Short op" } },
      { opId: "op-negative-1", baseSeq: -1, command: { type: "renameBoard", name: "Negative" } },
      { opId: "op-unknown-type", baseSeq: 1, command: { type: "explode" } },
      { opId: "op-extra-field", baseSeq: 1, command: { type: "renameBoard", name: "X" }, actor: "usr_other" },
      { opId: "op-extra-cmd-f", baseSeq: 1, command: { type: "renameBoard", name: "X", key: "NEW" } },
    ];
    for (const body of bad) {
      expectError(await call("POST", `/boards/${id}/commands`, body), 400, "invalid_request");
    }
    expectError(await rawCall("POST", `/boards/${id}/commands`, '{"opId": "op-broken-json",'), 400, "malformed_json");
    expect(await boardState(id)).toEqual(before);
    expect(before.members.map((m: Json) => m.userId)).toEqual([myId()]);
  });

  it("answers a refused command with the board's error and appends nothing", async () => {
    const { id } = await newBoard();
    const before = await boardState(id);
    const missing = await call("POST", `/boards/${id}/commands`, {
      opId: "op-missing-task",
      baseSeq: 1,
      command: { type: "archiveTask", key: "NOPE-1" },
    });
    expectError(missing, 404, "task_not_found");
    const rule = await call("POST", `/boards/${id}/commands`, {
      opId: "op-dup-column-1",
      baseSeq: 1,
      command: { type: "addColumn", name: "Done", category: "done" },
    });
    expectError(rule, 422, "column_name_taken");
    expect(await boardState(id)).toEqual(before);
  });

  it("answers 409 with the current values when another person changed the field since baseSeq", async () => {
    const { id } = await newBoard();
    const task = await createTask(id, "Original");
    await addMember(id, "usr_other", "member", "Other");
    const theirs = await roomOf(id).command(
      { opId: "op-theirs-0001", command: { type: "updateTask", key: task.key, changes: { title: "Theirs" } } },
      { id: "usr_other", role: "member" },
    );
    expect(theirs.result.status).toBe("applied");
    const theirSeq = theirs.result.seq;
    const before = await boardState(id);

    const res = await call("POST", `/boards/${id}/commands`, {
      opId: "op-mine-000001",
      baseSeq: task.seq,
      command: { type: "updateTask", key: task.key, changes: { title: "Mine" } },
    });
    const error = expectError(res, 409, "conflict");
    expect(error.message).toContain("title");
    expect(error.details).toEqual({
      conflicts: [
        {
          field: "title",
          yours: "Mine",
          current: "Theirs",
          changedBy: "usr_other",
          changedAt: expect.any(String),
          seq: theirSeq,
        },
      ],
    });
    expect(await boardState(id)).toEqual(before);

    // The refused attempt is in the task's history, after the change it lost to.
    const history = await call("GET", `/boards/${id}/tasks/${task.key}/history`);
    expect(history.body.entries.at(-1)).toMatchObject({
      opId: "op-mine-000001",
      rejected: true,
      type: "updateTask",
      reason: { code: "conflict" },
    });

    // Retrying the same opId gives the same answer; a different field merges; a fresh base applies.
    expect(
      (
        await call("POST", `/boards/${id}/commands`, {
          opId: "op-mine-000001",
          baseSeq: 0,
          command: {
            type: "updateTask",
            key: task.key,
            changes: { title: "Mine" },
          },
        })
      ).status,
    ).toBe(409);
    const merged = await call("POST", `/boards/${id}/commands`, {
      opId: "op-merge-00001",
      baseSeq: task.seq,
      command: { type: "updateTask", key: task.key, changes: { priority: "high" } },
    });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    const confirmed = await call("POST", `/boards/${id}/commands`, {
      opId: "op-confirm-001",
      baseSeq: merged.body.seq,
      command: { type: "updateTask", key: task.key, changes: { title: "Mine" } },
    });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    const after = await boardState(id);
    expect(after.tasks[0]).toMatchObject({ title: "Mine", priority: "high" });
  });
});

describe("API description and errors", () => {
  it("serves a valid OpenAPI 3.1 document that lists the task routes", async () => {
    const res = await exports.default.fetch("http://lanes.test/api/v1/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const doc = (await res.json()) as Json;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toMatchObject({ title: "Lanes API", version: "1" });

    const operations = (path: string) => Object.keys(doc.paths[path] ?? {}).sort();
    expect(operations("/api/v1/boards/{boardId}/tasks")).toEqual(["get", "post"]);
    expect(operations("/api/v1/boards/{boardId}/tasks/{key}")).toEqual(["delete", "get", "patch"]);
    expect(operations("/api/v1/boards/{boardId}/tasks/{key}/move")).toEqual(["post"]);
    expect(operations("/api/v1/boards/{boardId}/tasks/{key}/history")).toEqual(["get"]);
    expect(operations("/api/v1/boards/{boardId}/tasks/{key}/archive")).toEqual(["post"]);
    expect(operations("/api/v1/boards/{boardId}/commands")).toEqual(["post"]);
    expect(operations("/api/v1/boards")).toEqual(["get", "post"]);
    // Every change documents the answers checked before any route runs: rights, size, rate.
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
      for (const [method, op] of Object.entries(item)) {
        if (!["post", "put", "patch", "delete"].includes(method)) continue;
        expect(Object.keys(op.responses), `${method} ${path}`).toEqual(expect.arrayContaining(["403", "429"]));
        if (op.requestBody) expect(Object.keys(op.responses), `${method} ${path}`).toContain("413");
      }
    }

    // Structurally valid: every operation has responses and a summary, path
    // parameters are declared, and every $ref points at a defined component.
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(item)) {
        expect(["get", "post", "put", "patch", "delete"], `${method} ${path}`).toContain(method);
        expect(Object.keys(op.responses ?? {}).length, `${method} ${path}`).toBeGreaterThan(0);
        expect(op.summary, `${method} ${path}`).toEqual(expect.any(String));
        const declared = (op.parameters ?? []).filter((p: Json) => p.in === "path").map((p: Json) => p.name);
        expect(declared.sort(), `${method} ${path}`).toEqual([...templated].sort());
      }
    }
    const refs = new Set<string>();
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(collect);
      else if (node && typeof node === "object") {
        for (const [k, v] of Object.entries(node)) {
          if (k === "$ref" && typeof v === "string") refs.add(v);
          else collect(v);
        }
      }
    };
    collect(doc);
    expect(refs.size).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas[ref.slice("#/components/schemas/".length)], ref).toBeDefined();
    }
    expect(doc.components.schemas).toHaveProperty("Task");
    expect(doc.components.schemas).toHaveProperty("CommandEnvelope");
  });

  it("serves the browsable reference at /api/docs", async () => {
    const res = await exports.default.fetch("http://lanes.test/api/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toContain("<html");
    expect(html).toContain("/api/v1/openapi.json");
  });

  it("answers an unknown route with 404 route_not_found as JSON", async () => {
    for (const [method, path] of [
      ["GET", "/nothing-here"],
      ["PUT", "/boards"],
      ["GET", "/boards/brd_x/nonsense"],
    ] as const) {
      const res = await call(method, path);
      expect(res.headers.get("content-type")).toContain("application/json");
      const error = expectError(res, 404, "route_not_found");
      expect(error.message).toContain(method);
    }
  });

  it("never sends a stack trace or internal error text", async () => {
    const { id } = await newBoard();
    // Reusing an Idempotency-Key for another request reaches the catch-all handler (a 500 when written).
    const first = await call("POST", `/boards/${id}/tasks`, { title: "Keyed" }, { "idempotency-key": "key-reused-1" });
    expect(first.status).toBe(201);
    const failures = [
      await call(
        "POST",
        `/boards/${id}/tasks/${first.body.task.key}/comments`,
        { body: "Same key, other request" },
        { "idempotency-key": "key-reused-1" },
      ),
      await rawCall("POST", "/boards", "{"),
      await call("POST", "/boards", { name: "X", key: "x" }),
      await call("GET", `/boards/${id}/events?limit=99999`),
      await call("GET", `/boards/${id}/state?at=999`),
      await call("PATCH", `/boards/${id}/tasks/NOPE-1`, { title: "x" }, { "if-match": "not a seq" }),
      await call("POST", `/boards/${id}/commands`, { opId: "op-bad-stack", baseSeq: 1, command: { type: "x" } }),
      await call("DELETE", `/boards/${id}/columns/nowhere`),
      await call("GET", "/boards/brd_nope"),
      await call("GET", "/no/such/route"),
      await rawCall("POST", `/boards/${id}/tasks`, "x".repeat(1024 * 1024 + 1)),
    ];
    for (const res of failures) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(Object.keys(res.body)).toEqual(["error"]);
      const text = JSON.stringify(res.body);
      expect(text).not.toMatch(/\bat .+:\d+:\d+/);
      expect(text).not.toMatch(/\.(ts|js):\d+/);
      expect(text).not.toMatch(/ZodError|SyntaxError|TypeError|SQLITE|D1_ERROR/);
    }
  });
});
