import type { BoardEvent } from "../domain/events";
import type { Role } from "../domain/model";
import type { CommandResult } from "../domain/outcomes";
import {
  type ClientMessage,
  clientMessage,
  MAX_CATCH_UP_EVENTS,
  MAX_CLIENT_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  type PresenceEntry,
  type ServerMessage,
} from "../domain/protocol";
import { snapshotOf } from "../domain/views";
import { type BoardStore, executeCommand } from "./engine";

// The live side of a board: the WebSocket sessions of the people looking at it.
// Written against a narrow hub interface so the rules (what a message does, who
// hears what, in which order) stay apart from the Durable Object's socket API.

/** What each session carries with it; kept in the socket's attachment so it survives hibernation. */
export interface SessionData {
  sessionId: string;
  userId: string;
  name: string;
  role: Role;
  presence: { taskKey: string | null; activity: PresenceEntry["activity"] } | null;
}

export interface Hub<S> {
  sessions(): S[];
  data(socket: S): SessionData;
  setData(socket: S, data: SessionData): void;
  send(socket: S, message: ServerMessage): void;
  close(socket: S, code: number, reason: string): void;
}

export interface LiveStore extends BoardStore {
  events(after: number, limit: number): BoardEvent[];
}

/** Commands a session may send: a burst of 50, refilled at 50 a second. */
const BURST = 50;
const REFILL_PER_MS = 50 / 1000;

export class CommandBudget {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  take(sessionId: string, now: number): boolean {
    const bucket = this.buckets.get(sessionId) ?? { tokens: BURST, at: now };
    bucket.tokens = Math.min(BURST, bucket.tokens + (now - bucket.at) * REFILL_PER_MS);
    bucket.at = now;
    this.buckets.set(sessionId, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
  forget(sessionId: string): void {
    this.buckets.delete(sessionId);
  }
}

/** Handles one message from a session; anything malformed gets an error and changes nothing. */
export function receive<S>(
  hub: Hub<S>,
  store: LiveStore,
  budget: CommandBudget,
  socket: S,
  raw: string | ArrayBuffer,
  now: number,
): void {
  const size = typeof raw === "string" ? new TextEncoder().encode(raw).length : raw.byteLength;
  if (size > MAX_CLIENT_MESSAGE_BYTES) {
    hub.send(socket, {
      type: "error",
      code: "message_too_large",
      message: `Messages are at most ${MAX_CLIENT_MESSAGE_BYTES / 1024} KiB; send less at once.`,
    });
    return;
  }
  let message: ClientMessage;
  try {
    const parsed = clientMessage.safeParse(JSON.parse(typeof raw === "string" ? raw : new TextDecoder().decode(raw)));
    if (!parsed.success) {
      const hint = parsed.error.issues[0];
      hub.send(socket, {
        type: "error",
        code: "invalid_message",
        message: `This message is not one the board understands${hint ? ` (${hint.path.join(".") || "message"}: ${hint.message})` : ""}.`,
      });
      return;
    }
    message = parsed.data;
  } catch {
    hub.send(socket, { type: "error", code: "malformed_json", message: "Messages must be JSON." });
    return;
  }
  const session = hub.data(socket);
  switch (message.type) {
    case "hello":
      greet(hub, store, socket, session, message.protocol, message.since);
      return;
    case "presence":
      hub.setData(socket, { ...session, presence: { taskKey: message.taskKey, activity: message.activity } });
      broadcastPresence(hub);
      return;
    case "cmd": {
      if (session.role === "viewer") {
        hub.send(socket, {
          type: "reject",
          opId: message.opId,
          code: "read_only",
          message: "You can view this board but not change it; ask an owner for member access.",
        });
        return;
      }
      if (!budget.take(session.sessionId, now)) {
        hub.send(socket, {
          type: "reject",
          opId: message.opId,
          code: "rate_limited",
          message: "You are sending changes faster than anyone types; slow down.",
        });
        return;
      }
      const before = store.state.seq;
      const result = executeCommand(
        store,
        { opId: message.opId, baseSeq: message.baseSeq, command: message.command },
        { actor: session.userId, role: session.role, at: new Date(now).toISOString() },
      );
      answer(hub, socket, message.opId, result);
      // A resent opId is answered with its first result: its event went out back then.
      if (result.status === "applied" && result.seq > before) announce(hub, result.event);
      return;
    }
  }
}

function greet<S>(hub: Hub<S>, store: LiveStore, socket: S, session: SessionData, protocol: number, since: number) {
  if (protocol !== PROTOCOL_VERSION) {
    hub.send(socket, {
      type: "error",
      code: "protocol_mismatch",
      message: `This board speaks protocol ${PROTOCOL_VERSION} and your app speaks ${protocol}; reload the page.`,
    });
    hub.close(socket, 4002, "protocol mismatch");
    return;
  }
  hub.send(socket, {
    type: "welcome",
    protocol: PROTOCOL_VERSION,
    sessionId: session.sessionId,
    userId: session.userId,
    role: session.role,
  });
  const seq = store.state.seq;
  // A client that claims a future seq, or is far behind, starts over from a snapshot.
  if (since > seq || seq - since > MAX_CATCH_UP_EVENTS || since === 0) {
    hub.send(socket, {
      type: "snapshot",
      seq,
      snapshot: snapshotOf(store.state) as unknown as Record<string, unknown>,
    });
  } else {
    hub.send(socket, { type: "events", events: store.events(since, MAX_CATCH_UP_EVENTS) });
  }
  // Everyone hears that someone arrived, not only the newcomer who they are.
  broadcastPresence(hub);
}

function answer<S>(hub: Hub<S>, socket: S, opId: string, result: CommandResult): void {
  switch (result.status) {
    case "applied":
    case "unchanged":
      hub.send(socket, { type: "ack", opId, seq: result.seq });
      return;
    case "conflict":
      hub.send(socket, {
        type: "reject",
        opId,
        code: "conflict",
        message: "Someone changed the same field first; review their value and send yours again to confirm it.",
        conflicts: result.conflicts as unknown as Record<string, unknown>[],
      });
      return;
    case "rejected":
      hub.send(socket, { type: "reject", opId, code: result.error.code, message: result.error.message });
      return;
  }
}

/**
 * Sends a new event to every session (the sender gets it after its ack, so the ack
 * always arrives first), and applies what the event means for the sessions
 * themselves: a removed member's sockets close, a changed role applies at once.
 */
export function announce<S>(hub: Hub<S>, event: BoardEvent): void {
  for (const socket of hub.sessions()) {
    const session = hub.data(socket);
    if (event.type === "member.removed" && event.payload.userId === session.userId) {
      hub.close(socket, 4003, "removed from the board");
      continue;
    }
    if (event.type === "board.deleted") {
      hub.close(socket, 4004, "board deleted");
      continue;
    }
    if (event.type === "member.roleChanged" && event.payload.userId === session.userId) {
      hub.setData(socket, { ...session, role: event.payload.role });
    }
    hub.send(socket, { type: "event", event });
  }
}

export function presenceOf<S>(hub: Hub<S>): PresenceEntry[] {
  return hub.sessions().map((socket) => {
    const { sessionId, userId, name, presence } = hub.data(socket);
    return { sessionId, userId, name, taskKey: presence?.taskKey ?? null, activity: presence?.activity ?? null };
  });
}

export function broadcastPresence<S>(hub: Hub<S>): void {
  const sessions = presenceOf(hub);
  for (const socket of hub.sessions()) hub.send(socket, { type: "presence", sessions });
}
