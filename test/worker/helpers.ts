import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";

// Shared by the Worker tests: every call goes through the real Worker (router,
// validation, D1 directory, Durable Object), as a client would.

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely; each test asserts the shape it relies on.
export type Json = any;

export interface Answer {
  status: number;
  body: Json;
  headers: Headers;
}

export const BASE = "http://lanes.test/api/v1";

/** Sends `body` as JSON (when given) and parses the answer's JSON (null when empty). */
export function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return rawCall(method, path, body === undefined ? undefined : JSON.stringify(body), headers);
}

/** Sends `body` exactly as given: for malformed JSON and oversized bodies. */
export async function rawCall(
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await exports.default.fetch(`${BASE}${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  let parsed: Json = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

let boardCounter = 0;

/**
 * A board key unique within a test file (storage is shared by the tests of one file):
 * up to 2 letters, a 4-digit counter and 4 random digits, so keys never collide.
 */
export function uniqueBoardKey(prefix = "B"): string {
  boardCounter += 1;
  const letters = prefix.replace(/[^A-Z]/g, "").slice(0, 2) || "B";
  const counter = String(boardCounter).padStart(4, "0");
  const salt = String(Math.floor(Math.random() * 1e4)).padStart(4, "0");
  return `${letters}${counter}${salt}`;
}

export interface NewBoard {
  id: string;
  key: string;
  name: string;
  board: Json;
}

/** Creates a board through the API (default columns todo / in_progress / done). */
export async function newBoard(
  options: { key?: string; name?: string; mode?: "kanban" | "scrum" } = {},
): Promise<NewBoard> {
  const key = options.key ?? uniqueBoardKey();
  const name = options.name ?? `Board ${key}`;
  const res = await call("POST", "/boards", { name, key, ...(options.mode ? { mode: options.mode } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.board.id, key, name, board: res.body.board };
}

/** The board's snapshot (seq, board, columns, tasks, members…): compare before and after a refused request. */
export async function boardState(boardId: string): Promise<Json> {
  const res = await call("GET", `/boards/${boardId}/snapshot`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** How many events the board's log holds. */
export async function eventCount(boardId: string): Promise<number> {
  const res = await call("GET", `/boards/${boardId}/events?after=0&limit=1000`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.events.length;
}

/** Asserts the API's one error shape, with this status and code; returns the error for further checks. */
export function expectError(res: Answer, status: number, code: string): Json {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
  expect(res.body.error.message.length).toBeGreaterThan(0);
  return res.body.error;
}

/** The board's Durable Object, for acting as someone other than the API's local user. */
export function roomOf(boardId: string) {
  return env.BOARD_ROOM.get(env.BOARD_ROOM.idFromName(boardId));
}

/** Adds a member to the board (as the owner, usr_local) through its Durable Object. */
export async function addMember(
  boardId: string,
  userId: string,
  role: "owner" | "member" | "viewer" = "member",
  name = userId,
): Promise<void> {
  const { result } = await roomOf(boardId).command(
    { opId: crypto.randomUUID(), command: { type: "addMember", userId, name, role } },
    { id: "usr_local", role: "owner" },
  );
  expect(result.status, JSON.stringify(result)).toBe("applied");
}
