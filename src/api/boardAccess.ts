import { and, eq, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import { memberships } from "../auth/schema";
import { type BoardRow, boards } from "../db/schema";
import { boardKeySchema, type Command } from "../domain/commands";
import type { Role } from "../domain/model";
import type { CommandResult } from "../domain/outcomes";
import { type Access, refusal } from "../domain/permissions";
import type { TaskView } from "../domain/views";
import type { AppEnv } from "./context";
import { ApiError, conflictError, fromDomain } from "./errors";

// The one way a route reaches a board: look up the board together with the
// caller's membership (a board that does not exist and a board you are not a
// member of answer the same 404), check the role against what the route needs,
// then talk to its BoardRoom, passing who asks and in which role.

export function directory(c: Context<AppEnv>) {
  return drizzle(c.env.DB);
}

export interface OpenBoard {
  row: BoardRow;
  role: Role;
  room: ReturnType<typeof roomOf>;
}

/**
 * `orKey`: the route also takes the board's key (WEB) in place of its id, as the
 * web app's first load does, knowing only the address. Such a route works on the
 * board by `row.id` from then on.
 */
export async function openBoard(
  c: Context<AppEnv>,
  boardId: string,
  access: Access,
  options: { orKey?: boolean } = {},
): Promise<OpenBoard> {
  const known = c.var.boardAccess;
  // Ids are lower case (brd_…): never a key.
  const byKey = options.orKey === true && boardKeySchema.safeParse(boardId).success;
  const found =
    known?.boardId === boardId && !byKey
      ? known.found
      : await directory(c)
          .select({ row: boards, role: memberships.role })
          .from(boards)
          .innerJoin(memberships, and(eq(memberships.boardId, boards.id), eq(memberships.userId, c.var.actor.id)))
          .where(and(byKey ? eq(boards.key, boardId) : eq(boards.id, boardId), isNull(boards.deletedAt)))
          .get();
  if (!found) throw boardNotFound();
  const refused = refusal(found.role, access);
  if (refused) throw fromDomain(refused);
  return { row: found.row, role: found.role, room: roomOf(c.env, found.row.id) };
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
  board: Pick<OpenBoard, "room" | "role">,
  command: Command,
  options: WriteOptions = {},
): Promise<{ result: Extract<CommandResult, { status: "applied" | "unchanged" }>; task: TaskView | null }> {
  const baseSeq = parseIfMatch(options.ifMatch);
  const envelope = {
    opId: options.idempotencyKey ?? crypto.randomUUID(),
    command,
    ...(baseSeq === undefined ? {} : { baseSeq }),
  };
  const { result, task } = await board.room.command(envelope, { id: c.var.actor.id, role: board.role });
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
