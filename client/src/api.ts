import type { Comment, Role, Worklog } from "../../src/domain/model";
import type { InboxNotification, NotificationKind } from "../../src/domain/notifications";
import type { ClientMessage } from "../../src/domain/protocol";
import type { HistoryEntry, Snapshot, TaskView } from "../../src/domain/views";
import type { CumulativeFlow, CycleTime } from "../../src/reporting/flowReports";
import type { Burndown, SprintSummary, VelocityEntry } from "../../src/reporting/sprintReports";
import type { TimesheetGrid } from "../../src/reporting/timesheetReport";
import type { CommandAnswer } from "./sync/SyncEngine";

// The SPA's only door to the server. Stores call it; components never fetch. Types
// come from the domain's views, the same functions that shape the API's answers.

export interface BoardSummary {
  id: string;
  name: string;
  key: string;
  mode: "kanban" | "scrum";
}

export interface User {
  id: string;
  email: string;
  name: string;
}

export interface BoardMember {
  userId: string;
  email: string;
  name: string;
  role: Role;
  addedAt: string;
}

export interface ApiToken {
  id: string;
  name: string;
  scope: "read" | "write";
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

export interface LoggedEvent {
  seq: number;
  opId: string;
  actor: string;
  at: string;
  type: string;
  payload: Record<string, unknown>;
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function send(path: string, init?: RequestInit): Promise<{ res: Response; text: string }> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      ...init,
      headers: { "content-type": "application/json", ...init?.headers },
    });
  } catch {
    throw new ApiFailure(0, "offline", "Lanes cannot be reached; check your connection and try again.");
  }
  const text = res.status === 204 ? "" : await res.text();
  if (!res.ok) throw failure(res, text);
  return { res, text };
}

function failure(res: Response, text: string): ApiFailure {
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  const error = (body as { error?: { code: string; message: string } } | null)?.error;
  return new ApiFailure(
    res.status,
    error?.code ?? "http_error",
    error?.message ?? `The server answered ${res.status}; try again in a moment.`,
  );
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const { text } = await send(path, init);
  try {
    return (text ? JSON.parse(text) : null) as T;
  } catch {
    return null as T;
  }
}

/** A CSV answer as text, with the file name the server gives it (Content-Disposition). */
async function requestFile(path: string): Promise<{ text: string; fileName: string }> {
  const { res, text } = await send(path, { headers: { accept: "text/csv" } });
  const named = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "");
  return { text, fileName: named?.[1] ?? "report.csv" };
}

/**
 * Sends a queued command over REST (`POST …/commands`), for one too large for the
 * live connection, and answers as the socket would. Throws when the request did not
 * get through or the server could not answer (the engine retries with the same opId).
 */
async function sendCommand(boardId: string, message: Extract<ClientMessage, { type: "cmd" }>): Promise<CommandAnswer> {
  const { opId, baseSeq, command } = message;
  const res = await fetch(`/api/v1/boards/${encodeURIComponent(boardId)}/commands`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ opId, baseSeq, command }),
  });
  if (res.status >= 500 || res.status === 429) throw new ApiFailure(res.status, "unavailable", "Try again shortly.");
  const body = (await res.json()) as {
    seq?: number;
    error?: { code: string; message: string; details?: { conflicts?: Record<string, unknown>[] } };
  };
  if (res.ok && typeof body.seq === "number") return { type: "ack", opId, seq: body.seq };
  const error = body.error ?? { code: "http_error", message: `The server answered ${res.status}.` };
  const conflicts = error.details?.conflicts;
  return { type: "reject", opId, code: error.code, message: error.message, ...(conflicts ? { conflicts } : {}) };
}
const json = (method: string, body?: unknown): RequestInit => ({
  method,
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});
const board = (boardId: string) => `/boards/${encodeURIComponent(boardId)}`;

/** The reports the API answers, by the last part of their path, and what each answers as JSON. */
export interface Reports {
  burndown: Burndown;
  sprint: SprintSummary;
  velocity: { sprints: VelocityEntry[]; averageCompleted: number | null };
  cfd: CumulativeFlow;
  "cycle-time": CycleTime;
  timesheet: TimesheetGrid;
}
export type ReportName = keyof Reports;
export type ReportQuery = Record<string, string | number | null | undefined>;

/** A board's report (or, with no board, the person's own timesheet across their boards). */
function reportPath(boardId: string | null, name: ReportName, query: ReportQuery): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== null && v !== undefined && v !== "") params.set(k, String(v));
  return `${boardId ? board(boardId) : ""}/reports/${name}?${params}`;
}
const task = (boardId: string, key: string) => `${board(boardId)}/tasks/${encodeURIComponent(key)}`;

export const api = {
  sendCommand,
  me: () => request<{ user: User }>("/me"),
  login: (email: string, password: string) => request<{ user: User }>("/auth/login", json("POST", { email, password })),
  signup: (email: string, name: string, password: string) =>
    request<{ user: User }>("/auth/signup", json("POST", { email, name, password })),
  logout: () => request<null>("/auth/logout", json("POST")),
  boards: () => request<{ boards: BoardSummary[] }>("/boards"),
  createBoard: (input: { name: string; key: string; mode: "kanban" | "scrum" }) =>
    request<{ board: BoardSummary }>("/boards", json("POST", input)),
  snapshot: (boardId: string) => request<Snapshot>(`${board(boardId)}/snapshot?stamps=false`),
  stateAt: (boardId: string, at: number) => request<Snapshot>(`${board(boardId)}/state?at=${at}`),
  events: (boardId: string, after: number, limit: number) =>
    request<{ events: LoggedEvent[]; nextAfter: number | null; seq: number }>(
      `${board(boardId)}/events?after=${after}&limit=${limit}`,
    ),
  task: (boardId: string, key: string) =>
    request<{ task: TaskView; comments: Comment[]; seq: number }>(task(boardId, key)),
  worklogs: (boardId: string, key: string) => request<{ worklogs: Worklog[] }>(`${task(boardId, key)}/worklogs`),
  history: (boardId: string, key: string) =>
    request<{ key: string; entries: HistoryEntry[] }>(`${task(boardId, key)}/history`),
  members: (boardId: string) => request<{ members: BoardMember[] }>(`${board(boardId)}/members`),
  addMember: (boardId: string, email: string, role: Role) =>
    request<{ member: BoardMember }>(`${board(boardId)}/members`, json("POST", { email, role })),
  changeRole: (boardId: string, userId: string, role: Role) =>
    request<{ member: BoardMember }>(
      `${board(boardId)}/members/${encodeURIComponent(userId)}`,
      json("PATCH", { role }),
    ),
  removeMember: (boardId: string, userId: string) =>
    request<null>(`${board(boardId)}/members/${encodeURIComponent(userId)}`, json("DELETE")),
  tokens: () => request<{ tokens: ApiToken[] }>("/tokens"),
  createToken: (name: string, scope: "read" | "write") =>
    request<ApiToken & { token: string }>("/tokens", json("POST", { name, scope })),
  revokeToken: (id: string) => request<null>(`/tokens/${encodeURIComponent(id)}`, json("DELETE")),
  inbox: (cursor: string | null) =>
    request<{ notifications: InboxNotification[]; unread: number; nextCursor: string | null }>(
      `/inbox?limit=30${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    ),
  markRead: (id: number) => request<null>(`/inbox/${id}/read`, json("POST")),
  markAllRead: () => request<{ marked: number }>("/inbox/read-all", json("POST")),
  inboxPreferences: () => request<{ muted: NotificationKind[] }>("/inbox/preferences"),
  report: <N extends ReportName>(boardId: string | null, name: N, query: ReportQuery) =>
    request<Reports[N]>(reportPath(boardId, name, query)),
  reportCsv: (boardId: string | null, name: ReportName, query: ReportQuery) =>
    requestFile(reportPath(boardId, name, { ...query, format: "csv" })),
  setInboxPreferences: (muted: NotificationKind[]) =>
    request<{ muted: NotificationKind[] }>("/inbox/preferences", json("PUT", { muted })),
};
