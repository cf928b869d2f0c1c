import { describe, expect, it } from "vitest";
import { reconnectDelay } from "../../client/src/sync/backoff";
import { memoryPendingStore, type PendingStore } from "../../client/src/sync/pendingStore";
import { type Settlement, SyncEngine, type SyncEngineOptions } from "../../client/src/sync/SyncEngine";
import type { BoardState } from "../../src/domain/model";
import { MAX_CATCH_UP_EVENTS } from "../../src/domain/protocol";
import { snapshotOf } from "../../src/domain/views";
import { OWNER } from "./boardArbitraries";
import { type FakeLiveBoard, fakeLiveBoard, type ManualClock, manualClock, OTHER } from "./fakeLiveBoard";

// The client half of the sync protocol against the real session logic of
// src/board/liveSessions.ts, over sockets the test drives by hand: every
// interleaving below is chosen, not hoped for.

let ops = 0;

function client(board: FakeLiveBoard, options: Partial<SyncEngineOptions> = {}) {
  const clock = manualClock();
  const settled: Settlement[] = [];
  const engine = new SyncEngine({
    transport: board.transport(OWNER),
    clock,
    random: () => 0.5,
    newOpId: () => `op-client-${String(++ops).padStart(4, "0")}`,
    actor: { userId: OWNER, role: "owner" },
    onSettled: (s) => settled.push(s),
    ...options,
  });
  return { engine, clock, settled };
}

async function online(board: FakeLiveBoard, engine: SyncEngine): Promise<void> {
  await engine.start();
  board.settle();
  expect(engine.status).toBe("online");
}

/** Titles of the tasks, by key. */
function titles(state: BoardState | null): Record<string, string> {
  return Object.fromEntries(Object.values(state?.tasks ?? {}).map((t) => [t.key, t.title]));
}

/** The parts of the board a snapshot shows (comments are not in it). */
function shown(state: BoardState | null) {
  if (state === null) throw new Error("no state");
  return snapshotOf(state);
}

function cmdOpIds(board: FakeLiveBoard): string[] {
  return board.sockets.flatMap((s) => s.sent.flatMap((m) => (m.type === "cmd" ? [m.opId] : [])));
}

function logOpIds(board: FakeLiveBoard): string[] {
  return board.store.events.map((e) => e.opId);
}

/** Lets the reconnect timer fire and the new connection catch up. */
function reconnect(board: FakeLiveBoard, clock: ManualClock): void {
  clock.advance(60_000);
  board.settle();
}

/**
 * Before a reload: this person created a task and queued a move of it; the board
 * acked the creation, but its event was still on the wire when the page went. The
 * answer is the store the queue was saved in.
 */
async function creationAckedEventLost(board: FakeLiveBoard) {
  const store = memoryPendingStore();
  const before = client(board, { pendingStore: store });
  await online(board, before.engine);
  const socket = board.last();
  before.engine.submit({ type: "createTask", task: { title: "Mine" } });
  before.engine.submit({ type: "moveTask", key: "WEB-1", columnId: "done" });
  board.foreign({ type: "createTask", task: { title: "Theirs" } });
  board.serverReads(socket);
  board.deliver(socket, 2); // Ana's event, then the ack; the creation's own event is still on the wire
  expect(before.engine.pending[0]?.ackedAt).toBe(board.store.state.seq);
  await before.engine.flushed();
  before.engine.stop();
  return store;
}

/** After that reload: the move reached the task the board made, not the one that took its provisional key. */
function expectMineMoved(board: FakeLiveBoard, engine: SyncEngine): void {
  expect(engine.failures).toEqual([]);
  expect(board.store.state.tasks["WEB-2"]).toMatchObject({ title: "Mine", columnId: "done" });
  expect(board.store.state.tasks["WEB-1"]).toMatchObject({ title: "Theirs", columnId: "todo" });
  expect(shown(engine.state)).toEqual(shown(board.store.state));
}

describe("the sync engine", () => {
  it("shows a command at once, sends it on the confirmed seq, and shows it until its event has arrived", async () => {
    const board = fakeLiveBoard();
    const { engine, settled } = client(board);
    await online(board, engine);
    const seq = board.store.state.seq;
    expect(engine.confirmed?.seq).toBe(seq);
    let changes = 0;
    engine.subscribe(() => changes++);

    const opId = engine.submit({ type: "createTask", task: { title: "  Write the sync engine " } });
    expect(titles(engine.state)).toEqual({ "WEB-1": "Write the sync engine" });
    expect(titles(engine.confirmed)).toEqual({});
    expect(engine.state?.seq).toBe(seq);
    expect(changes).toBeGreaterThan(0);
    const socket = board.last();
    expect(socket.sent.at(-1)).toEqual({
      type: "cmd",
      opId,
      baseSeq: seq,
      command: { type: "createTask", task: { title: "Write the sync engine" } },
    });

    board.serverReads(socket);
    expect(board.deliver(socket, 1)).toEqual([{ type: "ack", opId, seq: seq + 1 }]);
    // Acked, but the event is still on its way: the card must not blink out.
    expect(titles(engine.state)).toEqual({ "WEB-1": "Write the sync engine" });
    expect(engine.pending).toHaveLength(1);
    board.deliver(socket);
    expect(engine.pending).toEqual([]);
    expect(shown(engine.confirmed)).toEqual(shown(board.store.state));
    expect(shown(engine.state)).toEqual(shown(board.store.state));
    expect(settled).toEqual([expect.objectContaining({ opId, outcome: "acked", seq: seq + 1 })]);
  });

  it("keeps one command in flight and bases the next on the previous one's event", async () => {
    const board = fakeLiveBoard();
    board.foreign({ type: "createTask", task: { title: "Card" } });
    const { engine } = client(board);
    await online(board, engine);
    const socket = board.last();
    const first = engine.submit({ type: "updateTask", key: "WEB-1", changes: { title: "One" } });
    const second = engine.submit({ type: "updateTask", key: "WEB-1", changes: { title: "Two" } });
    expect(titles(engine.state)).toEqual({ "WEB-1": "Two" });
    expect(cmdOpIds(board)).toEqual([first]);

    board.serverReads(socket);
    board.deliver(socket, 1); // the ack alone
    expect(cmdOpIds(board)).toEqual([first]);
    board.deliver(socket); // its event
    expect(cmdOpIds(board)).toEqual([first, second]);
    const sent = socket.sent.at(-1);
    // Based on the first one's seq: its own earlier edit of the title is no conflict.
    expect(sent).toMatchObject({ type: "cmd", opId: second, baseSeq: board.store.state.seq });
    board.settle();
    expect(engine.conflicts).toEqual([]);
    expect(titles(board.store.state)).toEqual({ "WEB-1": "Two" });
    expect(shown(engine.confirmed)).toEqual(shown(board.store.state));
  });

  it("rebases pending commands over a foreign event, and both changes apply", async () => {
    const board = fakeLiveBoard();
    board.foreign({ type: "createTask", task: { title: "Card" } });
    const { engine } = client(board);
    await online(board, engine);
    const socket = board.last();

    engine.submit({ type: "updateTask", key: "WEB-1", changes: { priority: "highest" } });
    board.foreign({ type: "moveTask", key: "WEB-1", columnId: "done" });
    board.foreign({ type: "updateTask", key: "WEB-1", changes: { title: "Renamed by Ana" } });
    board.deliver(socket);
    // The foreign changes slid in under the pending one.
    expect(engine.confirmed?.tasks["WEB-1"]).toMatchObject({ columnId: "done", priority: "medium" });
    expect(engine.state?.tasks["WEB-1"]).toMatchObject({
      columnId: "done",
      title: "Renamed by Ana",
      priority: "highest",
    });

    board.settle();
    expect(engine.pending).toEqual([]);
    expect(board.store.state.tasks["WEB-1"]).toMatchObject({
      columnId: "done",
      title: "Renamed by Ana",
      priority: "highest",
    });
    expect(shown(engine.state)).toEqual(shown(board.store.state));
  });

  it("resyncs from its confirmed seq when an event goes missing", async () => {
    const board = fakeLiveBoard();
    const { engine, clock } = client(board);
    await online(board, engine);
    const seq = board.store.state.seq;
    const first = board.last();
    board.foreign({ type: "createTask", task: { title: "Lost on the way" } });
    board.foreign({ type: "createTask", task: { title: "Arrives" } });
    first.toClient.shift();
    board.deliver(first);
    expect(engine.confirmed?.seq).toBe(seq);
    expect(engine.status).toBe("offline");
    expect(first.closed).toBe(true);

    reconnect(board, clock);
    const second = board.last();
    expect(second).not.toBe(first);
    expect(second.sent[0]).toEqual({ type: "hello", protocol: 2, since: seq });
    expect(engine.status).toBe("online");
    expect(titles(engine.confirmed)).toEqual({ "WEB-1": "Lost on the way", "WEB-2": "Arrives" });
    expect(shown(engine.confirmed)).toEqual(shown(board.store.state));
  });

  it("surfaces a same-field conflict, and re-applies it under a new opId on the current seq", async () => {
    const board = fakeLiveBoard();
    board.foreign({ type: "createTask", task: { title: "Card" } });
    const { engine, settled } = client(board);
    await online(board, engine);
    const socket = board.last();
    const base = board.store.state.seq;

    const opId = engine.submit({ type: "updateTask", key: "WEB-1", changes: { title: "Mine" } });
    board.foreign({ type: "updateTask", key: "WEB-1", changes: { title: "Hers" } });
    board.settle();
    expect(engine.pending).toEqual([]);
    expect(titles(engine.state)).toEqual({ "WEB-1": "Hers" });
    expect(engine.conflicts).toHaveLength(1);
    const [conflict] = engine.conflicts;
    expect(conflict).toMatchObject({
      opId,
      command: { type: "updateTask", key: "WEB-1", changes: { title: "Mine" } },
      conflicts: [{ field: "title", yours: "Mine", current: "Hers", changedBy: OTHER, seq: base + 1 }],
    });
    expect(settled.at(-1)).toMatchObject({ opId, outcome: "conflict" });

    const again = conflict?.reapply();
    expect(again).toEqual(expect.any(String));
    expect(again).not.toBe(opId);
    expect(engine.conflicts).toEqual([]);
    expect(titles(engine.state)).toEqual({ "WEB-1": "Mine" });
    expect(socket.sent.at(-1)).toMatchObject({ type: "cmd", opId: again, baseSeq: base + 1 });
    board.settle();
    expect(titles(board.store.state)).toEqual({ "WEB-1": "Mine" });
    expect(settled.at(-1)).toMatchObject({ opId: again, outcome: "acked" });
    // Settled once: a second reapply does nothing.
    expect(conflict?.reapply()).toBeNull();
    expect(engine.pending).toEqual([]);
  });

  it("drops a discarded conflict and leaves the other person's value", async () => {
    const board = fakeLiveBoard();
    board.foreign({ type: "createTask", task: { title: "Card" } });
    const { engine } = client(board);
    await online(board, engine);
    engine.submit({ type: "moveTask", key: "WEB-1", columnId: "in_progress" });
    board.foreign({ type: "moveTask", key: "WEB-1", columnId: "done" });
    board.settle();
    expect(engine.conflicts.map((c) => c.conflicts.map((f) => [f.field, f.yours, f.current]))).toEqual([
      [["columnId", "in_progress", "done"]],
    ]);
    const sent = cmdOpIds(board).length;
    engine.conflicts[0]?.discard();
    board.settle();
    expect(engine.conflicts).toEqual([]);
    expect(cmdOpIds(board)).toHaveLength(sent);
    expect(engine.state?.tasks["WEB-1"]?.columnId).toBe("done");
  });

  it("sends a command that fails locally, and reports the board's refusal as a dismissable failure", async () => {
    const board = fakeLiveBoard();
    board.foreign({ type: "createTask", task: { title: "Card" } });
    const { engine, settled } = client(board);
    await online(board, engine);
    const opId = engine.submit({ type: "moveTask", key: "WEB-1", columnId: "nowhere" });
    expect(engine.state?.tasks["WEB-1"]?.columnId).toBe("todo");
    expect(cmdOpIds(board)).toEqual([opId]);
    board.settle();
    expect(engine.failures).toEqual([
      expect.objectContaining({ opId, code: "unknown_column", message: expect.stringContaining("nowhere") }),
    ]);
    expect(settled).toEqual([expect.objectContaining({ opId, outcome: "failed", code: "unknown_column" })]);
    engine.failures[0]?.dismiss();
    expect(engine.failures).toEqual([]);
  });

  it("refuses at once a command the protocol cannot carry", async () => {
    const board = fakeLiveBoard();
    const { engine } = client(board);
    await online(board, engine);
    const opId = engine.submit({ type: "createTask", task: { title: "   " } });
    expect(engine.pending).toEqual([]);
    expect(engine.failures).toEqual([expect.objectContaining({ opId, code: "invalid_command" })]);
    expect(cmdOpIds(board)).toEqual([]);
  });

  it("replays the offline queue with its original opIds: what already landed is not applied twice", async () => {
    const board = fakeLiveBoard();
    board.foreign({ type: "createTask", task: { title: "Card" } });
    const store = memoryPendingStore();
    const { engine, clock, settled } = client(board, { pendingStore: store });
    await online(board, engine);
    const seq = board.store.state.seq;

    // Reaches the board, but the connection dies before the ack comes back.
    const landed = engine.submit({ type: "updateTask", key: "WEB-1", changes: { title: "Sent before the tunnel" } });
    board.serverReads(board.last());
    board.drop(board.last());
    board.offline = true;
    const comment = engine.submit({ type: "addComment", key: "WEB-1", body: "Written in the tunnel" });
    const move = engine.submit({ type: "moveTask", key: "WEB-1", columnId: "in_progress" });
    await engine.flushed();
    expect(store.saved.map((e) => e.opId)).toEqual([landed, comment, move]);
    expect(engine.state?.tasks["WEB-1"]).toMatchObject({ title: "Sent before the tunnel", columnId: "in_progress" });
    reconnect(board, clock);
    reconnect(board, clock);
    expect(engine.status).toBe("offline");

    board.offline = false;
    reconnect(board, clock);
    expect(engine.status).toBe("online");
    expect(board.last().sent[0]).toEqual({ type: "hello", protocol: 2, since: seq });
    // The first came back as an event in the catch-up: it needs no resend.
    expect(board.last().sent.flatMap((m) => (m.type === "cmd" ? [m.opId] : []))).toEqual([comment, move]);
    expect(logOpIds(board).filter((id) => [landed, comment, move].includes(id))).toEqual([landed, comment, move]);
    expect(settled.map((s) => [s.opId, s.outcome])).toEqual([
      [landed, "acked"],
      [comment, "acked"],
      [move, "acked"],
    ]);
    expect(engine.pending).toEqual([]);
    await engine.flushed();
    expect(store.saved).toEqual([]);
    expect(shown(engine.confirmed)).toEqual(shown(board.store.state));
  });

  it("after a reload resends the saved queue under the same opIds, and the board answers what it already did", async () => {
    const board = fakeLiveBoard();
    board.foreign({ type: "createTask", task: { title: "Card" } });
    const store = memoryPendingStore();
    const before = client(board, { pendingStore: store });
    await online(board, before.engine);
    const landed = before.engine.submit({ type: "addComment", key: "WEB-1", body: "Said once" });
    board.serverReads(board.last());
    before.engine.submit({ type: "updateTask", key: "WEB-1", changes: { priority: "low" } });
    await before.engine.flushed();
    before.engine.stop();
    const queued = store.saved.map((e) => e.opId);
    expect(queued).toEqual([landed, expect.any(String)]);

    const after = client(board, { pendingStore: store });
    await online(board, after.engine);
    // A fresh page has no seq: it starts from a snapshot, so the first command is resent and acked, not redone.
    expect(board.last().sent[0]).toEqual({ type: "hello", protocol: 2, since: 0 });
    expect(board.last().sent.flatMap((m) => (m.type === "cmd" ? [m.opId] : []))).toEqual(queued);
    expect(logOpIds(board).filter((id) => id === landed)).toHaveLength(1);
    expect(board.store.events.filter((e) => e.type === "comment.added")).toHaveLength(1);
    expect(after.settled.map((s) => s.outcome)).toEqual(["acked", "acked"]);
    expect(board.store.state.tasks["WEB-1"]?.priority).toBe("low");
    expect(shown(after.engine.confirmed)).toEqual(shown(board.store.state));
  });

  it("queues a command made before start behind the saved queue, without overwriting it", async () => {
    const board = fakeLiveBoard();
    board.foreign({ type: "createTask", task: { title: "Card" } });
    const saved = {
      opId: "op-saved-0001",
      baseSeq: board.store.state.seq,
      command: { type: "updateTask" as const, key: "WEB-1", changes: { title: "From last time" } },
      provisional: {},
    };
    const store = memoryPendingStore([saved]);
    const { engine } = client(board, { pendingStore: store });
    const early = engine.submit({ type: "updateTask", key: "WEB-1", changes: { priority: "high" } });
    await engine.flushed();
    expect(store.saved.map((e) => e.opId)).toEqual(["op-saved-0001"]);
    await online(board, engine);
    expect(cmdOpIds(board)).toEqual(["op-saved-0001", early]);
    expect(board.store.state.tasks["WEB-1"]).toMatchObject({ title: "From last time", priority: "high" });
  });

  it("catches up while the saved queue is read, and sends the saved commands once it is known", async () => {
    const board = fakeLiveBoard();
    board.foreign({ type: "createTask", task: { title: "Card" } });
    const seq = board.store.state.seq;
    const saved = {
      opId: "op-saved-0002",
      baseSeq: seq,
      command: { type: "updateTask" as const, key: "WEB-1", changes: { title: "Saved offline" } },
      provisional: {},
    };
    let release: () => void = () => {};
    const slow: PendingStore = {
      load: () => new Promise((resolve) => (release = () => resolve([saved]))),
      save: async () => {},
    };
    const { engine } = client(board, { pendingStore: slow, initial: structuredClone(board.store.state) });
    const started = engine.start();
    expect(board.sockets).toHaveLength(1);
    board.settle();
    expect(board.last().sent).toEqual([{ type: "hello", protocol: 2, since: seq }]);
    expect(engine.status).toBe("online");
    // A change made now waits behind the queue still being read.
    const mine = engine.submit({ type: "updateTask", key: "WEB-1", changes: { priority: "high" } });
    board.settle();
    expect(cmdOpIds(board)).toEqual([]);

    release();
    await started;
    board.settle();
    expect(cmdOpIds(board)).toEqual(["op-saved-0002", mine]);
    expect(engine.status).toBe("online");
    expect(board.store.state.tasks["WEB-1"]).toMatchObject({ title: "Saved offline", priority: "high" });
    expect(shown(engine.state)).toEqual(shown(board.store.state));
  });

  it("asks again from further back when the saved queue, read after catching up, waits for a task's key", async () => {
    const board = fakeLiveBoard();
    const store = await creationAckedEventLost(board);

    // A reload that starts from a snapshot over REST, and reads the saved queue slowly.
    const created = board.store.state.seq;
    let release: () => void = () => {};
    const slow: PendingStore = {
      load: () => new Promise((resolve) => (release = () => void store.load().then(resolve))),
      save: (queue) => store.save(queue),
    };
    const after = client(board, { pendingStore: slow, initial: structuredClone(board.store.state) });
    const started = after.engine.start();
    board.settle();
    expect(board.last().sent).toEqual([{ type: "hello", protocol: 2, since: created }]);
    expect(after.engine.status).toBe("online");

    release();
    await started;
    board.settle();
    expect(board.last().sent[1]).toEqual({ type: "hello", protocol: 2, since: created - 1 });
    expect(after.engine.status).toBe("online");
    expectMineMoved(board, after.engine);
  });

  it("points edits of a task created offline at the key the board gives it", async () => {
    const board = fakeLiveBoard();
    const { engine, clock } = client(board);
    await online(board, engine);
    board.drop(board.last());
    board.offline = true;
    engine.submit({ type: "createTask", task: { title: "Made offline" } });
    expect(titles(engine.state)).toEqual({ "WEB-1": "Made offline" });
    engine.submit({ type: "updateTask", key: "WEB-1", changes: { priority: "highest" } });
    engine.submit({ type: "moveTask", key: "WEB-1", columnId: "done" });
    // Meanwhile someone else takes WEB-1.
    board.foreign({ type: "createTask", task: { title: "Made online" } });

    board.offline = false;
    clock.advance(60_000);
    board.accept(board.last());
    board.serverReads(board.last()); // hello
    board.deliver(board.last()); // welcome and the catch-up: the creation is sent, not yet read
    expect(engine.state?.tasks["WEB-1"]).toMatchObject({ title: "Made online", priority: "medium", columnId: "todo" });
    expect(engine.state?.tasks["WEB-2"]).toMatchObject({
      title: "Made offline",
      priority: "highest",
      columnId: "done",
    });
    board.settle();
    expect(board.store.state.tasks["WEB-1"]).toMatchObject({ title: "Made online", priority: "medium" });
    expect(board.store.state.tasks["WEB-2"]).toMatchObject({ title: "Made offline", priority: "highest" });
    expect(board.store.state.tasks["WEB-2"]?.columnId).toBe("done");
    expect(shown(engine.state)).toEqual(shown(board.store.state));
  });

  it("learns the key of a task whose creation landed before a reload, and points the queued edits at it", async () => {
    const board = fakeLiveBoard();
    const store = memoryPendingStore();
    const before = client(board, { pendingStore: store });
    await online(board, before.engine);
    board.drop(board.last());
    board.offline = true;
    before.engine.submit({ type: "createTask", task: { title: "Made offline" } });
    before.engine.submit({ type: "updateTask", key: "WEB-1", changes: { title: "Renamed offline" } });
    board.offline = false;
    before.clock.advance(60_000);
    const socket = board.last();
    board.accept(socket);
    board.serverReads(socket);
    board.deliver(socket);
    // Stop it the moment the creation lands: the page reloads with the ack and the event unseen.
    expect(socket.sent.at(-1)).toMatchObject({ type: "cmd", command: { type: "createTask" } });
    board.foreign({ type: "createTask", task: { title: "Someone else's" } });
    board.serverReads(socket);
    await before.engine.flushed();
    before.engine.stop();
    expect(store.saved).toHaveLength(2);
    board.foreign({ type: "createTask", task: { title: "And another" } });

    const after = client(board, { pendingStore: store });
    await online(board, after.engine);
    expect(after.engine.failures).toEqual([]);
    expect(titles(board.store.state)).toEqual({
      "WEB-1": "Someone else's",
      "WEB-2": "Renamed offline",
      "WEB-3": "And another",
    });
    expect(shown(after.engine.state)).toEqual(shown(board.store.state));
  });

  it("learns the key of an acked creation whose event was lost in a reload", async () => {
    const board = fakeLiveBoard();
    const store = await creationAckedEventLost(board);

    const created = board.store.state.seq;
    const after = client(board, { pendingStore: store });
    await after.engine.start();
    const first = board.last();
    board.accept(first);
    board.serverReads(first);
    board.deliver(first);
    // The snapshot holds the task but not its key's origin: ask again from just before it…
    expect(first.sent.at(-1)).toEqual({ type: "hello", protocol: 2, since: created - 1 });
    // …and if that answer is lost too, the next connection asks from there.
    board.drop(first);
    after.clock.advance(60_000);
    board.settle();
    expect(board.sockets.at(-1)?.sent[0]).toEqual({ type: "hello", protocol: 2, since: created - 1 });
    expect(after.engine.status).toBe("online");
    expectMineMoved(board, after.engine);
  });

  it("finds the key for an edit made between its task's ack and event, across a reload", async () => {
    const board = fakeLiveBoard();
    const store = memoryPendingStore();
    const before = client(board, { pendingStore: store });
    await online(board, before.engine);
    const socket = board.last();
    before.engine.submit({ type: "createTask", task: { title: "Mine" } });
    board.foreign({ type: "createTask", task: { title: "Theirs" } });
    board.serverReads(socket);
    board.deliver(socket, 2); // Ana's event and the ack, not the creation's event
    expect(titles(before.engine.state)).toEqual({ "WEB-1": "Theirs", "WEB-2": "Mine" });
    before.engine.submit({ type: "updateTask", key: "WEB-2", changes: { priority: "lowest" } });
    await before.engine.flushed();
    before.engine.stop();

    const after = client(board, { pendingStore: store });
    await online(board, after.engine);
    expect(after.engine.failures).toEqual([]);
    expect(board.store.state.tasks["WEB-2"]).toMatchObject({ title: "Mine", priority: "lowest" });
    expect(shown(after.engine.state)).toEqual(shown(board.store.state));
  });

  it("keeps asking for a new task's key across reloads until an answer carries it", async () => {
    const board = fakeLiveBoard();
    const store = memoryPendingStore();
    const first = client(board, { pendingStore: store });
    await online(board, first.engine);
    const socket = board.last();
    first.engine.submit({ type: "createTask", task: { title: "Mine" } });
    board.serverReads(socket);
    board.deliver(socket, 1); // the ack only
    const created = board.store.state.seq;
    first.engine.submit({ type: "moveTask", key: "WEB-1", columnId: "done" });
    await first.engine.flushed();
    first.engine.stop();

    // The second page gets a snapshot, asks for the key, and is closed before the answer.
    const second = client(board, { pendingStore: store });
    await second.engine.start();
    board.accept(board.last());
    board.serverReads(board.last());
    board.deliver(board.last());
    expect(board.last().sent.at(-1)).toEqual({ type: "hello", protocol: 2, since: created - 1 });
    await second.engine.flushed();
    second.engine.stop();
    board.foreign({ type: "createTask", task: { title: "Theirs" } });

    // The third starts from a snapshot again: the creation is long gone from its queue.
    const third = client(board, { pendingStore: store });
    await online(board, third.engine);
    expect(third.engine.failures).toEqual([]);
    expect(board.store.state.tasks["WEB-1"]).toMatchObject({ title: "Mine", columnId: "done" });
    expect(shown(third.engine.state)).toEqual(shown(board.store.state));
  });

  it("gives up on a key the board can only answer with a snapshot, and says so instead of guessing", async () => {
    const board = fakeLiveBoard();
    board.foreign({ type: "createTask", task: { title: "Busy card" } });
    const store = memoryPendingStore();
    const first = client(board, { pendingStore: store });
    await online(board, first.engine);
    const socket = board.last();
    first.engine.submit({ type: "createTask", task: { title: "Mine" } });
    board.serverReads(socket);
    board.deliver(socket, 1);
    const edit = first.engine.submit({ type: "updateTask", key: "WEB-2", changes: { priority: "low" } });
    await first.engine.flushed();
    first.engine.stop();
    // More than the board replays as events: it answers with a snapshot.
    for (let i = 0; i < MAX_CATCH_UP_EVENTS + 1; i++) {
      board.foreign({ type: "updateTask", key: "WEB-1", changes: { title: `Busy ${i}` } });
    }

    const second = client(board, { pendingStore: store });
    await online(board, second.engine);
    expect(second.engine.failures.map((f) => [f.opId, f.code])).toEqual([[edit, "task_not_created"]]);
    expect(second.engine.pending).toEqual([]);
    expect(board.store.state.tasks["WEB-2"]?.priority).toBe("medium");
  });

  it("fails the edits of an offline task whose creation the board refused", async () => {
    const board = fakeLiveBoard();
    board.foreign({ type: "createTask", task: { title: "Card" } });
    const { engine } = client(board);
    await online(board, engine);
    const create = engine.submit({ type: "createTask", task: { title: "Child", type: "subtask", parentKey: "WEB-1" } });
    const edit = engine.submit({ type: "updateTask", key: "WEB-2", changes: { title: "Renamed child" } });
    // The parent goes away before the board reads the creation.
    board.foreign({ type: "archiveTask", key: "WEB-1" });
    board.foreign({ type: "deleteTask", key: "WEB-1" });
    board.foreign({ type: "createTask", task: { title: "Someone else's" } });
    board.settle();
    expect(engine.failures.map((f) => [f.opId, f.code])).toEqual([
      [create, "unknown_parent"],
      [edit, "task_not_created"],
    ]);
    expect(board.store.state.tasks["WEB-2"]?.title).toBe("Someone else's");
  });

  it("backs off exponentially with jitter while the board cannot be reached, and starts over once it is", async () => {
    const board = fakeLiveBoard();
    board.offline = true;
    const { engine, clock } = client(board, { random: () => 0.5 });
    await engine.start();
    for (let i = 0; i < 9; i++) {
      board.settle();
      clock.advance(clock.delays.at(-1) ?? 0);
    }
    // Equal jitter: half the exponential cap, plus half of the other half (random 0.5).
    expect(clock.delays).toEqual([375, 750, 1500, 3000, 6000, 12000, 22500, 22500, 22500]);
    board.offline = false;
    board.settle();
    expect(engine.status).toBe("online");
    board.drop(board.last());
    expect(clock.delays.at(-1)).toBe(375);

    // The jitter keeps between half the cap and the whole cap.
    expect([0, 1, 2, 10].map((attempt) => reconnectDelay(attempt, () => 0))).toEqual([250, 500, 1000, 15000]);
    expect([0, 1, 2, 10].map((attempt) => reconnectDelay(attempt, () => 1))).toEqual([500, 1000, 2000, 30000]);
  });

  it("retries a rate-limited command under the same opId after a pause", async () => {
    const board = fakeLiveBoard();
    const { engine, clock, settled } = client(board);
    await online(board, engine);
    const socket = board.last();
    const opId = engine.submit({ type: "createTask", task: { title: "Busy" } });
    socket.toServer = [];
    socket.toClient.push(JSON.stringify({ type: "reject", opId, code: "rate_limited", message: "Slow down." }));
    board.deliver(socket);
    expect(engine.failures).toEqual([]);
    expect(engine.pending).toHaveLength(1);
    expect(cmdOpIds(board)).toEqual([opId]);
    clock.advance(200);
    expect(cmdOpIds(board)).toEqual([opId, opId]);
    board.settle();
    expect(settled).toEqual([expect.objectContaining({ opId, outcome: "acked" })]);
  });

  it("throttles presence to the latest value, resends it on a new connection, and shows everyone's", async () => {
    const board = fakeLiveBoard();
    const { engine, clock } = client(board, { presenceIntervalMs: 250 });
    await online(board, engine);
    const socket = board.last();
    const presenceSent = () => socket.sent.filter((m) => m.type === "presence");
    engine.setPresence("WEB-1", "dragging");
    engine.setPresence("WEB-1", "editing");
    engine.setPresence("WEB-2", "editing");
    expect(presenceSent()).toEqual([{ type: "presence", taskKey: "WEB-1", activity: "dragging" }]);
    clock.advance(249);
    expect(presenceSent()).toHaveLength(1);
    clock.advance(1);
    expect(presenceSent().at(-1)).toEqual({ type: "presence", taskKey: "WEB-2", activity: "editing" });
    board.settle();
    expect(engine.presence).toEqual([
      expect.objectContaining({ userId: OWNER, taskKey: "WEB-2", activity: "editing" }),
    ]);

    board.drop(socket);
    clock.advance(60_000);
    board.settle();
    expect(board.last().sent.filter((m) => m.type === "presence")).toEqual([
      { type: "presence", taskKey: "WEB-2", activity: "editing" },
    ]);
  });

  it("stops for good when the board speaks another protocol version", async () => {
    const board = fakeLiveBoard();
    const { engine, clock } = client(board);
    await online(board, engine);
    const socket = board.last();
    socket.toClient.push(JSON.stringify({ type: "error", code: "protocol_mismatch", message: "Reload the page." }));
    board.deliver(socket);
    expect(engine.status).toBe("outdated");
    expect(engine.problem).toBe("Reload the page.");
    clock.advance(600_000);
    expect(board.sockets).toHaveLength(1);
  });
});

describe("a change too large for the live connection", () => {
  // 40,000 quotes: a legal description (64 KiB at most) whose JSON doubles past the socket's 64 KiB.
  const description = '"'.repeat(40_000);
  const answered = () => new Promise((resolve) => setImmediate(resolve));

  it("goes over REST with its opId when the app gives a way, and lands once even if the first request failed", async () => {
    const board = fakeLiveBoard();
    const sent: string[] = [];
    let failFirst = true;
    const { engine, clock } = client(board, {
      sendLarge: async (message) => {
        sent.push(message.opId);
        if (failFirst) {
          failFirst = false;
          // It reached the board, but the answer was lost on the way back.
          board.viaRest(OWNER, message);
          throw new Error("network");
        }
        return board.viaRest(OWNER, message);
      },
    });
    board.foreign({ type: "createTask", task: { title: "Spec" } });
    await online(board, engine);
    const opId = engine.submit({ type: "updateTask", key: "WEB-1", changes: { description } });
    expect(
      board.last().sent.filter((m) => m.type === "cmd"),
      "not on the socket",
    ).toEqual([]);
    await answered();
    clock.advance(2_000);
    await answered();
    board.settle();
    expect(sent).toEqual([opId, opId]);
    expect(engine.pending).toEqual([]);
    expect(engine.failures).toEqual([]);
    expect(engine.state?.tasks["WEB-1"]?.description).toBe(description);
    expect(
      board.store.events.filter((e) => e.opId === opId),
      "applied once",
    ).toHaveLength(1);
  });

  it("fails at once, saying so, when there is no other way", async () => {
    const board = fakeLiveBoard();
    const { engine } = client(board);
    board.foreign({ type: "createTask", task: { title: "Spec" } });
    await online(board, engine);
    const seq = board.store.state.seq;
    engine.submit({ type: "updateTask", key: "WEB-1", changes: { description } });
    expect(engine.failures.map((f) => f.code)).toEqual(["message_too_large"]);
    expect(engine.pending).toEqual([]);
    board.settle();
    expect(board.store.state.seq).toBe(seq);
  });
});
