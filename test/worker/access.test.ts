import { runDurableObjectAlarm } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  BASE,
  boardState,
  call,
  eventCount,
  expectError,
  type Json,
  me,
  myId,
  newBoard,
  ORIGIN,
  type Person,
  roomOf,
  signUp,
  uniqueBoardKey,
} from "./helpers";
import { endpoint } from "./webhookHelpers";

// Who may do what, from the outside. The authorization matrix calls every
// operation of the OpenAPI document as five kinds of caller and checks the answer
// against an explicit table, so a route added without an entry fails here. The
// other suites check that access changes take effect on the very next request,
// that a board keeps an owner, and that lists and search show only your boards.

const PASSWORD = "correct horse battery staple";
const MISSING_BOARD = "brd_000000000000000000000000";

let addresses = 0;
/** Each request from an address of its own, so the per-address sign-in limit stays out of the way. */
function freshIp(): string {
  addresses += 1;
  return `198.19.${addresses >> 8}.${addresses & 255}`;
}

interface Reply {
  status: number;
  text: string;
  body: Json;
  headers: Headers;
}

/** One request as `as` (null: nobody), from the app's origin, with the raw answer text kept for byte comparisons. */
async function send(
  method: string,
  path: string,
  as: Person | null,
  options: { body?: string; contentType?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const res = await exports.default.fetch(`${BASE}${path}`, {
    method,
    headers: {
      "content-type": options.contentType ?? "application/json",
      origin: ORIGIN,
      "cf-connecting-ip": freshIp(),
      ...(as ? { cookie: as.cookie } : {}),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  // A live connection the matrix opened is closed at once.
  if (res.webSocket) {
    res.webSocket.accept();
    res.webSocket.close(1000, "matrix");
  }
  // Decoded by hand: .text() warns about an NDJSON body (an exported board log).
  const text = new TextDecoder().decode(await res.arrayBuffer());
  let body: Json = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: res.status, text, body, headers: res.headers };
}

const sendJson = (method: string, path: string, as: Person | null, body?: unknown) =>
  send(method, path, as, body === undefined ? {} : { body: JSON.stringify(body) });

// ---------------------------------------------------------------------------
// The authorization matrix
// ---------------------------------------------------------------------------

type Role = "anonymous" | "stranger" | "viewer" | "member" | "owner";
const ROLES: Role[] = ["anonymous", "stranger", "viewer", "member", "owner"];

/** "ok": a 2xx answer. Otherwise the refusal, with its status and code. */
type Outcome = "ok" | { status: 401 | 403 | 404; code: string };
type Access = Record<Role, Outcome>;

const OK = "ok";
const NOT_SIGNED_IN = { status: 401, code: "not_signed_in" } as const;
const HIDDEN = { status: 404, code: "board_not_found" } as const;
const READ_ONLY = { status: 403, code: "read_only" } as const;
const OWNERS_ONLY = { status: 403, code: "owners_only" } as const;

/** Signing up, in and out: open to everyone. */
const ANYONE: Access = { anonymous: OK, stranger: OK, viewer: OK, member: OK, owner: OK };
/** Your own account, your boards list, search, creating boards: any signed-in person. */
const SIGNED_IN: Access = { ...ANYONE, anonymous: NOT_SIGNED_IN };
/** A board's contents: its members; strangers learn nothing, not even that it exists. */
const BOARD_READ: Access = { anonymous: NOT_SIGNED_IN, stranger: HIDDEN, viewer: OK, member: OK, owner: OK };
/** A board's work (tasks, comments, commands): members and owners. */
const BOARD_WRITE: Access = { ...BOARD_READ, viewer: READ_ONLY };
/** A board's settings, members, operations and deletion: owners only. */
const BOARD_OWNER: Access = { ...BOARD_WRITE, viewer: OWNERS_ONLY, member: OWNERS_ONLY };

/**
 * Starts or stops (discarding) the timer of whoever the call is made as (the owner
 * for those who may not run one), whatever state it was in: answers 2xx or 422.
 */
async function timerOf({ role, caller, board }: CallContext, action: "start" | "stop") {
  const path = `/boards/${board.id}/tasks/${board.task}/timer${action === "stop" ? "/stop" : ""}`;
  const body = action === "stop" ? { discard: true } : undefined;
  const res = role === "member" && caller ? await sendJson("POST", path, caller, body) : await call("POST", path, body);
  expect([200, 201, 422], JSON.stringify(res.body)).toContain(res.status);
}

/** A sprint of its own for a call that uses one up; `start` makes it the (a) running one. */
async function newSprint(board: Fixture, options: { parallel?: boolean; start?: boolean } = {}) {
  if (options.parallel) {
    const settings = await call("PATCH", `/boards/${board.id}/settings`, { parallelSprints: true });
    expect(settings.status, JSON.stringify(settings.body)).toBe(200);
  }
  const created = await call("POST", `/boards/${board.id}/sprints`, { name: "For one call" });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const sprintId: string = created.body.sprint.id;
  if (options.start) {
    const started = await call("POST", `/boards/${board.id}/sprints/${sprintId}/start`, {});
    expect(started.status, JSON.stringify(started.body)).toBe(200);
  }
  return { sprintId };
}

/** A board every role stands in a known relation to, with something behind every path parameter. */
interface Fixture {
  id: string;
  key: string;
  /** An active task. */
  task: string;
  /** An archived task (restore, delete). */
  archived: string;
  /** An active task the archive row may archive. */
  spare: string;
  ownerComment: string;
  memberComment: string;
  ownerWorklog: string;
  memberWorklog: string;
  /** A sprint not started yet, with the active task planned in it. */
  sprint: string;
  /** A webhook subscription, and a delivery in its log. */
  webhook: string;
  delivery: string;
}

interface CallContext {
  role: Role;
  caller: Person | null;
  board: Fixture;
}

interface Row {
  access: Access;
  /** The status "ok" means when it is not a 2xx (a WebSocket upgrade answers 101). */
  success?: number;
  headers?: Record<string, string>;
  body?: (ctx: CallContext) => unknown;
  /** A body that is not JSON. */
  raw?: (ctx: CallContext) => Promise<{ body: string; contentType: string }>;
  query?: (ctx: CallContext) => string;
  /** Path parameters that differ from the defaults (see `pathFor`). */
  params?: (ctx: CallContext) => Record<string, string>;
  /** Prepares what the call needs and returns path parameters (a token to revoke). */
  setup?: (ctx: CallContext) => Promise<Record<string, string>>;
  /**
   * The call changes what later calls rely on: "board" gives every call a board of
   * its own, set up like the shared one; "person" makes every signed-in caller a
   * new person (signing out must not sign the matrix's people out).
   */
  fresh?: "board" | "person";
}

let people: Record<Exclude<Role, "anonymous">, Person> & { target: Person; signer: Person };
/** The sprint the burndown row's setup started for its call. */
let startedSprint = "";
let shared: Fixture;

/** Each key is "METHOD path" exactly as the OpenAPI document names the operation, without /api/v1. */
const MATRIX: Record<string, Row> = {
  "POST /auth/signup": {
    access: ANYONE,
    body: () => ({ email: `matrix.${crypto.randomUUID().slice(0, 8)}@lanes.test`, name: "Matrix", password: PASSWORD }),
  },
  "POST /auth/login": { access: ANYONE, body: () => ({ email: people.signer.email, password: PASSWORD }) },
  "POST /auth/logout": { access: ANYONE, fresh: "person" },
  "POST /auth/logout-everywhere": { access: SIGNED_IN, fresh: "person" },
  "GET /me": { access: SIGNED_IN },
  "GET /tokens": { access: SIGNED_IN },
  "POST /tokens": { access: SIGNED_IN, body: () => ({ name: "matrix", scope: "read" }) },
  "DELETE /tokens/{tokenId}": {
    access: SIGNED_IN,
    setup: async ({ caller }) => {
      if (!caller) return { tokenId: "tok_000000000000000000000000" };
      const res = await sendJson("POST", "/tokens", caller, { name: "to revoke", scope: "read" });
      expect(res.status, res.text).toBe(201);
      return { tokenId: res.body.id };
    },
  },
  "GET /boards": { access: SIGNED_IN },
  "POST /boards": { access: SIGNED_IN, body: () => ({ name: "Matrix board", key: uniqueBoardKey("M") }) },
  "GET /boards/{boardId}": { access: BOARD_READ },
  "PATCH /boards/{boardId}": { access: BOARD_OWNER, body: () => ({ name: "Renamed by the matrix" }) },
  "DELETE /boards/{boardId}": { access: BOARD_OWNER, fresh: "board" },
  "GET /boards/{boardId}/members": { access: BOARD_READ },
  // Adds the stranger, so each call has a board of its own.
  "POST /boards/{boardId}/members": {
    access: BOARD_OWNER,
    fresh: "board",
    body: () => ({ email: people.stranger.email, role: "viewer" }),
  },
  "PATCH /boards/{boardId}/members/{userId}": { access: BOARD_OWNER, body: () => ({ role: "viewer" }) },
  "DELETE /boards/{boardId}/members/{userId}": { access: BOARD_OWNER, fresh: "board" },
  "GET /boards/{boardId}/columns": { access: BOARD_READ },
  "POST /boards/{boardId}/columns": { access: BOARD_OWNER, body: () => ({ name: "Review", category: "in_progress" }) },
  "PATCH /boards/{boardId}/columns/{columnId}": { access: BOARD_OWNER, body: () => ({ name: "Doing" }) },
  "DELETE /boards/{boardId}/columns/{columnId}": { access: BOARD_OWNER, fresh: "board" },
  "POST /boards/{boardId}/columns/{columnId}/move": { access: BOARD_OWNER, body: () => ({ afterColumnId: null }) },
  "GET /boards/{boardId}/tasks": { access: BOARD_READ },
  "POST /boards/{boardId}/tasks": { access: BOARD_WRITE, body: () => ({ title: "Made by the matrix" }) },
  "GET /boards/{boardId}/tasks/{key}": { access: BOARD_READ },
  "PATCH /boards/{boardId}/tasks/{key}": { access: BOARD_WRITE, body: () => ({ title: "Changed by the matrix" }) },
  "DELETE /boards/{boardId}/tasks/{key}": {
    access: BOARD_WRITE,
    fresh: "board",
    params: ({ board }) => ({ key: board.archived }),
  },
  "POST /boards/{boardId}/tasks/{key}/move": { access: BOARD_WRITE, body: () => ({ columnId: "done" }) },
  "POST /boards/{boardId}/tasks/{key}/archive": { access: BOARD_WRITE, params: ({ board }) => ({ key: board.spare }) },
  "POST /boards/{boardId}/tasks/{key}/restore": {
    access: BOARD_WRITE,
    params: ({ board }) => ({ key: board.archived }),
  },
  "GET /boards/{boardId}/tasks/{key}/history": { access: BOARD_READ },
  "POST /boards/{boardId}/tasks/{key}/comments": { access: BOARD_WRITE, body: () => ({ body: "From the matrix" }) },
  // Only authors edit a comment: each caller edits their own (the owner's, for those who have none).
  "PATCH /boards/{boardId}/tasks/{key}/comments/{commentId}": {
    access: BOARD_WRITE,
    body: () => ({ body: "Edited by the matrix" }),
  },
  "DELETE /boards/{boardId}/tasks/{key}/comments/{commentId}": { access: BOARD_WRITE, fresh: "board" },
  "GET /boards/{boardId}/tasks/{key}/worklogs": { access: BOARD_READ },
  "POST /boards/{boardId}/tasks/{key}/worklogs": { access: BOARD_WRITE, body: () => ({ timeSpent: "15m" }) },
  // Like comments: each caller edits their own worklog (the owner's, for those who have none).
  "PATCH /boards/{boardId}/tasks/{key}/worklogs/{worklogId}": {
    access: BOARD_WRITE,
    body: () => ({ comment: `Edited by the matrix ${crypto.randomUUID()}` }),
  },
  // Each caller deletes a worklog of their own (the owner's, for those who may not log time).
  "DELETE /boards/{boardId}/tasks/{key}/worklogs/{worklogId}": {
    access: BOARD_WRITE,
    setup: async ({ role, caller, board }) => {
      const as = role === "member" ? caller : null;
      const path = `/boards/${board.id}/tasks/${board.task}/worklogs`;
      const res = as
        ? await sendJson("POST", path, as, { timeSpent: "5m" })
        : await call("POST", path, { timeSpent: "5m" });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return { worklogId: res.body.worklog.id };
    },
  },
  // Each person runs one timer: a call stops (discards) the caller's own first, or starts it.
  "POST /boards/{boardId}/tasks/{key}/timer": {
    access: BOARD_WRITE,
    setup: async (ctx) => {
      await timerOf(ctx, "stop");
      return {};
    },
  },
  "POST /boards/{boardId}/tasks/{key}/timer/stop": {
    access: BOARD_WRITE,
    body: () => ({ comment: "Timed by the matrix" }),
    setup: async (ctx) => {
      await timerOf(ctx, "start");
      return {};
    },
  },
  "GET /boards/{boardId}/sprints": { access: BOARD_READ },
  "GET /boards/{boardId}/timesheet": {
    access: BOARD_READ,
    query: () => "?from=2026-01-01&to=2026-01-31&timeZone=Europe/Paris&userId=me",
  },
  "POST /boards/{boardId}/sprints": { access: BOARD_WRITE, body: () => ({ name: "Planned by the matrix" }) },
  "GET /boards/{boardId}/sprints/{sprintId}": { access: BOARD_READ },
  "PATCH /boards/{boardId}/sprints/{sprintId}": { access: BOARD_WRITE, body: () => ({ goal: "Set by the matrix" }) },
  "DELETE /boards/{boardId}/sprints/{sprintId}": { access: BOARD_WRITE, setup: ({ board }) => newSprint(board) },
  // Planned already: the answer is the sprint, unchanged.
  "POST /boards/{boardId}/sprints/{sprintId}/tasks": {
    access: BOARD_WRITE,
    body: ({ board }) => ({ keys: [board.task] }),
  },
  "DELETE /boards/{boardId}/sprints/{sprintId}/tasks/{key}": {
    access: BOARD_WRITE,
    setup: async ({ board }) => {
      const res = await call("POST", `/boards/${board.id}/sprints/${board.sprint}/tasks`, { keys: [board.task] });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return {};
    },
  },
  // Each call starts a sprint of its own: the board runs sprints in parallel for the matrix.
  "POST /boards/{boardId}/sprints/{sprintId}/start": {
    access: BOARD_WRITE,
    body: () => ({}),
    setup: ({ board }) => newSprint(board, { parallel: true }),
  },
  "POST /boards/{boardId}/sprints/{sprintId}/complete": {
    access: BOARD_WRITE,
    body: () => ({ moveOpenTo: "backlog" }),
    setup: ({ board }) => newSprint(board, { parallel: true, start: true }),
  },
  "GET /boards/{boardId}/backlog": { access: BOARD_READ },
  "POST /boards/{boardId}/backlog/rank": {
    access: BOARD_WRITE,
    body: ({ board }) => ({ keys: [board.task], position: "top" }),
  },
  "PATCH /boards/{boardId}/settings": { access: BOARD_OWNER, body: () => ({ hoursPerDay: 8 }) },
  "GET /boards/{boardId}/snapshot": { access: BOARD_READ },
  "GET /boards/{boardId}/events": { access: BOARD_READ, query: () => "?after=0&limit=10" },
  "GET /boards/{boardId}/state": { access: BOARD_READ, query: () => "?at=1" },
  "POST /boards/{boardId}/commands": {
    access: BOARD_WRITE,
    body: () => ({
      opId: crypto.randomUUID(),
      baseSeq: 0,
      command: { type: "createTask", task: { title: "Sent as a command" } },
    }),
  },
  // Reports read D1's projections: each call first lets the board's subscriber catch up.
  "GET /boards/{boardId}/reports/burndown": {
    access: BOARD_READ,
    setup: async ({ board }) => {
      startedSprint = (await newSprint(board, { parallel: true, start: true })).sprintId;
      await runDurableObjectAlarm(roomOf(board.id));
      return {};
    },
    query: () => `?sprint=${startedSprint}`,
  },
  "GET /boards/{boardId}/reports/sprint": {
    access: BOARD_READ,
    setup: async ({ board }) => {
      await runDurableObjectAlarm(roomOf(board.id));
      return {};
    },
    query: ({ board }) => `?sprint=${board.sprint}`,
  },
  "GET /boards/{boardId}/reports/velocity": { access: BOARD_READ, query: () => "?sprints=3" },
  "GET /boards/{boardId}/reports/cfd": { access: BOARD_READ, query: () => "?from=2026-01-01&to=2026-01-31" },
  "GET /boards/{boardId}/reports/cycle-time": { access: BOARD_READ, query: () => "?from=2026-01-01&to=2026-01-31" },
  "GET /boards/{boardId}/reports/timesheet": {
    access: BOARD_READ,
    query: () => "?from=2026-01-01&to=2026-01-31&timeZone=Europe/Paris&format=csv",
  },
  "GET /reports/timesheet": { access: SIGNED_IN, query: () => "?from=2026-01-01&to=2026-01-07" },
  "GET /reports/delivery": { access: SIGNED_IN, query: () => "?from=2026-01-01&to=2026-01-07" },
  "GET /boards/{boardId}/subscribers": { access: BOARD_OWNER },
  "POST /boards/{boardId}/subscribers/{name}/rebuild": { access: BOARD_OWNER },
  "GET /boards/{boardId}/diagnostics": { access: BOARD_OWNER },
  "GET /search/tasks": { access: SIGNED_IN, query: () => "?q=matrix" },
  "GET /boards/{boardId}/export": { access: BOARD_READ },
  "GET /boards/{boardId}/ws": { access: BOARD_READ, headers: { upgrade: "websocket" }, success: 101 },
  "GET /boards/{boardId}/webhooks": { access: BOARD_OWNER },
  "POST /boards/{boardId}/webhooks": {
    access: BOARD_OWNER,
    body: () => ({ url: endpoint().url, events: ["board.renamed"] }),
  },
  "GET /boards/{boardId}/webhooks/{webhookId}": { access: BOARD_OWNER },
  "PATCH /boards/{boardId}/webhooks/{webhookId}": {
    access: BOARD_OWNER,
    body: () => ({ description: "By the matrix" }),
  },
  "DELETE /boards/{boardId}/webhooks/{webhookId}": {
    access: BOARD_OWNER,
    setup: async ({ board }) => ({ webhookId: await newWebhook(board.id) }),
  },
  "POST /boards/{boardId}/webhooks/{webhookId}/test": { access: BOARD_OWNER },
  "GET /boards/{boardId}/webhooks/{webhookId}/deliveries": { access: BOARD_OWNER },
  "POST /boards/{boardId}/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver": { access: BOARD_OWNER },
  "POST /boards/{boardId}/webhooks/{webhookId}/rotate-secret": { access: BOARD_OWNER },
  "GET /inbox": { access: SIGNED_IN },
  // Each caller marks a notification of their own read.
  "POST /inbox/{notificationId}/read": {
    access: SIGNED_IN,
    setup: async ({ caller }) => ({ notificationId: caller ? String(await notificationFor(caller)) : "1" }),
  },
  "POST /inbox/read-all": { access: SIGNED_IN },
  "GET /inbox/preferences": { access: SIGNED_IN },
  "PUT /inbox/preferences": { access: SIGNED_IN, body: () => ({ muted: [] }) },
  "GET /inbox/ws": { access: SIGNED_IN, headers: { upgrade: "websocket" }, success: 101 },
  "POST /boards/import": {
    access: SIGNED_IN,
    query: () => `?key=${uniqueBoardKey("I")}`,
    raw: async () => {
      const exported = await send("GET", `/boards/${shared.id}/export`, people.owner);
      expect(exported.status).toBe(200);
      return { body: exported.text, contentType: "application/x-ndjson" };
    },
  },
};

/** A webhook on the board (to the loopback receiver, for one rare event type), made by its owner. */
async function newWebhook(boardId: string): Promise<string> {
  const fields = { url: endpoint().url, events: ["board.renamed"], description: "", active: true };
  const created = await roomOf(boardId).webhooks().create(fields, myId());
  if ("refused" in created) throw new Error(String(created.refused));
  return created.webhook.id;
}

/** Puts a notification in `person`'s inbox, as a board would, and returns its id. */
async function notificationFor(person: Person): Promise<number> {
  const inbox = env.INBOX.get(env.INBOX.idFromName(person.id));
  const key = crypto.randomUUID();
  const notice = {
    key,
    kinds: ["assigned" as const],
    boardId: "brd_matrix",
    boardName: "Matrix",
    taskKey: null,
    title: null,
  };
  await inbox.deliver([
    {
      ...notice,
      actorId: "someone",
      actorName: "Someone",
      seq: null,
      at: new Date().toISOString(),
      text: "For the matrix",
    },
  ]);
  const page = await inbox.page(1, null);
  return page.notifications[0]?.id ?? 0;
}

/** A board owned by the default person, with the viewer, the member and the target as members. */
async function makeFixture(): Promise<Fixture> {
  const { id, key } = await newBoard({ name: "Matrix", mode: "scrum" });
  for (const [person, role] of [
    [people.viewer, "viewer"],
    [people.member, "member"],
    [people.target, "member"],
  ] as const) {
    const added = await call("POST", `/boards/${id}/members`, { email: person.email, role });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
  }
  for (const title of ["Active", "Archived", "Spare"]) {
    expect((await call("POST", `/boards/${id}/tasks`, { title })).status).toBe(201);
  }
  expect((await call("POST", `/boards/${id}/tasks/${key}-2/archive`)).status).toBe(200);
  const ownerComment = await call("POST", `/boards/${id}/tasks/${key}-1/comments`, { body: "By the owner" });
  expect(ownerComment.status).toBe(201);
  const memberComment = await sendJson("POST", `/boards/${id}/tasks/${key}-1/comments`, people.member, {
    body: "By the member",
  });
  expect(memberComment.status, memberComment.text).toBe(201);
  const ownerWorklog = await call("POST", `/boards/${id}/tasks/${key}-1/worklogs`, { timeSpent: "1h" });
  expect(ownerWorklog.status, JSON.stringify(ownerWorklog.body)).toBe(201);
  const memberWorklog = await sendJson("POST", `/boards/${id}/tasks/${key}-1/worklogs`, people.member, {
    timeSpent: "30m",
  });
  expect(memberWorklog.status, memberWorklog.text).toBe(201);
  const sprint = await call("POST", `/boards/${id}/sprints`, { name: "Matrix sprint" });
  expect(sprint.status, JSON.stringify(sprint.body)).toBe(201);
  const planned = await call("POST", `/boards/${id}/sprints/${sprint.body.sprint.id}/tasks`, { keys: [`${key}-1`] });
  expect(planned.status, JSON.stringify(planned.body)).toBe(200);
  // Through the board itself: the owner's changes per minute are rate limited, and the matrix makes many.
  const webhook = await newWebhook(id);
  const ping = await roomOf(id).webhooks().test(webhook);
  expect(ping?.status).toBe(200);
  return {
    webhook,
    delivery: ping?.id ?? "",
    id,
    key,
    task: `${key}-1`,
    archived: `${key}-2`,
    spare: `${key}-3`,
    ownerComment: ownerComment.body.comment.id,
    memberComment: memberComment.body.comment.id,
    ownerWorklog: ownerWorklog.body.worklog.id,
    memberWorklog: memberWorklog.body.worklog.id,
    sprint: sprint.body.sprint.id,
  };
}

/** Fills the document's path template: `{boardId}` and friends, from the call's board and people. */
function pathFor(template: string, ctx: CallContext, overrides: Record<string, string>): string {
  const defaults: Record<string, string> = {
    boardId: ctx.board.id,
    key: ctx.board.task,
    columnId: "in_progress",
    commentId: ctx.role === "member" ? ctx.board.memberComment : ctx.board.ownerComment,
    worklogId: ctx.role === "member" ? ctx.board.memberWorklog : ctx.board.ownerWorklog,
    sprintId: ctx.board.sprint,
    userId: people.target.id,
    name: "task-index",
    webhookId: ctx.board.webhook,
    deliveryId: ctx.board.delivery,
  };
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = overrides[name] ?? defaults[name];
    if (value === undefined) throw new Error(`the matrix has no value for {${name}} in ${template}: add one`);
    return value;
  });
}

interface Operation {
  responses: Record<string, unknown>;
}

let documented: Map<string, Operation>;

async function openApiOperations(): Promise<Map<string, Operation>> {
  const res = await send("GET", "/openapi.json", null);
  expect(res.status).toBe(200);
  const operations = new Map<string, Operation>();
  for (const [path, item] of Object.entries(res.body.paths as Record<string, Record<string, Operation>>)) {
    for (const [method, operation] of Object.entries(item)) {
      operations.set(`${method.toUpperCase()} ${path.replace(/^\/api\/v1/, "")}`, operation);
    }
  }
  return operations;
}

beforeAll(async () => {
  const owner = await me();
  people = {
    owner,
    member: await signUp("Member"),
    viewer: await signUp("Viewer"),
    stranger: await signUp("Stranger"),
    target: await signUp("Target"),
    signer: await signUp("Signer"),
  };
  shared = await makeFixture();
  documented = await openApiOperations();
});

describe("the authorization matrix", () => {
  it("has exactly one entry for every operation of the OpenAPI document", () => {
    const table = Object.keys(MATRIX).sort();
    const operations = [...documented.keys()].sort();
    expect(
      operations.filter((op) => !(op in MATRIX)),
      "operations missing from the matrix",
    ).toEqual([]);
    expect(
      table.filter((op) => !documented.has(op)),
      "matrix entries the document does not have",
    ).toEqual([]);
    expect(table).toEqual(operations);
  });

  describe.each(Object.entries(MATRIX))("%s", (operation, row) => {
    const [method, template] = operation.split(" ") as [string, string];
    const boardRoute = template.includes("{boardId}");

    it.each(ROLES)("as %s", async (role) => {
      const declared = documented.get(operation);
      expect(declared, `${operation} is not in the document`).toBeDefined();
      const board = row.fresh === "board" ? await makeFixture() : shared;
      const caller =
        role === "anonymous" ? null : row.fresh === "person" ? await signUp(`Fresh ${role}`) : people[role];
      const ctx: CallContext = { role, caller, board };
      const params = { ...(row.params?.(ctx) ?? {}), ...((await row.setup?.(ctx)) ?? {}) };
      const path = pathFor(template, ctx, params) + (row.query?.(ctx) ?? "");
      const raw = await row.raw?.(ctx);
      const json = row.body?.(ctx);
      const request = {
        ...(raw ? { body: raw.body, contentType: raw.contentType } : {}),
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
        ...(row.headers ? { headers: row.headers } : {}),
      };

      const res = await send(method, path, caller, request);
      const expected = row.access[role];
      if (expected === OK && row.success !== undefined) {
        expect(res.status, `${operation} as ${role}: ${res.text}`).toBe(row.success);
      } else if (expected === OK) {
        expect(res.status, `${operation} as ${role}: ${res.text}`).toBeGreaterThanOrEqual(200);
        expect(res.status, `${operation} as ${role}: ${res.text}`).toBeLessThan(300);
      } else {
        expectError({ status: res.status, body: res.body, headers: res.headers }, expected.status, expected.code);
      }
      // The document tells the truth: whatever this caller got is among the answers it lists.
      expect(Object.keys(declared?.responses ?? {}), `${operation} answered ${res.status} as ${role}`).toContain(
        String(res.status),
      );

      // A stranger cannot tell this board from one that does not exist: the same bytes come back.
      if (role === "stranger" && boardRoute) {
        const missing = await send(method, path.replace(board.id, MISSING_BOARD), caller, request);
        expect(missing.status).toBe(res.status);
        expect(missing.text).toBe(res.text);
      }
    });
  });
});

// ---------------------------------------------------------------------------
// A stranger's 404
// ---------------------------------------------------------------------------

describe("what a stranger sees", () => {
  it("gets a 404 byte for byte the same as for a board that does not exist, on reads and writes", async () => {
    const stranger = await signUp("Outsider");
    const board = await newBoard({ name: "Secret plans" });
    expect((await call("POST", `/boards/${board.id}/tasks`, { title: "Secret task" })).status).toBe(201);
    const requests: [string, string, unknown?][] = [
      ["GET", "/boards/{id}"],
      ["GET", "/boards/{id}/snapshot"],
      ["GET", "/boards/{id}/members"],
      ["GET", `/boards/{id}/tasks/${board.key}-1`],
      ["PATCH", `/boards/{id}/tasks/${board.key}-1`, { title: "Mine now" }],
      ["POST", "/boards/{id}/members", { email: stranger.email, role: "owner" }],
      ["DELETE", "/boards/{id}"],
    ];
    for (const [method, template, body] of requests) {
      const real = await sendJson(method, template.replace("{id}", board.id), stranger, body);
      const missing = await sendJson(method, template.replace("{id}", MISSING_BOARD), stranger, body);
      expectError(real, 404, "board_not_found");
      expect(real.status).toBe(missing.status);
      expect(real.text).toBe(missing.text);
      expect(real.headers.get("content-type")).toBe(missing.headers.get("content-type"));
      expect(real.headers.get("etag")).toBeNull();
      expect(real.text).not.toContain("Secret");
    }
    const after = await boardState(board.id);
    expect(after.board.name).toBe("Secret plans");
    expect(after.members.map((m: Json) => m.userId)).toEqual([myId()]);
    expect(after.tasks.map((t: Json) => t.title)).toEqual(["Secret task"]);
  });
});

// ---------------------------------------------------------------------------
// Access changes
// ---------------------------------------------------------------------------

async function memberEvents(boardId: string): Promise<Json[]> {
  const res = await call("GET", `/boards/${boardId}/events?after=0&limit=1000`);
  expect(res.status).toBe(200);
  return res.body.events
    .filter((e: Json) => e.type.startsWith("member."))
    .map((e: Json) => ({ type: e.type, actor: e.actor, payload: e.payload }));
}

describe("access changes", () => {
  it("take effect on the very next request: added, demoted to viewer, removed", async () => {
    const board = await newBoard({ name: "Team board" });
    const alice = await signUp("Alice");
    expectError(await sendJson("GET", `/boards/${board.id}`, alice), 404, "board_not_found");

    const added = await call("POST", `/boards/${board.id}/members`, {
      email: alice.email.toUpperCase(),
      role: "member",
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body.member).toEqual({
      userId: alice.id,
      email: alice.email,
      name: "Alice",
      role: "member",
      addedAt: expect.any(String),
      addedBy: myId(),
    });

    // Added: she reads, lists the board and writes, by cookie and by token.
    expect((await sendJson("GET", `/boards/${board.id}`, alice)).status).toBe(200);
    const listed = await sendJson("GET", "/boards", alice);
    expect(listed.body.boards.map((b: Json) => [b.id, b.role])).toEqual([[board.id, "member"]]);
    const created = await sendJson("POST", `/boards/${board.id}/tasks`, alice, { title: "Alice's task" });
    expect(created.status, created.text).toBe(201);
    const taskKey = created.body.task.key;
    const token = await sendJson("POST", "/tokens", alice, { name: "script", scope: "write" });
    expect(token.status).toBe(201);
    const bearer = { authorization: `Bearer ${token.body.token}` };
    const byToken = await send("PATCH", `/boards/${board.id}/tasks/${taskKey}`, null, {
      body: JSON.stringify({ priority: "high" }),
      headers: bearer,
    });
    expect(byToken.status, byToken.text).toBe(200);

    // Demoted to viewer: her next change is refused and changes nothing.
    const demoted = await call("PATCH", `/boards/${board.id}/members/${alice.id}`, { role: "viewer" });
    expect(demoted.status, JSON.stringify(demoted.body)).toBe(200);
    expect(demoted.body.member.role).toBe("viewer");
    const before = await boardState(board.id);
    expectError(
      await sendJson("PATCH", `/boards/${board.id}/tasks/${taskKey}`, alice, { title: "Still mine?" }),
      403,
      "read_only",
    );
    const refusedByToken = await send("PATCH", `/boards/${board.id}/tasks/${taskKey}`, null, {
      body: JSON.stringify({ title: "By script" }),
      headers: bearer,
    });
    expectError(refusedByToken, 403, "read_only");
    expectError(await sendJson("POST", `/boards/${board.id}/tasks`, alice, { title: "Another" }), 403, "read_only");
    const after = await boardState(board.id);
    expect(after).toEqual(before);
    expect(after.tasks.find((t: Json) => t.key === taskKey)).toMatchObject({ title: "Alice's task", priority: "high" });
    // Viewers still read.
    expect((await sendJson("GET", `/boards/${board.id}/tasks/${taskKey}`, alice)).status).toBe(200);
    expect((await sendJson("GET", "/boards", alice)).body.boards.map((b: Json) => b.role)).toEqual(["viewer"]);

    // Removed: her next request finds no board, by cookie or by token.
    expect((await call("DELETE", `/boards/${board.id}/members/${alice.id}`)).status).toBe(204);
    expectError(await sendJson("GET", `/boards/${board.id}`, alice), 404, "board_not_found");
    expectError(await sendJson("GET", `/boards/${board.id}/snapshot`, alice), 404, "board_not_found");
    expectError(
      await send("GET", `/boards/${board.id}/tasks/${taskKey}`, null, { headers: bearer }),
      404,
      "board_not_found",
    );
    expect((await sendJson("GET", "/boards", alice)).body.boards).toEqual([]);

    // The log says who granted what.
    expect(await memberEvents(board.id)).toEqual([
      { type: "member.added", actor: myId(), payload: { userId: alice.id, name: "Alice", role: "member" } },
      {
        type: "member.roleChanged",
        actor: myId(),
        payload: { userId: alice.id, role: "viewer", previousRole: "member" },
      },
      { type: "member.removed", actor: myId(), payload: { userId: alice.id, previousRole: "viewer" } },
    ]);
    const members = await call("GET", `/boards/${board.id}/members`);
    expect(members.body.members.map((m: Json) => m.userId)).toEqual([myId()]);
    expect((await boardState(board.id)).members).toEqual([{ userId: myId(), name: "Owner", role: "owner" }]);
  });

  it("adds only people who have an account, once", async () => {
    const board = await newBoard({ name: "Invitations" });
    const events = await eventCount(board.id);
    expectError(
      await call("POST", `/boards/${board.id}/members`, { email: "nobody.here@lanes.test", role: "member" }),
      404,
      "user_not_found",
    );
    const bob = await signUp("Bob");
    expect((await call("POST", `/boards/${board.id}/members`, { email: bob.email, role: "member" })).status).toBe(201);
    expectError(
      await call("POST", `/boards/${board.id}/members`, { email: bob.email, role: "owner" }),
      422,
      "member_exists",
    );
    expect(await eventCount(board.id)).toBe(events + 1);
    const members = await call("GET", `/boards/${board.id}/members`);
    expect(members.body.members.find((m: Json) => m.userId === bob.id)?.role).toBe("member");
  });
});

describe("board commands sent to /commands", () => {
  it("a rename shows in the directory, and a deletion ends everyone's access to the board", async () => {
    const board = await newBoard({ name: "Commanded" });
    const pat = await signUp("Pat");
    expect((await call("POST", `/boards/${board.id}/members`, { email: pat.email, role: "member" })).status).toBe(201);
    const command = (type: string, extra: Record<string, unknown> = {}) =>
      call("POST", `/boards/${board.id}/commands`, {
        opId: crypto.randomUUID(),
        baseSeq: 0,
        command: { type, ...extra },
      });

    expect((await command("renameBoard", { name: "Renamed by command" })).status).toBe(200);
    expect((await call("GET", `/boards/${board.id}`)).body.board.name).toBe("Renamed by command");
    const patsList = await sendJson("GET", "/boards", pat);
    expect(patsList.body.boards.map((b: Json) => b.name)).toEqual(["Renamed by command"]);

    expect((await command("deleteBoard")).status).toBe(200);
    expectError(await call("GET", `/boards/${board.id}`), 404, "board_not_found");
    expectError(await sendJson("GET", `/boards/${board.id}`, pat), 404, "board_not_found");
    expect((await sendJson("GET", "/boards", pat)).body.boards).toEqual([]);
    expect((await call("GET", "/boards")).body.boards.map((b: Json) => b.id)).not.toContain(board.id);
  });
});

// ---------------------------------------------------------------------------
// Owners and leaving
// ---------------------------------------------------------------------------

describe("a board keeps an owner", () => {
  it("refuses to remove or demote the last owner (422 last_owner) and changes nothing", async () => {
    const board = await newBoard({ name: "One owner" });
    const before = await boardState(board.id);
    const leave = expectError(await call("DELETE", `/boards/${board.id}/members/${myId()}`), 422, "last_owner");
    expect(leave.message).toContain("owner");
    expectError(await call("PATCH", `/boards/${board.id}/members/${myId()}`, { role: "member" }), 422, "last_owner");
    expectError(await call("PATCH", `/boards/${board.id}/members/${myId()}`, { role: "viewer" }), 422, "last_owner");
    expect(await boardState(board.id)).toEqual(before);
    const members = await call("GET", `/boards/${board.id}/members`);
    expect(members.body.members.map((m: Json) => [m.userId, m.role])).toEqual([[myId(), "owner"]]);
  });

  it("lets one of two owners remove the other, and then refuses to remove the one left", async () => {
    const board = await newBoard({ name: "Two owners" });
    const co = await signUp("Co");
    expect((await call("POST", `/boards/${board.id}/members`, { email: co.email, role: "owner" })).status).toBe(201);
    // The co-owner may demote the creator: both were owners.
    const demoted = await sendJson("PATCH", `/boards/${board.id}/members/${myId()}`, co, { role: "member" });
    expect(demoted.status, demoted.text).toBe(200);
    expectError(await call("PATCH", `/boards/${board.id}/members/${co.id}`, { role: "member" }), 403, "owners_only");
    expectError(await sendJson("DELETE", `/boards/${board.id}/members/${co.id}`, co), 422, "last_owner");
    expect((await sendJson("PATCH", `/boards/${board.id}/members/${myId()}`, co, { role: "owner" })).status).toBe(200);
    expect((await call("DELETE", `/boards/${board.id}/members/${co.id}`)).status).toBe(204);
    expectError(await sendJson("GET", `/boards/${board.id}`, co), 404, "board_not_found");
    expectError(await call("DELETE", `/boards/${board.id}/members/${myId()}`), 422, "last_owner");
  });

  it("lets a member or a viewer leave, but not remove anyone else (403 owners_only)", async () => {
    const board = await newBoard({ name: "Leaving" });
    const [carol, dave, erin] = [await signUp("Carol"), await signUp("Dave"), await signUp("Erin")];
    for (const [person, role] of [
      [carol, "member"],
      [dave, "member"],
      [erin, "viewer"],
    ] as const) {
      expect((await call("POST", `/boards/${board.id}/members`, { email: person.email, role })).status).toBe(201);
    }
    const events = await eventCount(board.id);

    expectError(await sendJson("DELETE", `/boards/${board.id}/members/${dave.id}`, carol), 403, "owners_only");
    expectError(await sendJson("DELETE", `/boards/${board.id}/members/${myId()}`, carol), 403, "owners_only");
    expectError(await sendJson("DELETE", `/boards/${board.id}/members/${dave.id}`, erin), 403, "owners_only");
    expectError(
      await sendJson("PATCH", `/boards/${board.id}/members/${carol.id}`, carol, { role: "owner" }),
      403,
      "owners_only",
    );
    expect(await eventCount(board.id)).toBe(events);

    const left = await sendJson("DELETE", `/boards/${board.id}/members/${carol.id}`, carol);
    expect(left.status, left.text).toBe(204);
    expectError(await sendJson("GET", `/boards/${board.id}`, carol), 404, "board_not_found");
    expect((await sendJson("DELETE", `/boards/${board.id}/members/${erin.id}`, erin)).status).toBe(204);
    expectError(await sendJson("GET", `/boards/${board.id}`, erin), 404, "board_not_found");

    const members = await call("GET", `/boards/${board.id}/members`);
    expect(members.body.members.map((m: Json) => m.userId).sort()).toEqual([dave.id, myId()].sort());
    expect((await memberEvents(board.id)).slice(-2)).toEqual([
      { type: "member.removed", actor: carol.id, payload: { userId: carol.id, previousRole: "member" } },
      { type: "member.removed", actor: erin.id, payload: { userId: erin.id, previousRole: "viewer" } },
    ]);
  });
});

// ---------------------------------------------------------------------------
// Lists and search
// ---------------------------------------------------------------------------

describe("lists and search show only your boards", () => {
  it("GET /boards and /search/tasks list only the boards the caller belongs to", async () => {
    const [ann, ben] = [await signUp("Ann"), await signUp("Ben")];
    const create = async (person: Person, name: string) => {
      const res = await sendJson("POST", "/boards", person, { name, key: uniqueBoardKey("S") });
      expect(res.status, res.text).toBe(201);
      return res.body.board as { id: string; key: string };
    };
    const annOnly = await create(ann, "Ann's board");
    const benOnly = await create(ben, "Ben's board");
    const both = await create(ann, "Shared board");
    expect(
      (await sendJson("POST", `/boards/${both.id}/members`, ann, { email: ben.email, role: "viewer" })).status,
    ).toBe(201);
    for (const [person, board, title] of [
      [ann, annOnly, "Quokka alpha"],
      [ben, benOnly, "Quokka beta"],
      [ann, both, "Quokka shared"],
    ] as const) {
      expect((await sendJson("POST", `/boards/${board.id}/tasks`, person, { title })).status).toBe(201);
      await runDurableObjectAlarm(roomOf(board.id));
    }

    const boardsOf = async (person: Person) =>
      (await sendJson("GET", "/boards", person)).body.boards.map((b: Json) => b.id).sort();
    const titlesFor = async (person: Person, query: string) => {
      const res = await sendJson("GET", `/search/tasks?${query}`, person);
      expect(res.status, res.text).toBe(200);
      return res.body.tasks.map((t: Json) => t.title).sort();
    };
    expect(await boardsOf(ann)).toEqual([annOnly.id, both.id].sort());
    expect(await boardsOf(ben)).toEqual([benOnly.id, both.id].sort());
    expect(await titlesFor(ann, "q=quokka")).toEqual(["Quokka alpha", "Quokka shared"]);
    expect(await titlesFor(ben, "q=quokka")).toEqual(["Quokka beta", "Quokka shared"]);
    // Naming someone else's board or task finds nothing.
    expect(await titlesFor(ben, `q=quokka&board=${annOnly.key}`)).toEqual([]);
    expect(await titlesFor(ben, `q=${annOnly.key}-1`)).toEqual([]);
    expect(await titlesFor(ann, `board=${annOnly.id}`)).toEqual(["Quokka alpha"]);

    // Removed from the shared board: it leaves his list and his search at once.
    expect((await sendJson("DELETE", `/boards/${both.id}/members/${ben.id}`, ann)).status).toBe(204);
    expect(await boardsOf(ben)).toEqual([benOnly.id]);
    expect(await titlesFor(ben, "q=quokka")).toEqual(["Quokka beta"]);
  });
});

// ---------------------------------------------------------------------------
// Comments
// ---------------------------------------------------------------------------

describe("comments", () => {
  it("an owner may delete anyone's comment; a member only their own; only the author edits", async () => {
    const board = await newBoard({ name: "Discussion" });
    const [mia, vic] = [await signUp("Mia"), await signUp("Vic")];
    expect((await call("POST", `/boards/${board.id}/members`, { email: mia.email, role: "member" })).status).toBe(201);
    expect((await call("POST", `/boards/${board.id}/members`, { email: vic.email, role: "viewer" })).status).toBe(201);
    expect((await call("POST", `/boards/${board.id}/tasks`, { title: "Talk about it" })).status).toBe(201);
    const task = `/boards/${board.id}/tasks/${board.key}-1`;
    const comment = async (person: Person, body: string) => {
      const res = await sendJson("POST", `${task}/comments`, person, { body });
      expect(res.status, res.text).toBe(201);
      return res.body.comment.id as string;
    };
    const ownerSays = await comment(await me(), "Owner's word");
    const miaSays = await comment(mia, "Mia's word");
    const miaAgain = await comment(mia, "Mia's second word");
    const bodies = async () => (await call("GET", task)).body.comments.map((c: Json) => c.body);
    expect(await bodies()).toEqual(["Owner's word", "Mia's word", "Mia's second word"]);

    // A member cannot edit or delete someone else's comment.
    expectError(await sendJson("DELETE", `${task}/comments/${ownerSays}`, mia), 403, "not_comment_author");
    expectError(
      await sendJson("PATCH", `${task}/comments/${ownerSays}`, mia, { body: "Rewritten" }),
      403,
      "not_comment_author",
    );
    // A viewer cannot touch any.
    expectError(await sendJson("DELETE", `${task}/comments/${miaSays}`, vic), 403, "read_only");
    // An owner may delete any comment, but edits only their own.
    expectError(
      await call("PATCH", `${task}/comments/${miaSays}`, { body: "Put words in her mouth" }),
      403,
      "not_comment_author",
    );
    expect(await bodies()).toEqual(["Owner's word", "Mia's word", "Mia's second word"]);

    const edited = await sendJson("PATCH", `${task}/comments/${miaSays}`, mia, { body: "Mia's better word" });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body.comment).toMatchObject({ id: miaSays, body: "Mia's better word", authorId: mia.id });

    expect((await sendJson("DELETE", `${task}/comments/${miaAgain}`, mia)).status).toBe(204);
    expect((await call("DELETE", `${task}/comments/${miaSays}`)).status).toBe(204);
    expect(await bodies()).toEqual(["Owner's word"]);
  });
});
