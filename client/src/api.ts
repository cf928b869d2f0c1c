import type { ClientMessage } from "../../src/domain/protocol";
import type { Snapshot } from "../../src/domain/views";
import type { CommandAnswer } from "./sync/SyncEngine";

// The SPA's only door to the server. Stores call it; components never fetch.

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

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`/api/v1${path}`, {
    ...init,
    headers: { "content-type": "application/json", ...init?.headers },
  });
  const body = res.status === 204 ? null : await res.json();
  if (!res.ok) {
    const error = (body as { error?: { code: string; message: string } } | null)?.error;
    throw new ApiFailure(
      res.status,
      error?.code ?? "http_error",
      error?.message ?? `The server answered ${res.status}.`,
    );
  }
  return body as T;
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

export const api = {
  sendCommand,
  me: () => request<{ user: User }>("/me"),
  login: (email: string, password: string) =>
    request<{ user: User }>("/auth/login", { method: "POST", body: JSON.stringify({ email, password }) }),
  logout: () => request<null>("/auth/logout", { method: "POST" }),
  boards: () => request<{ boards: BoardSummary[] }>("/boards"),
  snapshot: (boardId: string) => request<Snapshot>(`/boards/${encodeURIComponent(boardId)}/snapshot`),
};
