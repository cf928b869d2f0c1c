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
import type { PresenceRelay } from "./PresenceRelay";

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
  /** Epoch ms the session was last heard from, refreshed at most every SEEN_REFRESH_MS. */
  seenAt: number;
  /** Said hello: on the board as far as presence goes (a socket accepted but silent is not). */
  here?: boolean;
}

export interface Hub<S> {
  /** The open sessions; one being closed is no longer among them. */
  sessions(): S[];
  data(socket: S): SessionData;
  setData(socket: S, data: SessionData): void;
  send(socket: S, message: ServerMessage): void;
  /** One message to many sockets, serialized once. */
  sendAll(sockets: readonly S[], message: ServerMessage): void;
  close(socket: S, code: number, reason: string): void;
  /** Epoch ms of the last keep-alive ping the runtime answered for this socket, if any. */
  lastPing(socket: S): number | null;
}

/** Everything the live side of one board works with. */
export interface LiveBoard<S> {
  hub: Hub<S>;
  store: LiveStore;
  budget: CommandBudget;
  presence: PresenceRelay<S>;
}

export interface LiveStore extends BoardStore {
  events(after: number, limit: number): BoardEvent[];
}

/** Commands a session may send: a burst of 50, refilled at 50 a second. */
const BURST = 50;
const REFILL_PER_MS = 50 / 1000;

export class CommandBudget {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  /** `unlimited` only where rate limits are switched off (the benchmark). */
  constructor(private readonly unlimited = false) {}
  take(sessionId: string, now: number): boolean {
    if (this.unlimited) return true;
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
export function receive<S>(live: LiveBoard<S>, socket: S, raw: string | ArrayBuffer, now: number): void {
  const { hub, store, budget } = live;
  seen(hub, socket, now);
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
    case "hello": {
      if (!greet(hub, store, socket, session, message.protocol, message.since)) return;
      const here = { ...session, here: true };
      if (!session.here) hub.setData(socket, here);
      // Everyone else hears of the newcomer; the newcomer hears everyone at once.
      live.presence.changed(here, now);
      hub.send(socket, { type: "presence", people: live.presence.everyone() });
      return;
    }
    case "presence": {
      const updated = { ...session, presence: { taskKey: message.taskKey, activity: message.activity } };
      hub.setData(socket, updated);
      // Presence counts from hello on: what a session does before it says hello is kept for then.
      if (session.here) live.presence.changed(updated, now);
      return;
    }
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

/** Sessions are known to be alive when they speak; the attachment is rewritten only now and then. */
const SEEN_REFRESH_MS = 10_000;

function seen<S>(hub: Hub<S>, socket: S, now: number): void {
  const session = hub.data(socket);
  if (now - session.seenAt >= SEEN_REFRESH_MS) hub.setData(socket, { ...session, seenAt: now });
}

/** Answers hello: who you are, what you missed, who else is here. False when the session is refused. */
function greet<S>(
  hub: Hub<S>,
  store: LiveStore,
  socket: S,
  session: SessionData,
  protocol: number,
  since: number,
): boolean {
  if (protocol !== PROTOCOL_VERSION) {
    hub.send(socket, {
      type: "error",
      code: "protocol_mismatch",
      message: `This board speaks protocol ${PROTOCOL_VERSION} and your app speaks ${protocol}; reload the page.`,
    });
    hub.close(socket, 4002, "protocol mismatch");
    return false;
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
  return true;
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
  const sockets = hub.sessions();
  // Most events concern no session itself: one serialization for everyone, no attachment read.
  if (event.type !== "member.removed" && event.type !== "member.roleChanged" && event.type !== "board.deleted") {
    hub.sendAll(sockets, { type: "event", event });
    return;
  }
  for (const socket of sockets) {
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

/** A session not heard from for this long (no message, no keep-alive ping) is gone. */
export const HEARTBEAT_DEADLINE_MS = 75_000;
/** How often a board with sessions checks for ones that went silent. */
export const HEARTBEAT_CHECK_MS = 30_000;

/**
 * Closes the sessions that went silent: a socket whose other end vanished may
 * never report its close, so without this a lost laptop would stay on the board's
 * presence forever. Returns when to check again (null: nobody is left).
 */
export function closeSilentSessions<S>(live: LiveBoard<S>, now: number): number | null {
  const { hub } = live;
  for (const socket of hub.sessions()) {
    const session = hub.data(socket);
    const heard = Math.max(session.seenAt, hub.lastPing(socket) ?? 0);
    if (now - heard < HEARTBEAT_DEADLINE_MS) continue;
    hub.close(socket, 4008, "no heartbeat");
    live.presence.left(session);
  }
  return hub.sessions().length === 0 ? null : now + HEARTBEAT_CHECK_MS;
}
