import { and, eq, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import { type BoardRow, boards } from "../db/schema";
import type { Command } from "../domain/commands";
import type { CommandResult } from "../domain/outcomes";
import type { TaskView } from "../domain/views";
import type { AppEnv } from "./context";
import { ApiError, conflictError, fromDomain } from "./errors";

// The one way a route reaches a board: look it up in the directory (a board that
// does not exist and a board you may not see answer the same 404), then talk to
// its BoardRoom.

export function directory(c: Context<AppEnv>) {
  return drizzle(c.env.DB);
}

export async function openBoard(c: Context<AppEnv>, boardId: string) {
  const row = await directory(c)
    .select()
    .from(boards)
    .where(and(eq(boards.id, boardId), isNull(boards.deletedAt)))
    .get();
  if (!row) throw boardNotFound();
  return { row, room: roomOf(c.env, boardId) };
}

export function roomOf(env: Env, boardId: string) {
  return env.BOARD_ROOM.get(env.BOARD_ROOM.idFromName(boardId));
}

export function boardNotFound(): ApiError {
  return new ApiError(404, "board_not_found", "This board does not exist, or you do not have access to it.");
}

export function boardView(row: BoardRow) {
  const { deletedAt: _deleted, ...view } = row;
  return view;
}

/** `If-Match: "42"` (quotes and W/ optional) → 42. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(header.trim());
  if (!match) {
    throw new ApiError(400, "invalid_if_match", 'If-Match must be the board seq your copy is based on, e.g. "42".');
  }
  return Number(match[1]);
}

export interface WriteOptions {
  ifMatch?: string | undefined;
  idempotencyKey?: string | undefined;
}

/**
 * Sends one command to a board as the caller, and turns a refusal into the API
 * error a person can act on. A change with nothing to do answers like a success.
 */
export async function runCommand(
  c: Context<AppEnv>,
  room: DurableObjectStub<import("../board/BoardRoom").BoardRoom>,
  command: Command,
  options: WriteOptions = {},
): Promise<{ result: Extract<CommandResult, { status: "applied" | "unchanged" }>; task: TaskView | null }> {
  const baseSeq = parseIfMatch(options.ifMatch);
  const envelope = {
    opId: options.idempotencyKey ?? crypto.randomUUID(),
    command,
    ...(baseSeq === undefined ? {} : { baseSeq }),
  };
  const { result, task } = await room.command(envelope, { id: c.var.actor.id, role: "owner" });
  return { result: settle(result), task };
}

export function settle(result: CommandResult): Extract<CommandResult, { status: "applied" | "unchanged" }> {
  switch (result.status) {
    case "applied":
    case "unchanged":
      return result;
    case "conflict":
      throw conflictError(result.conflicts);
    case "rejected":
      throw fromDomain(result.error);
  }
}
