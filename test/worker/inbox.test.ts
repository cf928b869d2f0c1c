import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BASE, call, expectError, type Json, me, newBoard, ORIGIN, type Person, roomOf, signUp } from "./helpers";
import { eventually } from "./webhookHelpers";

// Notifications end to end: boards feed each person's Inbox through their
// subscriber, the REST list shows them unread first, and the inbox socket pushes
// them live and catches a reconnecting client up on what it missed.

interface Team {
  boardId: string;
  key: string;
  owner: Person;
  ana: Person;
  ben: Person;
}

async function team(): Promise<Team> {
  const owner = await me();
  const { id, key } = await newBoard();
  const ana = await signUp("Ana");
  const ben = await signUp("Ben");
  for (const person of [ana, ben]) {
    const added = await call("POST", `/boards/${id}/members`, { email: person.email, role: "member" });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
  }
  return { boardId: id, key, owner, ana, ben };
}

async function inbox(as: Person, query = ""): Promise<Json> {
  const res = await call("GET", `/inbox${query}`, undefined, {}, as);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** Runs the board's delivery until `as` has `count` notifications from it. */
async function notified(boardId: string, as: Person, count: number): Promise<Json[]> {
  return eventually(
    async () => {
      const mine = (await inbox(as, "?limit=100")).notifications.filter((n: Json) => n.boardId === boardId);
      return mine.length >= count ? mine : undefined;
    },
    { boardId, what: `${count} notifications` },
  );
}

interface Socket {
  socket: WebSocket;
  next(): Promise<Json>;
}

async function connect(as: Person): Promise<Socket> {
  const res = await exports.default.fetch(`${BASE}/inbox/ws`, {
    headers: { upgrade: "websocket", origin: ORIGIN, cookie: as.cookie },
  });
  expect(res.status).toBe(101);
  const socket = res.webSocket as WebSocket;
  socket.accept();
  const queue: Json[] = [];
  const waiting: ((m: Json) => void)[] = [];
  socket.addEventListener("message", (e) => {
    const text = e.data as string;
    const message = text === "pong" ? text : JSON.parse(text);
    const wake = waiting.shift();
    if (wake) wake(message);
    else queue.push(message);
  });
  return {
    socket,
    next: () =>
      new Promise((resolve, reject) => {
        const early = queue.shift();
        if (early) return resolve(early);
        const timer = setTimeout(() => reject(new Error("no inbox message within 5 s")), 5000);
        waiting.push((m) => {
          clearTimeout(timer);
          resolve(m);
        });
      }),
  };
}

describe("notifications", () => {
  it("reach the assignee and the people mentioned, never the actor", async () => {
    const t = await team();
    const created = await call("POST", `/boards/${t.boardId}/tasks`, {
      title: "Fix the login form",
      assigneeId: t.ana.id,
      description: "@Ben please review",
    });
    expect(created.status).toBe(201);
    const [toAna] = await notified(t.boardId, t.ana, 1);
    expect(toAna).toMatchObject({
      kind: "assigned",
      taskKey: `${t.key}-1`,
      title: "Fix the login form",
      actorId: t.owner.id,
      actorName: "Owner",
      boardName: expect.stringContaining(t.key),
      readAt: null,
    });
    expect(toAna.text).toBe(`Owner assigned ${t.key}-1 “Fix the login form” to you`);
    const [toBen] = await notified(t.boardId, t.ben, 1);
    expect(toBen).toMatchObject({ kind: "mentioned", taskKey: `${t.key}-1` });
    // Ana comments: the owner (reporter, watcher) hears of it; Ana does not.
    const comment = await call("POST", `/boards/${t.boardId}/tasks/${t.key}-1/comments`, { body: "On it" }, {}, t.ana);
    expect(comment.status).toBe(201);
    const [toOwner] = await notified(t.boardId, t.owner, 1);
    expect(toOwner).toMatchObject({ kind: "commented", actorId: t.ana.id });
    await runDurableObjectAlarm(roomOf(t.boardId));
    expect((await inbox(t.ana)).notifications.filter((n: Json) => n.boardId === t.boardId)).toHaveLength(1);
    expect((await inbox(t.owner)).notifications.filter((n: Json) => n.boardId === t.boardId)).toHaveLength(1);
  });

  it("are listed unread first, page on, and are marked read one by one or all at once", async () => {
    const t = await team();
    for (let i = 1; i <= 5; i++) {
      const res = await call("POST", `/boards/${t.boardId}/tasks`, { title: `Task ${i}`, assigneeId: t.ana.id });
      expect(res.status).toBe(201);
    }
    const all = await notified(t.boardId, t.ana, 5);
    expect(all.map((n) => n.title)).toEqual(["Task 5", "Task 4", "Task 3", "Task 2", "Task 1"]);
    const oldest = all[4];
    expect((await call("POST", `/inbox/${oldest.id}/read`, undefined, {}, t.ana)).status).toBe(204);
    const first = await inbox(t.ana, "?limit=3");
    expect(first.unread).toBe(4);
    expect(first.notifications.map((n: Json) => n.title)).toEqual(["Task 5", "Task 4", "Task 3"]);
    const second = await inbox(t.ana, `?limit=3&cursor=${first.nextCursor}`);
    expect(second.notifications.map((n: Json) => [n.title, n.readAt === null])).toEqual([
      ["Task 2", true],
      ["Task 1", false],
    ]);
    expect(second.nextCursor).toBeNull();
    const marked = await call("POST", "/inbox/read-all", undefined, {}, t.ana);
    expect(marked.body).toEqual({ marked: 4 });
    expect((await inbox(t.ana)).unread).toBe(0);
  });

  it("leaves out the kinds a person muted", async () => {
    const t = await team();
    const muted = await call("PUT", "/inbox/preferences", { muted: ["assigned"] }, {}, t.ben);
    expect(muted.body).toEqual({ muted: ["assigned"] });
    await call("POST", `/boards/${t.boardId}/tasks`, { title: "Quiet", assigneeId: t.ben.id });
    await call("POST", `/boards/${t.boardId}/tasks`, { title: "Loud", description: "@Ben look", assigneeId: t.ana.id });
    const [only] = await notified(t.boardId, t.ben, 1);
    expect(only).toMatchObject({ kind: "mentioned", title: "Loud" });
    expect((await notified(t.boardId, t.ana, 1))[0]).toMatchObject({ kind: "assigned", title: "Loud" });
    expect((await inbox(t.ben)).notifications.filter((n: Json) => n.boardId === t.boardId)).toHaveLength(1);
    expect((await call("GET", "/inbox/preferences", undefined, {}, t.ben)).body).toEqual({ muted: ["assigned"] });
  });

  it("are pushed live, and a reconnecting socket gets what it missed, even after the inbox slept", async () => {
    const t = await team();
    const live = await connect(t.ana);
    live.socket.send(JSON.stringify({ type: "hello", protocol: 1, since: 0 }));
    expect(await live.next()).toEqual({ type: "notifications", notifications: [], unread: 0 });
    await call("POST", `/boards/${t.boardId}/tasks`, { title: "Live one", assigneeId: t.ana.id });
    await runDurableObjectAlarm(roomOf(t.boardId));
    const pushed = await live.next();
    expect(pushed).toMatchObject({ type: "notifications", unread: 1, notifications: [{ title: "Live one" }] });
    live.socket.close(1000, "going offline");

    // Two more while Ana is away; her inbox object is even evicted meanwhile.
    await call("POST", `/boards/${t.boardId}/tasks`, { title: "Missed one", assigneeId: t.ana.id });
    await call("POST", `/boards/${t.boardId}/tasks`, { title: "Missed two", assigneeId: t.ana.id });
    await notified(t.boardId, t.ana, 3);
    await evictDurableObject(env.INBOX.get(env.INBOX.idFromName(t.ana.id)));

    const back = await connect(t.ana);
    back.socket.send(JSON.stringify({ type: "hello", protocol: 1, since: pushed.notifications[0].id }));
    const caughtUp = await back.next();
    expect(caughtUp.unread).toBe(3);
    expect(caughtUp.notifications.map((n: Json) => n.title)).toEqual(["Missed one", "Missed two"]);
    // Read on another device: the count follows.
    await call("POST", "/inbox/read-all", undefined, {}, t.ana);
    expect(await back.next()).toEqual({ type: "unread", unread: 0 });
    back.socket.close(1000, "done");
  });
});

describe("refused requests change nothing", () => {
  it("keeps its sockets through hibernation: a notification after the inbox was evicted still arrives", async () => {
    const t = await team();
    const live = await connect(t.ana);
    live.socket.send(JSON.stringify({ type: "hello", protocol: 1, since: 0 }));
    expect((await live.next()).type).toBe("notifications");
    await evictDurableObject(env.INBOX.get(env.INBOX.idFromName(t.ana.id)));
    await call("POST", `/boards/${t.boardId}/tasks`, { title: "After a nap", assigneeId: t.ana.id });
    await runDurableObjectAlarm(roomOf(t.boardId));
    expect(await live.next()).toMatchObject({ type: "notifications", notifications: [{ title: "After a nap" }] });
    live.socket.send("ping");
    expect(await live.next()).toBe("pong");
    live.socket.close(1000, "done");
  });

  it("answers a malformed socket message with an error and carries on", async () => {
    const person = await signUp("Solo");
    const live = await connect(person);
    live.socket.send("not json");
    expect(await live.next()).toMatchObject({ type: "error", code: "malformed_message" });
    live.socket.send(JSON.stringify({ type: "hello", since: -1 }));
    expect(await live.next()).toMatchObject({ type: "error", code: "invalid_message" });
    live.socket.send(JSON.stringify({ type: "hello", protocol: 99, since: 0 }));
    expect(await live.next()).toMatchObject({ type: "error", code: "protocol_mismatch" });
    live.socket.send(JSON.stringify({ type: "hello", protocol: 1, since: 0 }));
    expect(await live.next()).toEqual({ type: "notifications", notifications: [], unread: 0 });
    live.socket.close(1000, "done");
  });

  it("refuses a plain request or a foreign page on the socket, unknown ids, kinds and cursors", async () => {
    const t = await team();
    await call("POST", `/boards/${t.boardId}/tasks`, { title: "Keep me unread", assigneeId: t.ana.id });
    await notified(t.boardId, t.ana, 1);
    expectError(await call("GET", "/inbox/ws", undefined, {}, t.ana), 426, "websocket_required");
    const foreign = await exports.default.fetch(`${BASE}/inbox/ws`, {
      headers: { upgrade: "websocket", origin: "https://evil.example", cookie: t.ana.cookie },
    });
    expect(foreign.status).toBe(403);
    expectError(await call("GET", "/inbox/ws", undefined, { upgrade: "websocket" }, null), 401, "not_signed_in");
    const before = await inbox(t.ana);
    expectError(await call("POST", "/inbox/999999/read", undefined, {}, t.ana), 404, "notification_not_found");
    // Someone else's notification is not yours to read.
    expectError(
      await call("POST", `/inbox/${before.notifications[0].id}/read`, undefined, {}, t.ben),
      404,
      "notification_not_found",
    );
    expectError(await call("POST", "/inbox/abc/read", undefined, {}, t.ana), 400, "invalid_request");
    expectError(await call("PUT", "/inbox/preferences", { muted: ["everything"] }, {}, t.ana), 400, "invalid_request");
    expectError(await call("PUT", "/inbox/preferences", { muted: [], extra: 1 }, {}, t.ana), 400, "invalid_request");
    expectError(await call("GET", "/inbox?cursor=zz", undefined, {}, t.ana), 400, "invalid_request");
    expectError(await call("GET", "/inbox?limit=0", undefined, {}, t.ana), 400, "invalid_request");
    expect(await inbox(t.ana)).toEqual(before);
    expect((await call("GET", "/inbox/preferences", undefined, {}, t.ana)).body).toEqual({ muted: [] });
  });
});
