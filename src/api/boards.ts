import { createRoute } from "@hono/zod-openapi";
import { and, desc, eq, isNull } from "drizzle-orm";
import type { Context } from "hono";
import { z } from "zod";
import { memberships } from "../auth/schema";
import { type BoardRow, boards } from "../db/schema";
import { boardKeySchema, boardNameSchema } from "../domain/commands";
import type { BoardEvent } from "../domain/events";
import { BOARD_MODES, ROLES } from "../domain/model";
import { boardView, directory, openBoard, roomOf, runCommand } from "./boardAccess";
import type { AppEnv } from "./context";
import { ApiError, isUniqueViolation } from "./errors";
import { errorResponses, jsonBody, jsonContent, newRouter, type RoutesOf } from "./openapi";
import { boardParams, boardSchema } from "./schemas";

export const boardRoutes = newRouter();
/** These routes as the web app's typed client sees them (see RoutesOf). */
export type BoardRoutes = RoutesOf<
  | typeof listBoardsRoute
  | typeof createBoardRoute
  | typeof getBoardRoute
  | typeof renameBoardRoute
  | typeof deleteBoardRoute
>;

const createBoardBody = z
  .strictObject({ name: boardNameSchema, key: boardKeySchema, mode: z.enum(BOARD_MODES).default("kanban") })
  .meta({ id: "CreateBoard" });

const listBoardsRoute = boardRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards",
    tags: ["Boards"],
    summary: "List the boards you can see",
    responses: {
      200: jsonContent(
        z.object({
          boards: z.array(boardSchema.extend({ role: z.enum(ROLES).meta({ description: "Your role on it." }) })),
        }),
        "Boards you are a member of, newest first",
      ),
      ...errorResponses(401),
    },
  }),
  async (c) => {
    const rows = await directory(c)
      .select({ board: boards, role: memberships.role })
      .from(boards)
      .innerJoin(memberships, and(eq(memberships.boardId, boards.id), eq(memberships.userId, c.var.actor.id)))
      .where(isNull(boards.deletedAt))
      .orderBy(desc(boards.createdAt))
      .all();
    return c.json({ boards: rows.map(({ board, role }) => ({ ...boardView(board), role })) }, 200);
  },
);

const createBoardRoute = boardRoutes.openapi(
  createRoute({
    method: "post",
    path: "/boards",
    tags: ["Boards"],
    summary: "Create a board with the default columns To Do, In Progress and Done",
    request: { body: jsonBody(createBoardBody) },
    responses: {
      201: jsonContent(z.object({ board: boardSchema }), "The new board"),
      ...errorResponses(400, 401, 409, 413),
    },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const row: BoardRow = {
      id: newBoardId(),
      name: input.name,
      key: input.key,
      mode: input.mode,
      createdAt: new Date().toISOString(),
      createdBy: c.var.actor.id,
      deletedAt: null,
    };
    await claimBoard(c, row, async (room) => {
      const { result } = await runCommand(
        c,
        { room, role: "owner" },
        {
          type: "createBoard",
          boardId: row.id,
          name: input.name,
          key: input.key,
          mode: input.mode,
          ownerName: c.var.actor.name,
        },
        { idempotencyKey: `create-${row.id}` },
      );
      // The board stamps its own creation time; the directory must show the same one.
      if (result.status === "applied" && result.event.at !== row.createdAt) {
        row.createdAt = result.event.at;
        await directory(c).update(boards).set({ createdAt: row.createdAt }).where(eq(boards.id, row.id));
      }
    });
    return c.json({ board: boardView(row) }, 201);
  },
);

const getBoardRoute = boardRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}",
    tags: ["Boards"],
    summary: "Get a board",
    request: { params: boardParams },
    responses: { 200: jsonContent(z.object({ board: boardSchema }), "The board"), ...errorResponses(401, 404) },
  }),
  async (c) => {
    const board = await openBoard(c, c.req.valid("param").boardId, "read");
    return c.json({ board: boardView(board.row) }, 200);
  },
);

const renameBoardRoute = boardRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/boards/{boardId}",
    tags: ["Boards"],
    summary: "Rename a board",
    request: {
      params: boardParams,
      body: jsonBody(z.strictObject({ name: boardNameSchema }).meta({ id: "RenameBoard" })),
    },
    responses: {
      200: jsonContent(z.object({ board: boardSchema }), "The renamed board"),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const board = await openBoard(c, c.req.valid("param").boardId, "owner");
    const { name } = c.req.valid("json");
    await runCommand(c, board, { type: "renameBoard", name });
    await directory(c).update(boards).set({ name }).where(eq(boards.id, board.row.id));
    return c.json({ board: boardView({ ...board.row, name }) }, 200);
  },
);

const deleteBoardRoute = boardRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/boards/{boardId}",
    tags: ["Boards"],
    summary: "Delete a board (its log is kept; the board disappears for everyone)",
    request: { params: boardParams },
    responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404) },
  }),
  async (c) => {
    const board = await openBoard(c, c.req.valid("param").boardId, "owner");
    await runCommand(c, board, { type: "deleteBoard" });
    await directory(c).update(boards).set({ deletedAt: new Date().toISOString() }).where(eq(boards.id, board.row.id));
    return c.body(null, 204);
  },
);

/**
 * Keeps the directory's copy of a board (what lists and access checks read) in step
 * with a rename or deletion the board applied from a command sent to /commands.
 */
export async function mirrorBoardEvent(c: Context<AppEnv>, boardId: string, event: BoardEvent): Promise<void> {
  if (event.type === "board.renamed") {
    await directory(c).update(boards).set({ name: event.payload.name }).where(eq(boards.id, boardId));
  } else if (event.type === "board.deleted") {
    await directory(c).update(boards).set({ deletedAt: event.at }).where(eq(boards.id, boardId));
  }
}

/**
 * The one way a board comes into being (created or imported): claim its key with
 * the directory row, where the unique index settles two creators racing for one
 * key, then bring the board's room to life with `start`. If that fails the row is
 * removed again, so a failed request leaves neither a board nor a taken key.
 */
export async function claimBoard<T>(
  c: Context<AppEnv>,
  row: BoardRow,
  start: (room: ReturnType<typeof roomOf>) => Promise<T>,
): Promise<T> {
  const db = directory(c);
  const taken = await db.select({ id: boards.id }).from(boards).where(eq(boards.key, row.key)).get();
  if (taken) throw keyTaken(row.key);
  try {
    await db.insert(boards).values(row);
  } catch (error) {
    // Two creators raced for the same key: the unique index decided.
    if (isUniqueViolation(error)) throw keyTaken(row.key);
    throw error;
  }
  try {
    // Whoever brings a board into being owns it.
    await db.insert(memberships).values({
      boardId: row.id,
      userId: c.var.actor.id,
      role: "owner",
      addedAt: row.createdAt,
      addedBy: c.var.actor.id,
    });
    return await start(roomOf(c.env, row.id));
  } catch (error) {
    await db.batch([
      db.delete(memberships).where(eq(memberships.boardId, row.id)),
      db.delete(boards).where(eq(boards.id, row.id)),
    ]);
    throw error;
  }
}

function keyTaken(key: string): ApiError {
  return new ApiError(409, "board_key_taken", `The key ${key} is already used by another board; pick another.`);
}

export function newBoardId(): string {
  return `brd_${randomHex(12)}`;
}

function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}
