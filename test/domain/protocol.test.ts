import { describe, expect, it } from "vitest";
import type { Hub, SessionData } from "../../src/board/liveSessions";
import { PresenceRelay } from "../../src/board/PresenceRelay";
import {
  type ClientMessage,
  clientMessage,
  PROTOCOL_VERSION,
  type ServerMessage,
  serverMessage,
} from "../../src/domain/protocol";

// The wire, exactly: each message type as JSON text. A change here is a change of
// the protocol, and shows up in this file's diff (bump PROTOCOL_VERSION with it).

const presence = { userId: "usr_ana", name: "Ana", taskKey: "WEB-7", activity: "dragging" } as const;
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
    { type: "presence", people: [presence] },
    '{"type":"presence","people":[{"userId":"usr_ana","name":"Ana","taskKey":"WEB-7","activity":"dragging"}]}',
  ],
  [
    { type: "presenceChanged", people: [presence], left: ["usr_bo"] },
    '{"type":"presenceChanged","people":[{"userId":"usr_ana","name":"Ana","taskKey":"WEB-7","activity":"dragging"}],"left":["usr_bo"]}',
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

describe("presence", () => {
  function board(count: number) {
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
    const session = (i: number, userId = `u${i}`): SessionData => ({
      sessionId: `s${i}`,
      userId,
      name: userId.toUpperCase(),
      role: "member",
      presence: null,
      seenAt: 0,
      here: true,
    });
    const arrive = (i: number, userId?: string) => {
      sockets.push(i);
      inbox.set(i, []);
      data.set(i, session(i, userId));
      return data.get(i) as SessionData;
    };
    for (let i = 0; i < count; i++) arrive(i);
    return { hub, inbox, arrive, relay: new PresenceRelay(hub) };
  }

  it("a thousand tabs of one person cost the others one message; each newcomer gets one list", () => {
    const { hub, inbox, arrive, relay } = board(1);
    relay.changed(hub.data(0), 0);
    for (let i = 1; i <= 1000; i++) relay.changed(arrive(i, "ana"), i);
    const heard = (inbox.get(0) ?? []).filter((m) => m.type === "presenceChanged");
    expect(heard).toEqual([
      { type: "presenceChanged", people: [{ userId: "u0", name: "U0", taskKey: null, activity: null }], left: [] },
      { type: "presenceChanged", people: [{ userId: "ana", name: "ANA", taskKey: null, activity: null }], left: [] },
    ]);
    expect(relay.everyone().map((p) => p.userId)).toEqual(["u0", "ana"]);
  });

  it("one person in three tabs is one entry: showing what they last did; gone with their last tab", () => {
    const { hub, inbox, arrive, relay } = board(1);
    relay.changed(hub.data(0), 0);
    const tabs = [arrive(1, "ana"), arrive(2, "ana"), arrive(3, "ana")];
    for (const tab of tabs) relay.changed(tab, 1_000);
    expect(relay.everyone().map((p) => p.userId)).toEqual(["u0", "ana"]);
    relay.changed({ ...(tabs[1] as SessionData), presence: { taskKey: "WEB-4", activity: "dragging" } }, 2_000);
    relay.left(hub.data(1));
    relay.left(hub.data(3));
    relay.left(hub.data(2));
    const heard = (inbox.get(0) ?? []).filter((m) => m.type === "presenceChanged");
    expect(heard).toEqual([
      { type: "presenceChanged", people: [{ userId: "u0", name: "U0", taskKey: null, activity: null }], left: [] },
      { type: "presenceChanged", people: [{ userId: "ana", name: "ANA", taskKey: null, activity: null }], left: [] },
      {
        type: "presenceChanged",
        people: [{ userId: "ana", name: "ANA", taskKey: "WEB-4", activity: "dragging" }],
        left: [],
      },
      // Two of Ana's tabs closing changes nothing anyone sees: nothing is sent.
      { type: "presenceChanged", people: [], left: ["ana"] },
    ]);
  });

  it("woken by a newcomer, it tells the others of them; woken by a leave, it tells the others they left", () => {
    const { hub, inbox, arrive } = board(2);
    const woken = new PresenceRelay(hub);
    woken.changed(arrive(2), 5_000);
    expect(inbox.get(0)?.at(-1)).toEqual({
      type: "presenceChanged",
      people: [{ userId: "u2", name: "U2", taskKey: null, activity: null }],
      left: [],
    });
    const again = new PresenceRelay(hub);
    const leaving = hub.data(1);
    inbox.get(0)?.splice(0);
    again.left(leaving);
    expect(inbox.get(0)).toEqual([{ type: "presenceChanged", people: [], left: ["u1"] }]);
  });

  it("a socket accepted but not yet greeted when the board restarts is announced when its hello comes", () => {
    const { hub, inbox, arrive } = board(1);
    const silent = { ...arrive(1), here: false };
    hub.setData(1, silent);
    // Restarted: another session's change reads the table back first.
    const woken = new PresenceRelay(hub);
    woken.changed(hub.data(0), 1_000);
    inbox.get(0)?.splice(0);
    woken.changed({ ...silent, here: true }, 2_000);
    expect(inbox.get(0)).toEqual([
      { type: "presenceChanged", people: [{ userId: "u1", name: "U1", taskKey: null, activity: null }], left: [] },
    ]);
  });

  it("after a wake it reads who is here back from the sessions' attachments", () => {
    const { hub, relay } = board(3);
    hub.setData(1, { ...hub.data(1), presence: { taskKey: "WEB-9", activity: "editing" } });
    expect(relay.everyone()).toEqual([
      { userId: "u0", name: "U0", taskKey: null, activity: null },
      { userId: "u1", name: "U1", taskKey: "WEB-9", activity: "editing" },
      { userId: "u2", name: "U2", taskKey: null, activity: null },
    ]);
  });
});
