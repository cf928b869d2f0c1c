import { z } from "zod";
import { clientCommandSchema } from "./commands";

// The board's WebSocket protocol: every message either side may send, defined once
// and imported by the BoardRoom and by the web app's sync engine. Messages are
// parsed, never cast. A change to a message's shape is a new PROTOCOL_VERSION; a
// client speaking another version is told to reload.

// v2: presence is by person, and arrives whole once, then as changes (`presenceChanged`).
export const PROTOCOL_VERSION = 2;
/** Largest message a client may send; a command with a full description fits well within it. */
export const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;
/** A client further behind than this gets a snapshot instead of the events it missed. */
export const MAX_CATCH_UP_EVENTS = 500;

export const PRESENCE_ACTIVITIES = ["viewing", "dragging", "editing"] as const;

// ---- client → server -------------------------------------------------------

export const helloMessage = z.strictObject({
  type: z.literal("hello"),
  protocol: z.number().int(),
  /** The last seq the client has applied; 0 for none. */
  since: z.number().int().min(0),
});

export const cmdMessage = z.strictObject({
  type: z.literal("cmd"),
  opId: z.string().min(8).max(100),
  baseSeq: z.number().int().min(0),
  command: clientCommandSchema,
});

export const presenceUpdateMessage = z.strictObject({
  type: z.literal("presence"),
  /** The task the person is working on, or null. */
  taskKey: z.string().max(32).nullable(),
  activity: z.enum(PRESENCE_ACTIVITIES).nullable(),
});

export const clientMessage = z.discriminatedUnion("type", [helloMessage, cmdMessage, presenceUpdateMessage]);
export type ClientMessage = z.infer<typeof clientMessage>;

// ---- server → client -------------------------------------------------------

const eventShape = z.object({
  seq: z.number().int(),
  opId: z.string(),
  actor: z.string(),
  at: z.string(),
  type: z.string(),
  v: z.number().int(),
  payload: z.record(z.string(), z.unknown()),
});

/** A person on the board (all their tabs as one), and what they last said they are doing. */
export const presenceEntry = z.object({
  userId: z.string(),
  name: z.string(),
  taskKey: z.string().nullable(),
  activity: z.enum(PRESENCE_ACTIVITIES).nullable(),
});
export type PresenceEntry = z.infer<typeof presenceEntry>;

export const serverMessage = z.discriminatedUnion("type", [
  /** The first answer to hello: who you are on this board. */
  z.object({
    type: z.literal("welcome"),
    protocol: z.literal(PROTOCOL_VERSION),
    sessionId: z.string(),
    userId: z.string(),
    role: z.enum(["owner", "member", "viewer"]),
  }),
  /** The whole board, when the client has nothing or is too far behind. */
  z.object({ type: z.literal("snapshot"), seq: z.number().int(), snapshot: z.record(z.string(), z.unknown()) }),
  /** The events after the client's `since`, in seq order. */
  z.object({ type: z.literal("events"), events: z.array(eventShape) }),
  z.object({ type: z.literal("ack"), opId: z.string(), seq: z.number().int() }),
  z.object({
    type: z.literal("reject"),
    opId: z.string(),
    code: z.string(),
    message: z.string(),
    conflicts: z.array(z.record(z.string(), z.unknown())).optional(),
  }),
  /** A new event on the board, sent to every session in seq order. */
  z.object({ type: z.literal("event"), event: eventShape }),
  /** Everyone on the board, sent to a session when it arrives. */
  z.object({ type: z.literal("presence"), people: z.array(presenceEntry) }),
  /** Who arrived or changed what they are doing (`people`), and who left (user ids), since the last one. */
  z.object({ type: z.literal("presenceChanged"), people: z.array(presenceEntry), left: z.array(z.string()) }),
  z.object({ type: z.literal("error"), code: z.string(), message: z.string() }),
]);
export type ServerMessage = z.infer<typeof serverMessage>;
