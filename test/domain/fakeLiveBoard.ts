import type { CommandAnswer } from "../../client/src/sync/SyncEngine";
import type { Clock, Connection, TimerHandle, Transport, TransportListener } from "../../client/src/sync/transport";
import { executeCommand } from "../../src/board/engine";
import {
  announce,
  CommandBudget,
  type Hub,
  type LiveBoard,
  type LiveStore,
  receive,
  type SessionData,
} from "../../src/board/liveSessions";
import { PresenceRelay } from "../../src/board/PresenceRelay";
import type { Command } from "../../src/domain/commands";
import type { ClientMessage, ServerMessage } from "../../src/domain/protocol";
import { createBoard, clock as isoClock, OWNER } from "./boardArbitraries";
import { type MemoryStore, memoryStore } from "./memoryStore";

// A board for the sync engine's unit tests: the real session logic of
// src/board/liveSessions.ts over the in-memory store, behind sockets the test
// drives by hand. Nothing moves until the test says so: the server reads what a
// client sent with `serverReads`, the client hears what the server sent with
// `deliver`, and `settle` runs both until the network is quiet.

export interface FakeSocket {
  readonly userId: string;
  listener: TransportListener;
  /** Sent by the client, not yet read by the server. */
  toServer: string[];
  /** Sent by the server, not yet delivered to the client. */
  toClient: string[];
  /** Every message the client sent on this socket, parsed. */
  sent: ClientMessage[];
  data: SessionData;
  /** Accepted by the server and not closed since. */
  open: boolean;
  /** Over, as far as the client knows. */
  closed: boolean;
}

export interface FakeLiveBoard {
  store: MemoryStore;
  sockets: FakeSocket[];
  /** A transport whose connections belong to `userId`. */
  transport(userId: string, role?: SessionData["role"]): Transport;
  /** The newest socket. */
  last(): FakeSocket;
  /** The server accepts the socket (the client's `opened` fires). */
  accept(socket: FakeSocket): void;
  /** The server reads everything the client has sent. */
  serverReads(socket: FakeSocket): void;
  /** The client hears everything the server has sent (or the first `count` messages). */
  deliver(socket: FakeSocket, count?: number): ServerMessage[];
  /** The connection breaks: both sides see it closed; whatever was still on the wire is lost. */
  drop(socket: FakeSocket, code?: number): void;
  /** Accepts new sockets (refuses them while `offline`), then reads and delivers on every open socket until nothing moves. */
  settle(): void;
  /** While true, `settle` refuses new connections, as a network that is down would. */
  offline: boolean;
  /** Someone else changes the board (say over REST): decided, appended and broadcast to every session. */
  foreign(command: Command, options?: { actor?: string; baseSeq?: number }): void;
  /** A client's own command over REST (POST …/commands): run as `userId`, broadcast, answered as the socket would. */
  viaRest(userId: string, message: Extract<ClientMessage, { type: "cmd" }>): CommandAnswer;
}

export const OTHER = "ana";
const NOW = Date.UTC(2026, 1, 1);

export function fakeLiveBoard(): FakeLiveBoard {
  const store = memoryStore();
  const at = isoClock();
  createBoard(store, at());
  executeCommand(
    store,
    { opId: "op-add-ana", command: { type: "addMember", userId: OTHER, name: "Ana", role: "member" } },
    { actor: OWNER, role: "owner", at: at() },
  );
  const live: LiveStore = {
    get state() {
      return store.state;
    },
    findResult: (opId) => store.findResult(opId),
    transaction: (work) => store.transaction(work),
    append: (event, touched, hash) => store.append(event, touched, hash),
    scheduleDelivery: () => {},
    recordAttempt: (attempt, hash) => store.recordAttempt(attempt, hash),
    events: (after, limit) => store.events.filter((e) => e.seq > after).slice(0, limit),
  };
  const sockets: FakeSocket[] = [];
  const budget = new CommandBudget();
  let sessions = 0;
  let ops = 0;
  const hub: Hub<FakeSocket> = {
    sessions: () => sockets.filter((s) => s.open),
    data: (s) => s.data,
    setData: (s, data) => {
      s.data = data;
    },
    send: (s, message) => {
      s.toClient.push(JSON.stringify(message));
    },
    sendAll: (all, message) => {
      for (const s of all) s.toClient.push(JSON.stringify(message));
    },
    close: (s, code) => board.drop(s, code),
    lastPing: () => null,
  };
  const liveBoard: LiveBoard<FakeSocket> = { hub, store: live, budget, presence: new PresenceRelay(hub) };

  const board: FakeLiveBoard = {
    store,
    offline: false,
    sockets,
    transport: (userId, role = "owner") => ({
      connect(listener: TransportListener): Connection {
        const socket: FakeSocket = {
          userId,
          listener,
          toServer: [],
          toClient: [],
          sent: [],
          data: { sessionId: `s${++sessions}`, userId, name: userId, role, presence: null, seenAt: NOW },
          open: false,
          closed: false,
        };
        sockets.push(socket);
        return {
          send: (data) => {
            socket.toServer.push(data);
            socket.sent.push(JSON.parse(data));
          },
          close: () => {
            socket.closed = true;
            socket.open = false;
          },
        };
      },
    }),
    last: () => {
      const socket = sockets.at(-1);
      if (!socket) throw new Error("no socket yet");
      return socket;
    },
    accept(socket) {
      socket.open = true;
      socket.listener.opened();
    },
    serverReads(socket) {
      if (!socket.open) return;
      for (const data of socket.toServer.splice(0)) receive(liveBoard, socket, data, NOW);
    },
    deliver(socket, count) {
      const messages = socket.toClient.splice(0, count ?? socket.toClient.length);
      for (const data of messages) socket.listener.received(data);
      return messages.map((m) => JSON.parse(m));
    },
    drop(socket, code = 1006) {
      socket.open = false;
      socket.toClient = [];
      socket.toServer = [];
      if (socket.closed) return;
      socket.closed = true;
      socket.listener.closed(code);
    },
    settle() {
      for (let round = 0; round < 1000; round++) {
        let moved = false;
        for (const socket of [...sockets]) {
          if (!socket.open && !socket.closed) {
            if (board.offline) board.drop(socket);
            else board.accept(socket);
            moved = true;
          }
          if (!socket.open) continue;
          if (socket.toServer.length > 0) {
            board.serverReads(socket);
            moved = true;
          }
          if (socket.toClient.length > 0) {
            board.deliver(socket);
            moved = true;
          }
        }
        if (!moved) return;
      }
      throw new Error("the network never went quiet");
    },
    viaRest(userId, message) {
      const before = store.state.seq;
      const result = executeCommand(
        store,
        { opId: message.opId, baseSeq: message.baseSeq, command: message.command },
        { actor: userId, role: "owner", at: at() },
      );
      if (result.status === "applied" && result.seq > before) announce(hub, result.event);
      if (result.status === "applied" || result.status === "unchanged") {
        return { type: "ack", opId: message.opId, seq: result.seq };
      }
      if (result.status === "conflict") {
        return {
          type: "reject",
          opId: message.opId,
          code: "conflict",
          message: "conflict",
          conflicts: result.conflicts as unknown as Record<string, unknown>[],
        };
      }
      return { type: "reject", opId: message.opId, code: result.error.code, message: result.error.message };
    },
    foreign(command, options = {}) {
      const result = executeCommand(
        store,
        {
          opId: `op-foreign-${++ops}`,
          command,
          ...(options.baseSeq === undefined ? {} : { baseSeq: options.baseSeq }),
        },
        { actor: options.actor ?? OTHER, role: "member", at: at() },
      );
      if (result.status !== "applied") throw new Error(`foreign command not applied: ${JSON.stringify(result)}`);
      announce(hub, result.event);
    },
  };
  return board;
}

/** A clock the test moves by hand; timers fire in order of their due time. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
  /** Delays of the timers set so far, in the order they were set. */
  readonly delays: number[];
  pending(): number;
}

export function manualClock(start = Date.UTC(2026, 0, 1)): ManualClock {
  let now = start;
  let ids = 0;
  const timers = new Map<number, { at: number; run: () => void }>();
  const delays: number[] = [];
  return {
    delays,
    now: () => now,
    setTimeout(run, ms) {
      const id = ++ids;
      timers.set(id, { at: now + ms, run });
      delays.push(ms);
      return id;
    },
    clearTimeout(handle: TimerHandle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].run();
      }
      now = until;
    },
    pending: () => timers.size,
  };
}
