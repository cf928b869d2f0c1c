import { describe, expect, it } from "vitest";
import { type Hub, PRESENCE_FLUSH_MS, PresenceRelay, type SessionData } from "../../src/board/liveSessions";
import {
  type ClientMessage,
  clientMessage,
  PROTOCOL_VERSION,
  type ServerMessage,
  serverMessage,
} from "../../src/domain/protocol";

// The wire, exactly: each message type as JSON text. A change here is a change of
// the protocol, and shows up in this file's diff (bump PROTOCOL_VERSION with it).

const presence = { sessionId: "s1", userId: "usr_ana", name: "Ana", taskKey: "WEB-7", activity: "dragging" } as const;
const event = {
  seq: 12,
  opId: "op-7f3a9c21",
  actor: "usr_ana",
  at: "2026-03-02T09:00:00.000Z",
  type: "task.moved",
  v: 1,
  payload: { key: "WEB-7", columnId: "done" },
};

const client: [ClientMessage, string][] = [
  [{ type: "hello", protocol: 2, since: 11 }, '{"type":"hello","protocol":2,"since":11}'],
  [
    { type: "cmd", opId: "op-7f3a9c21", baseSeq: 11, command: { type: "moveTask", key: "WEB-7", columnId: "done" } },
    '{"type":"cmd","opId":"op-7f3a9c21","baseSeq":11,"command":{"type":"moveTask","key":"WEB-7","columnId":"done"}}',
  ],
  [
    { type: "presence", taskKey: "WEB-7", activity: "dragging" },
    '{"type":"presence","taskKey":"WEB-7","activity":"dragging"}',
  ],
];

const server: [ServerMessage, string][] = [
  [
    { type: "welcome", protocol: 2, sessionId: "s1", userId: "usr_ana", role: "member" },
    '{"type":"welcome","protocol":2,"sessionId":"s1","userId":"usr_ana","role":"member"}',
  ],
  [{ type: "snapshot", seq: 11, snapshot: { seq: 11 } }, '{"type":"snapshot","seq":11,"snapshot":{"seq":11}}'],
  [
    { type: "events", events: [event] },
    '{"type":"events","events":[{"seq":12,"opId":"op-7f3a9c21","actor":"usr_ana","at":"2026-03-02T09:00:00.000Z","type":"task.moved","v":1,"payload":{"key":"WEB-7","columnId":"done"}}]}',
  ],
  [{ type: "ack", opId: "op-7f3a9c21", seq: 12 }, '{"type":"ack","opId":"op-7f3a9c21","seq":12}'],
  [
    {
      type: "reject",
      opId: "op-7f3a9c21",
      code: "conflict",
      message: "Someone changed the same field first.",
      conflicts: [{ field: "columnId", yours: "done", current: "review", changedBy: "usr_bo", seq: 12 }],
    },
    '{"type":"reject","opId":"op-7f3a9c21","code":"conflict","message":"Someone changed the same field first.","conflicts":[{"field":"columnId","yours":"done","current":"review","changedBy":"usr_bo","seq":12}]}',
  ],
  [
    { type: "event", event },
    '{"type":"event","event":{"seq":12,"opId":"op-7f3a9c21","actor":"usr_ana","at":"2026-03-02T09:00:00.000Z","type":"task.moved","v":1,"payload":{"key":"WEB-7","columnId":"done"}}}',
  ],
  [
    { type: "presence", sessions: [presence] },
    '{"type":"presence","sessions":[{"sessionId":"s1","userId":"usr_ana","name":"Ana","taskKey":"WEB-7","activity":"dragging"}]}',
  ],
  [
    { type: "presenceChanged", sessions: [presence], left: ["s2"] },
    '{"type":"presenceChanged","sessions":[{"sessionId":"s1","userId":"usr_ana","name":"Ana","taskKey":"WEB-7","activity":"dragging"}],"left":["s2"]}',
  ],
  [
    { type: "error", code: "protocol_mismatch", message: "Reload the page." },
    '{"type":"error","code":"protocol_mismatch","message":"Reload the page."}',
  ],
];

describe("the wire protocol", () => {
  it(`is version ${PROTOCOL_VERSION}`, () => {
    expect(PROTOCOL_VERSION).toBe(2);
  });

  it.each(client)("client message %#: exact JSON, and it parses back", (message, json) => {
    expect(JSON.stringify(message)).toBe(json);
    expect(clientMessage.parse(JSON.parse(json))).toEqual(message);
  });

  it.each(server)("server message %#: exact JSON, and it parses back", (message, json) => {
    expect(JSON.stringify(message)).toBe(json);
    expect(serverMessage.parse(JSON.parse(json))).toEqual(message);
  });

  it("covers every message type", () => {
    const types = (schema: typeof clientMessage | typeof serverMessage) =>
      schema.options.map((o) => o.shape.type.value).sort();
    expect(client.map(([m]) => m.type).sort()).toEqual(types(clientMessage));
    expect(server.map(([m]) => m.type).sort()).toEqual(types(serverMessage));
  });
});

describe("presence at scale", () => {
  it("a thousand arrivals within a moment reach each session as a handful of messages, not a thousand", () => {
    const inbox = new Map<number, ServerMessage[]>();
    const sockets: number[] = [];
    const data = new Map<number, SessionData>();
    const hub: Hub<number> = {
      sessions: () => sockets,
      data: (s) => data.get(s) as SessionData,
      setData: (s, d) => data.set(s, d),
      send: (s, m) => inbox.get(s)?.push(m),
      sendAll: (all, m) => {
        for (const s of all) inbox.get(s)?.push(m);
      },
      close: () => {},
      lastPing: () => null,
    };
    const relay = new PresenceRelay();
    let now = 1_000_000;
    let wake: number | null = null;
    for (let i = 0; i < 1000; i++) {
      sockets.push(i);
      inbox.set(i, []);
      const at = relay.note(
        hub,
        { sessionId: `s${i}`, userId: `u${i}`, name: `P${i}`, taskKey: null, activity: null },
        now,
      );
      if (at !== null) wake = Math.min(wake ?? at, at);
      now += 1; // a thousand in one second
      if (wake !== null && now >= wake) {
        relay.flush(hub, now);
        wake = null;
      }
    }
    if (wake !== null) relay.flush(hub, wake);
    const first = inbox.get(0) ?? [];
    expect(first.length).toBeLessThanOrEqual(Math.ceil(1000 / PRESENCE_FLUSH_MS) + 1);
    // Nobody is missed: the first session heard of every other one.
    const heard = new Set(
      first.flatMap((m) => (m.type === "presenceChanged" ? m.sessions.map((e) => e.sessionId) : [])),
    );
    expect(heard.size).toBe(1000);
  });

  it("a leave after an arrival within the same moment is sent as a leave", () => {
    const sent: ServerMessage[] = [];
    const hub: Hub<number> = {
      sessions: () => [1],
      data: () => ({}) as SessionData,
      setData: () => {},
      send: () => {},
      sendAll: (_all, m) => sent.push(m),
      close: () => {},
      lastPing: () => null,
    };
    const relay = new PresenceRelay();
    expect(relay.note(hub, { ...presence, sessionId: "s9" }, 0)).toBeNull();
    expect(relay.note(hub, { ...presence, sessionId: "s8" }, 10)).toBe(PRESENCE_FLUSH_MS);
    expect(relay.left(hub, "s8", 20)).toBe(PRESENCE_FLUSH_MS);
    relay.flush(hub, PRESENCE_FLUSH_MS);
    expect(sent.at(-1)).toEqual({ type: "presenceChanged", sessions: [], left: ["s8"] });
  });
});
