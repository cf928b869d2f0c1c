import { createRoute } from "@hono/zod-openapi";
import { eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { boards } from "../db/schema";
import { boardKeySchema, boardNameSchema } from "../domain/commands";
import { BOARD_MODES } from "../domain/model";
import { boardView, directory, openBoard, roomOf, runCommand } from "./boardAccess";
import { ApiError } from "./errors";
import { errorResponses, jsonBody, jsonContent, newRouter } from "./openapi";
import { boardParams, boardSchema } from "./schemas";

export const boardRoutes = newRouter();

const createBoardBody = z
  .strictObject({ name: boardNameSchema, key: boardKeySchema, mode: z.enum(BOARD_MODES).default("kanban") })
  .meta({ id: "CreateBoard" });

boardRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards",
    tags: ["Boards"],
    summary: "List the boards you can see",
    responses: {
      200: jsonContent(z.object({ boards: z.array(boardSchema) }), "Boards, newest first"),
      ...errorResponses(401),
    },
  }),
  async (c) => {
    const rows = await directory(c).select().from(boards).where(isNull(boards.deletedAt)).all();
    rows.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    return c.json({ boards: rows.map(boardView) }, 200);
  },
);

boardRoutes.openapi(
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
    const db = directory(c);
    const taken = await db.select({ id: boards.id }).from(boards).where(eq(boards.key, input.key)).get();
    if (taken) throw keyTaken(input.key);
    const id = `brd_${randomHex(12)}`;
    const row = {
      id,
      name: input.name,
      key: input.key,
      mode: input.mode,
      createdAt: new Date().toISOString(),
      createdBy: c.var.actor.id,
      deletedAt: null,
    };
    try {
      await db.insert(boards).values(row);
    } catch (error) {
      // Two creators raced for the same key: the unique index decided.
      if (String(error).includes("UNIQUE")) throw keyTaken(input.key);
      throw error;
    }
    try {
      const { result } = await runCommand(
        c,
        roomOf(c.env, id),
        {
          type: "createBoard",
          boardId: id,
          name: input.name,
          key: input.key,
          mode: input.mode,
          ownerName: c.var.actor.name,
        },
        { idempotencyKey: `create-${id}` },
      );
      // The board stamps its own creation time; the directory must show the same one.
      if (result.status === "applied" && result.event.at !== row.createdAt) {
        row.createdAt = result.event.at;
        await db.update(boards).set({ createdAt: row.createdAt }).where(eq(boards.id, id));
      }
    } catch (error) {
      await db.delete(boards).where(eq(boards.id, id));
      throw error;
    }
    return c.json({ board: boardView(row) }, 201);
  },
);

boardRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}",
    tags: ["Boards"],
    summary: "Get a board",
    request: { params: boardParams },
    responses: { 200: jsonContent(z.object({ board: boardSchema }), "The board"), ...errorResponses(401, 404) },
  }),
  async (c) => {
    const { row } = await openBoard(c, c.req.valid("param").boardId);
    return c.json({ board: boardView(row) }, 200);
  },
);

boardRoutes.openapi(
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
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const { row, room } = await openBoard(c, c.req.valid("param").boardId);
    const { name } = c.req.valid("json");
    await runCommand(c, room, { type: "renameBoard", name });
    await directory(c).update(boards).set({ name }).where(eq(boards.id, row.id));
    return c.json({ board: boardView({ ...row, name }) }, 200);
  },
);

boardRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/boards/{boardId}",
    tags: ["Boards"],
    summary: "Delete a board (its log is kept; the board disappears for everyone)",
    request: { params: boardParams },
    responses: { 204: { description: "Deleted" }, ...errorResponses(401, 404) },
  }),
  async (c) => {
    const { row, room } = await openBoard(c, c.req.valid("param").boardId);
    await runCommand(c, room, { type: "deleteBoard" });
    await directory(c).update(boards).set({ deletedAt: new Date().toISOString() }).where(eq(boards.id, row.id));
    return c.body(null, 204);
  },
);

function keyTaken(key: string): ApiError {
  return new ApiError(409, "board_key_taken", `The key ${key} is already used by another board; pick another.`);
}

function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}
