import type { AppType } from "@lanes/server/api/app";
import { type ClientRequestOptions, type ClientResponse, hc } from "hono/client";
import type { SuccessStatusCode } from "hono/utils/http-status";
import type { ClientMessage } from "../../src/domain/protocol";
import { early, earlySnapshot } from "./boot";
import type { CommandAnswer } from "./sync/SyncEngine";

// The SPA's only door to the server. Stores call it; components never fetch. Requests
// and answers are typed by the API's route definitions, through Hono's typed client, so
// a change to a route's request or answer shows up in the web app's typecheck.

const client = hc<AppType>("/api/v1");
const board = client.boards[":boardId"];
const task = board.tasks[":key"];

/** What a successful answer's JSON is, as the route declares it. */
type Json<R> = R extends ClientResponse<infer T, infer S, "json"> ? (S extends SuccessStatusCode ? T : never) : never;
type Answer<Call extends (...args: never[]) => Promise<unknown>> = Json<Awaited<ReturnType<Call>>>;

export type User = Answer<typeof client.me.$get>["user"];
export type BoardSummary = Answer<typeof client.boards.$post>["board"];
export type BoardMember = Answer<typeof board.members.$get>["members"][number];
export type ApiToken = Answer<typeof client.tokens.$get>["tokens"][number];
export type LoggedEvent = Answer<typeof board.events.$get>["events"][number];

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The response when it succeeded (2xx); any other answer is thrown as an ApiFailure. */
async function send<R extends ClientResponse<unknown, number, string>>(
  request: Promise<R>,
): Promise<Exclude<R, { ok: false }>> {
  let res: R;
  try {
    res = await request;
  } catch {
    throw new ApiFailure(0, "offline", "Lanes cannot be reached; check your connection and try again.");
  }
  if (!res.ok) throw failure(res.status, await res.text());
  return res as Exclude<R, { ok: false }>;
}

function failure(status: number, text: string): ApiFailure {
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  const error = (body as { error?: { code: string; message: string } } | null)?.error;
  return new ApiFailure(
    status,
    error?.code ?? "http_error",
    error?.message ?? `The server answered ${status}; try again in a moment.`,
  );
}

/** The answer's JSON, typed by the route. */
async function read<R extends ClientResponse<unknown, number, string>>(request: Promise<R>): Promise<Json<R>> {
  return (await send(request)).json() as Promise<Json<R>>;
}

/** For routes that answer 204 (or nothing the app needs). */
async function done(request: Promise<ClientResponse<unknown, number, string>>): Promise<null> {
  await send(request);
  return null;
}

/** hc puts path parameters into the URL as they are given. */
function params<P extends Record<string, string>>(values: P): P {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, encodeURIComponent(v)])) as P;
}
const onBoard = (boardId: string) => ({ param: params({ boardId }) });

/** The answer the page's first script already asked for, when there is one (see boot.ts); else the request. */
function orEarly<R>(answer: Promise<Response> | null, request: () => Promise<R>): Promise<R> {
  return answer ? (answer as Promise<unknown> as Promise<R>) : request();
}
const onTask = (boardId: string, key: string) => ({ param: params({ boardId, key }) });

/**
 * Sends a queued command over REST (`POST …/commands`), for one too large for the
 * live connection, and answers as the socket would. Throws when the request did not
 * get through or the server could not answer (the engine retries with the same opId).
 */
async function sendCommand(boardId: string, message: Extract<ClientMessage, { type: "cmd" }>): Promise<CommandAnswer> {
  const { opId, baseSeq, command } = message;
  const res = await board.commands.$post({ ...onBoard(boardId), json: { opId, baseSeq, command } });
  // 429 and 5xx come from before the route (rate limit, platform), whatever it declares.
  const status: number = res.status;
  if (status >= 500 || status === 429) throw new ApiFailure(status, "unavailable", "Try again shortly.");
  if (res.ok) return { type: "ack", opId, seq: (await res.json()).seq };
  const body = (await res.json()) as {
    error?: { code: string; message: string; details?: { conflicts?: Record<string, unknown>[] } };
  };
  const error = body.error ?? { code: "http_error", message: `The server answered ${status}.` };
  const conflicts = error.details?.conflicts;
  return { type: "reject", opId, code: error.code, message: error.message, ...(conflicts ? { conflicts } : {}) };
}

type BoardReports = typeof board.reports;
/**
 * The reports the API answers, by the last part of their path, and what each answers
 * as JSON. Each route declares its CSV (`?format=csv`) beside the JSON under one 200,
 * so the typed client sees a string or a bare Response there too: the JSON is the rest.
 */
export type Reports = { [N in keyof BoardReports]: Exclude<Answer<BoardReports[N]["$get"]>, string | Response> };
export type ReportName = keyof Reports;
export type ReportQuery = Record<string, string | number | null | undefined>;

/**
 * A board's report (or, with no board, the person's own timesheet across their boards).
 * The stores build each report's query from what is on screen, one shape for all six;
 * the server checks it against the route (400 naming each problem), so here it is
 * passed on as strings rather than typed per report.
 */
function requestReport(boardId: string | null, name: ReportName, query: ReportQuery, options?: ClientRequestOptions) {
  const strings: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) if (v !== null && v !== undefined && v !== "") strings[k] = String(v);
  type AnyReport = (
    args: { param?: { boardId: string }; query: Record<string, string> },
    options?: ClientRequestOptions,
  ) => Promise<ClientResponse<unknown, number, string>>;
  const route = (boardId ? board.reports[name].$get : client.reports.timesheet.$get) as AnyReport;
  return route({ ...(boardId ? onBoard(boardId) : {}), query: strings }, options);
}

export const api = {
  sendCommand,
  me: () => read(orEarly(early("me"), () => client.me.$get())),
  login: (email: string, password: string) => read(client.auth.login.$post({ json: { email, password } })),
  signup: (email: string, name: string, password: string) =>
    read(client.auth.signup.$post({ json: { email, name, password } })),
  logout: () => done(client.auth.logout.$post()),
  boards: () => read(orEarly(early("boards"), () => client.boards.$get())),
  createBoard: (input: { name: string; key: string; mode: "kanban" | "scrum" }) =>
    read(client.boards.$post({ json: input })),
  /** By the board's id or its key (WEB). */
  snapshot: (boardIdOrKey: string) =>
    read(
      orEarly(earlySnapshot(boardIdOrKey), () =>
        board.snapshot.$get({ ...onBoard(boardIdOrKey), query: { stamps: "false", tasks: "columns" } }),
      ),
    ),
  stateAt: (boardId: string, at: number) => read(board.state.$get({ ...onBoard(boardId), query: { at: String(at) } })),
  events: (boardId: string, after: number, limit: number) =>
    read(board.events.$get({ ...onBoard(boardId), query: { after: String(after), limit: String(limit) } })),
  task: (boardId: string, key: string) => read(task.$get(onTask(boardId, key))),
  worklogs: (boardId: string, key: string) => read(task.worklogs.$get(onTask(boardId, key))),
  history: (boardId: string, key: string) => read(task.history.$get(onTask(boardId, key))),
  members: (boardId: string) => read(board.members.$get(onBoard(boardId))),
  addMember: (boardId: string, email: string, role: BoardMember["role"]) =>
    read(board.members.$post({ ...onBoard(boardId), json: { email, role } })),
  changeRole: (boardId: string, userId: string, role: BoardMember["role"]) =>
    read(board.members[":userId"].$patch({ param: params({ boardId, userId }), json: { role } })),
  removeMember: (boardId: string, userId: string) =>
    done(board.members[":userId"].$delete({ param: params({ boardId, userId }) })),
  tokens: () => read(client.tokens.$get()),
  createToken: (name: string, scope: "read" | "write") => read(client.tokens.$post({ json: { name, scope } })),
  revokeToken: (id: string) => done(client.tokens[":tokenId"].$delete({ param: params({ tokenId: id }) })),
  inbox: (cursor: string | null) => read(client.inbox.$get({ query: { limit: "30", ...(cursor ? { cursor } : {}) } })),
  markRead: (id: number) => done(client.inbox[":notificationId"].read.$post({ param: { notificationId: String(id) } })),
  markAllRead: () => read(client.inbox["read-all"].$post()),
  inboxPreferences: () => read(client.inbox.preferences.$get()),
  report: async <N extends ReportName>(boardId: string | null, name: N, query: ReportQuery) =>
    (await send(requestReport(boardId, name, query))).json() as Promise<Reports[N]>,
  reportCsv: async (boardId: string | null, name: ReportName, query: ReportQuery) => {
    const res = await send(
      requestReport(boardId, name, { ...query, format: "csv" }, { headers: { accept: "text/csv" } }),
    );
    const named = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "");
    return { text: await res.text(), fileName: named?.[1] ?? "report.csv" };
  },
  setInboxPreferences: (muted: Answer<typeof client.inbox.preferences.$get>["muted"]) =>
    read(client.inbox.preferences.$put({ json: { muted } })),
};
