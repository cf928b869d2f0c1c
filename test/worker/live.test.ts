import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { HEARTBEAT_DEADLINE_MS, type SessionData } from "../../src/board/liveSessions";
import { BASE, call, type Json, me, newBoard, ORIGIN, type Person, roomOf, signUp } from "./helpers";

// The board's live connection, end to end through the Worker: sign-in, access,
// catch-up, commands answered by ack or reject, and every event broadcast in order.

interface Live {
  socket: WebSocket;
  received: Json[];
  next(type?: string): Promise<Json>;
  send(message: unknown): void;
}

async function connect(boardId: string, as?: Person, headers: Record<string, string> = {}): Promise<Live> {
  const person = as ?? (await me());
  const res = await exports.default.fetch(`${BASE}/boards/${boardId}/ws`, {
    headers: { upgrade: "websocket", origin: ORIGIN, cookie: person.cookie, ...headers },
  });
  expect(res.status).toBe(101);
  const socket = res.webSocket as WebSocket;
  socket.accept();
  const received: Json[] = [];
  const waiting: { type?: string; resolve: (m: Json) => void }[] = [];
  let read = 0;
  const pump = () => {
    while (waiting.length > 0) {
      const wanted = waiting[0] as { type?: string; resolve: (m: Json) => void };
      const index = received.findIndex((m, i) => i >= read && (wanted.type === undefined || m.type === wanted.type));
      if (index < 0) return;
      read = index + 1;
      waiting.shift();
      wanted.resolve(received[index]);
    }
  };
  socket.addEventListener("message", (e) => {
    received.push(JSON.parse(e.data as string));
    pump();
  });
  return {
    socket,
    received,
    next: (type) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${type ?? "message"} within 2 s`)), 2000);
        waiting.push({
          type,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
        pump();
      }),
    send: (message) => socket.send(typeof message === "string" ? message : JSON.stringify(message)),
  };
}

/** Waits until `live` hears that `userId` arrived, and returns their entry. */
async function arrivalOf(live: Live, userId: string): Promise<Json> {
  for (;;) {
    const change = await live.next("presenceChanged");
    const entry = change.people.find((s: Json) => s.userId === userId);
    if (entry) return entry;
  }
}

describe("the live connection", () => {
  it("welcomes a member with a snapshot, then streams events to every session after the sender's ack", async () => {
    const { id } = await newBoard();
    const bob = await signUp("Bob");
    await call("POST", `/boards/${id}/members`, { email: bob.email, role: "member" });
    const mine = await connect(id);
    mine.send({ type: "hello", protocol: 2, since: 0 });
    expect(await mine.next("welcome")).toMatchObject({ role: "owner" });
    const snapshot = await mine.next("snapshot");
    const theirs = await connect(id, bob);
    theirs.send({ type: "hello", protocol: 2, since: snapshot.seq });
    expect(await theirs.next("welcome")).toMatchObject({ role: "member" });
    expect(await theirs.next("events")).toEqual({ type: "events", events: [] });

    mine.send({
      type: "cmd",
      opId: "op-live-00001",
      baseSeq: snapshot.seq,
      command: { type: "createTask", task: { title: "Live one" } },
    });
    const ack = await mine.next("ack");
    expect(ack).toEqual({ type: "ack", opId: "op-live-00001", seq: snapshot.seq + 1 });
    const event = await mine.next("event");
    expect(event.event).toMatchObject({ seq: ack.seq, type: "task.created", opId: "op-live-00001" });
    expect(mine.received.findIndex((m) => m.type === "ack")).toBeLessThan(
      mine.received.findIndex((m) => m.type === "event"),
    );
    expect((await theirs.next("event")).event).toEqual(event.event);

    // A REST change reaches the sockets too.
    await call("POST", `/boards/${id}/tasks`, { title: "From REST" });
    expect((await theirs.next("event")).event.payload.task.title).toBe("From REST");
  });

  it("rejects a viewer's command, malformed messages and other protocol versions, changing nothing", async () => {
    const { id } = await newBoard();
    const carol = await signUp("Carol");
    await call("POST", `/boards/${id}/members`, { email: carol.email, role: "viewer" });
    const before = (await call("GET", `/boards/${id}/snapshot`)).body.seq;
    const live = await connect(id, carol);
    live.send({ type: "hello", protocol: 2, since: before });
    await live.next("welcome");
    live.send({
      type: "cmd",
      opId: "op-viewer-01",
      baseSeq: before,
      command: { type: "createTask", task: { title: "x" } },
    });
    expect(await live.next("reject")).toMatchObject({ opId: "op-viewer-01", code: "read_only" });
    live.send("{not json");
    expect(await live.next("error")).toMatchObject({ code: "malformed_json" });
    live.send({ type: "dance" });
    expect(await live.next("error")).toMatchObject({ code: "invalid_message" });
    live.send(
      JSON.stringify({
        type: "cmd",
        opId: "op-big-000001",
        baseSeq: 0,
        command: { type: "createTask", task: { title: "x", description: "y".repeat(70 * 1024) } },
      }),
    );
    expect(await live.next("error")).toMatchObject({ code: "message_too_large" });
    live.send({ type: "hello", protocol: 99, since: 0 });
    expect(await live.next("error")).toMatchObject({ code: "protocol_mismatch" });
    expect((await call("GET", `/boards/${id}/snapshot`)).body.seq).toBe(before);
  });

  it("refuses a socket without a session, from a foreign origin, or for a board you are not on", async () => {
    const { id, key } = await newBoard();
    const stranger = await signUp("Stranger");
    const anonymous = await exports.default.fetch(`${BASE}/boards/${id}/ws`, {
      headers: { upgrade: "websocket", origin: ORIGIN },
    });
    expect(anonymous.status).toBe(401);
    const foreign = await exports.default.fetch(`${BASE}/boards/${id}/ws`, {
      headers: { upgrade: "websocket", origin: "https://evil.example", cookie: (await me()).cookie },
    });
    expect(foreign.status).toBe(403);
    const notMine = await exports.default.fetch(`${BASE}/boards/${id}/ws`, {
      headers: { upgrade: "websocket", origin: ORIGIN, cookie: stranger.cookie },
    });
    expect(notMine.status).toBe(404);
    const notMineByKey = await exports.default.fetch(`${BASE}/boards/${key}/ws`, {
      headers: { upgrade: "websocket", origin: ORIGIN, cookie: stranger.cookie },
    });
    expect(notMineByKey.status).toBe(404);
  });

  it("opens by the board's key as by its id", async () => {
    const { id, key } = await newBoard();
    await call("POST", `/boards/${id}/tasks`, { title: "Seen through the key" });
    const live = await connect(key);
    live.send({ type: "hello", protocol: 2, since: 0 });
    const { snapshot } = await live.next("snapshot");
    expect(snapshot.board.id).toBe(id);
    expect(snapshot.tasks.map((t: Json) => t.title)).toEqual(["Seen through the key"]);
    await call("POST", `/boards/${id}/tasks`, { title: "Then live" });
    expect((await live.next("event")).event.payload.task.title).toBe("Then live");
  });

  it("keeps its sessions across the board's restart: they still receive events with their identity", async () => {
    const { id } = await newBoard();
    const live = await connect(id);
    live.send({ type: "hello", protocol: 2, since: 0 });
    await live.next("snapshot");
    await evictDurableObject(roomOf(id));
    await call("POST", `/boards/${id}/tasks`, { title: "After the restart" });
    expect((await live.next("event")).event.payload.task.title).toBe("After the restart");
    live.send({ type: "presence", taskKey: null, activity: "viewing" });
    const presence = await live.next("presenceChanged");
    expect(presence.people).toEqual([expect.objectContaining({ userId: (await me()).id, activity: "viewing" })]);
  });

  it("keeps the board directory in step with a rename sent over the live connection", async () => {
    const { id } = await newBoard();
    const live = await connect(id);
    live.send({ type: "hello", protocol: 2, since: 0 });
    const { seq } = await live.next("snapshot");
    live.send({
      type: "cmd",
      opId: "op-rename-live",
      baseSeq: seq,
      command: { type: "renameBoard", name: "Renamed live" },
    });
    await live.next("ack");
    await runDurableObjectAlarm(roomOf(id));
    expect((await call("GET", `/boards/${id}`)).body.board.name).toBe("Renamed live");
  });

  it("closes a removed member's socket", async () => {
    const { id } = await newBoard();
    const bob = await signUp("Bob");
    await call("POST", `/boards/${id}/members`, { email: bob.email, role: "member" });
    const live = await connect(id, bob);
    live.send({ type: "hello", protocol: 2, since: 0 });
    await live.next("snapshot");
    const closed = new Promise<number>((resolve) => live.socket.addEventListener("close", (e) => resolve(e.code)));
    await call("DELETE", `/boards/${id}/members/${bob.id}`);
    expect(await closed).toBe(4003);
  });

  it("tells everyone on the board when someone arrives", async () => {
    const { id } = await newBoard();
    const bob = await signUp("Bob");
    await call("POST", `/boards/${id}/members`, { email: bob.email, role: "member" });
    const mine = await connect(id);
    mine.send({ type: "hello", protocol: 2, since: 0 });
    expect((await mine.next("presence")).people).toEqual([expect.objectContaining({ userId: (await me()).id })]);
    const theirs = await connect(id, bob);
    theirs.send({ type: "hello", protocol: 2, since: 0 });
    // The newcomer hears everyone at once; the others hear of the newcomer.
    const both = [(await me()).id, bob.id].sort();
    expect((await theirs.next("presence")).people.map((s: Json) => s.userId).sort()).toEqual(both);
    expect(await arrivalOf(mine, bob.id)).toMatchObject({ userId: bob.id, name: "Bob", activity: null });
  });

  it("takes a session that went silent off the board: closed, and everyone hears it left", async () => {
    const { id } = await newBoard();
    const bob = await signUp("Bob");
    await call("POST", `/boards/${id}/members`, { email: bob.email, role: "member" });
    const mine = await connect(id);
    mine.send({ type: "hello", protocol: 2, since: 0 });
    await mine.next("presence");
    const theirs = await connect(id, bob);
    theirs.send({ type: "hello", protocol: 2, since: 0 });
    await arrivalOf(mine, bob.id);
    const closed = new Promise<number>((resolve) => theirs.socket.addEventListener("close", (e) => resolve(e.code)));
    // Bob's laptop lid closes: no message and no keep-alive ping for longer than the deadline.
    await runInDurableObject(roomOf(id), (_room, state) => {
      for (const ws of state.getWebSockets()) {
        const session = ws.deserializeAttachment() as SessionData;
        if (session.userId === bob.id)
          ws.serializeAttachment({ ...session, seenAt: Date.now() - HEARTBEAT_DEADLINE_MS - 1 });
      }
    });
    expect(await runDurableObjectAlarm(roomOf(id))).toBe(true);
    expect(await closed).toBe(4008);
    for (;;) {
      const change = await mine.next("presenceChanged");
      if (change.left.includes(bob.id)) break;
    }
    // Someone who keeps talking stays.
    mine.send({ type: "presence", taskKey: null, activity: "viewing" });
    expect((await mine.next("presenceChanged")).people).toEqual([expect.objectContaining({ activity: "viewing" })]);
  });

  it("answers a resent opId with its first ack and does not broadcast its old event again", async () => {
    const { id } = await newBoard();
    const sender = await connect(id);
    sender.send({ type: "hello", protocol: 2, since: 0 });
    const { seq } = await sender.next("snapshot");
    const watcher = await connect(id);
    watcher.send({ type: "hello", protocol: 2, since: seq });
    await watcher.next("events");
    const cmd = {
      type: "cmd",
      opId: "op-resent-0001",
      baseSeq: seq,
      command: { type: "createTask", task: { title: "Once" } },
    };
    sender.send(cmd);
    expect(await sender.next("ack")).toEqual({ type: "ack", opId: "op-resent-0001", seq: seq + 1 });
    expect((await watcher.next("event")).event.seq).toBe(seq + 1);

    // The sender lost the ack (say, a reload) and sends the command again on a new socket.
    const again = await connect(id);
    again.send({ type: "hello", protocol: 2, since: 0 });
    await again.next("snapshot");
    again.send(cmd);
    expect(await again.next("ack")).toEqual({ type: "ack", opId: "op-resent-0001", seq: seq + 1 });
    await call("POST", `/boards/${id}/tasks`, { title: "Next" });
    // The next thing everyone hears is the next event, not the old one again.
    expect((await watcher.next("event")).event.seq).toBe(seq + 2);
    expect((await again.next("event")).event.seq).toBe(seq + 2);
  });

  it("a hello from the future gets a snapshot; a command based on a seq the board never had is refused", async () => {
    const { id } = await newBoard();
    const live = await connect(id);
    const { seq } = (await call("GET", `/boards/${id}/snapshot`)).body;
    // A client whose stored board belongs to an older copy of this one (say, restored from backup).
    live.send({ type: "hello", protocol: 2, since: seq + 1000 });
    expect(await live.next("snapshot")).toMatchObject({ seq });
    live.send({
      type: "cmd",
      opId: "op-future-0001",
      baseSeq: seq + 5,
      command: { type: "createTask", task: { title: "From the future" } },
    });
    expect(await live.next("reject")).toMatchObject({ opId: "op-future-0001", code: "base_seq_ahead" });
    expect((await call("GET", `/boards/${id}/snapshot`)).body.seq).toBe(seq);
  });
});
