import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { idSchema, columnNameSchema as nameSchema, wipLimitSchema } from "../domain/commands";
import { CATEGORIES, WIP_MODES } from "../domain/model";
import { openBoard, runCommand } from "./boardAccess";
import { errorResponses, jsonBody, jsonContent, newRouter, type RoutesOf } from "./openapi";
import { boardParams, columnParams, columnSchema } from "./schemas";

// A board's columns. Each change answers with every column in order, since adding,
// moving or removing one changes what a client shows for all of them.

export const columnRoutes = newRouter();
/** These routes as the web app's typed client sees them (see RoutesOf). */
export type ColumnRoutes = RoutesOf<
  | typeof listColumnsRoute
  | typeof addColumnRoute
  | typeof changeColumnRoute
  | typeof moveColumnRoute
  | typeof removeColumnRoute
>;

const columnsAnswer = z.object({ columns: z.array(columnSchema), seq: z.number().int() }).meta({ id: "Columns" });

const listColumnsRoute = columnRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}/columns",
    tags: ["Columns"],
    summary: "The board's columns, left to right",
    request: { params: boardParams },
    responses: { 200: jsonContent(columnsAnswer, "Columns in order"), ...errorResponses(401, 404) },
  }),
  async (c) => {
    const board = await openBoard(c, c.req.valid("param").boardId, "read");
    return c.json(await board.room.columns(), 200);
  },
);

const addColumnRoute = columnRoutes.openapi(
  createRoute({
    method: "post",
    path: "/boards/{boardId}/columns",
    tags: ["Columns"],
    summary: "Add a column",
    request: {
      params: boardParams,
      body: jsonBody(
        z
          .strictObject({
            name: nameSchema,
            category: z.enum(CATEGORIES),
            wipLimit: wipLimitSchema.nullable().optional(),
            wipMode: z.enum(WIP_MODES).optional(),
            afterColumnId: idSchema.nullable().optional().meta({ description: "null: first; absent: last." }),
          })
          .meta({ id: "NewColumn" }),
      ),
    },
    responses: {
      201: jsonContent(columnsAnswer, "Every column, in order"),
      ...errorResponses(400, 401, 403, 404, 422),
    },
  }),
  async (c) => {
    const board = await openBoard(c, c.req.valid("param").boardId, "owner");
    await runCommand(c, board, { type: "addColumn", ...c.req.valid("json") });
    return c.json(await board.room.columns(), 201);
  },
);

const changeColumnRoute = columnRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/boards/{boardId}/columns/{columnId}",
    tags: ["Columns"],
    summary: "Rename a column, change its category or its WIP limit",
    request: {
      params: columnParams,
      body: jsonBody(
        z
          .strictObject({
            name: nameSchema.optional(),
            category: z.enum(CATEGORIES).optional(),
            wipLimit: wipLimitSchema.nullable().optional(),
            wipMode: z.enum(WIP_MODES).optional(),
          })
          .meta({ id: "ChangeColumn" }),
      ),
    },
    responses: {
      200: jsonContent(columnsAnswer, "Every column, in order"),
      ...errorResponses(400, 401, 403, 404, 422),
    },
  }),
  async (c) => {
    const { boardId, columnId } = c.req.valid("param");
    const board = await openBoard(c, boardId, "owner");
    await runCommand(c, board, { type: "updateColumn", columnId, ...c.req.valid("json") });
    return c.json(await board.room.columns(), 200);
  },
);

const moveColumnRoute = columnRoutes.openapi(
  createRoute({
    method: "post",
    path: "/boards/{boardId}/columns/{columnId}/move",
    tags: ["Columns"],
    summary: "Reorder a column",
    request: {
      params: columnParams,
      body: jsonBody(
        z
          .strictObject({ afterColumnId: idSchema.nullable().meta({ description: "null puts it first." }) })
          .meta({ id: "MoveColumn" }),
      ),
    },
    responses: {
      200: jsonContent(columnsAnswer, "Every column, in order"),
      ...errorResponses(400, 401, 403, 404, 422),
    },
  }),
  async (c) => {
    const { boardId, columnId } = c.req.valid("param");
    const board = await openBoard(c, boardId, "owner");
    await runCommand(c, board, { type: "moveColumn", columnId, afterColumnId: c.req.valid("json").afterColumnId });
    return c.json(await board.room.columns(), 200);
  },
);

const removeColumnRoute = columnRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/boards/{boardId}/columns/{columnId}",
    tags: ["Columns"],
    summary: "Remove a column; a column holding tasks needs a target column that receives them",
    request: { params: columnParams, query: z.strictObject({ targetColumnId: idSchema.optional() }) },
    responses: { 200: jsonContent(columnsAnswer, "The remaining columns"), ...errorResponses(400, 401, 403, 404, 422) },
  }),
  async (c) => {
    const { boardId, columnId } = c.req.valid("param");
    const board = await openBoard(c, boardId, "owner");
    const { targetColumnId } = c.req.valid("query");
    await runCommand(c, board, { type: "removeColumn", columnId, ...(targetColumnId ? { targetColumnId } : {}) });
    return c.json(await board.room.columns(), 200);
  },
);
