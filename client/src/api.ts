import type { Snapshot } from "../../src/domain/views";

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

export const api = {
  me: () => request<{ user: User }>("/me"),
  login: (email: string, password: string) =>
    request<{ user: User }>("/auth/login", { method: "POST", body: JSON.stringify({ email, password }) }),
  logout: () => request<null>("/auth/logout", { method: "POST" }),
  boards: () => request<{ boards: BoardSummary[] }>("/boards"),
  snapshot: (boardId: string) => request<Snapshot>(`/boards/${encodeURIComponent(boardId)}/snapshot`),
};
