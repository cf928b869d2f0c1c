import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { openBoard } from "./boardAccess";
import { ApiError } from "./errors";
import { errorResponses, jsonContent, newRouter, type RoutesOf } from "./openapi";
import { boardParams } from "./schemas";

// How a board is doing underneath: its subscribers (projections, later webhooks),
// how far each has read the log and whether it is failing, and its storage figures.
// For the board's owners.

export const operationsRoutes = newRouter();
/** These routes as the web app's typed client sees them (see RoutesOf). */
export type OperationsRoutes = RoutesOf<typeof subscribersRoute | typeof rebuildRoute | typeof diagnosticsRoute>;

const subscriberSchema = z
  .object({
    name: z.string().meta({ example: "task-index" }),
    cursor: z.number().int().meta({ description: "Seq of the last event it finished." }),
    lag: z.number().int().meta({ description: "Events it has yet to handle." }),
    failures: z.number().int().meta({ description: "Failed attempts in a row." }),
    nextAttemptAt: z.string().nullable().meta({ description: "When a failing subscriber is retried." }),
    lastError: z.string().nullable(),
    rebuild: z
      .object({
        target: z.number().int().meta({ description: "The board's seq when the rebuild was asked for." }),
        through: z.number().int().meta({ description: "Seq of the last event replayed so far." }),
        pages: z.number().int().meta({ description: "Pages of the log replayed so far." }),
      })
      .nullable()
      .meta({
        description:
          "A rebuild under way: the log is replayed page by page into fresh rows, swapped in when it reaches `target`; until then reports read the rows they had. Null otherwise.",
      }),
  })
  .meta({ id: "Subscriber" });

const subscribersRoute = operationsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}/subscribers",
    tags: ["Subscribers"],
    summary: "Each subscriber's cursor over the log, its lag and its health",
    request: { params: boardParams },
    responses: {
      200: jsonContent(z.object({ seq: z.number().int(), subscribers: z.array(subscriberSchema) }), "Subscribers"),
      ...errorResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const board = await openBoard(c, c.req.valid("param").boardId, "owner");
    const { seq, subscribers } = await board.room.subscriberStates();
    return c.json(
      {
        seq,
        subscribers: subscribers.map((s) => ({
          ...s,
          lag: seq - s.cursor,
          nextAttemptAt: s.nextAttemptAt === null ? null : new Date(s.nextAttemptAt).toISOString(),
        })),
      },
      200,
    );
  },
);

const rebuildRoute = operationsRoutes.openapi(
  createRoute({
    method: "post",
    path: "/boards/{boardId}/subscribers/{name}/rebuild",
    tags: ["Subscribers"],
    summary: "Rebuild a projection by replaying the board's whole log into it",
    request: {
      params: boardParams.extend({
        name: z
          .string()
          .max(64)
          .meta({ param: { name: "name", in: "path" } }),
      }),
    },
    responses: {
      202: { description: "The replay has started; watch its `rebuild` progress, then its lag" },
      ...errorResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const { boardId, name } = c.req.valid("param");
    const board = await openBoard(c, boardId, "owner");
    if (!(await board.room.rebuild(name))) {
      throw new ApiError(404, "subscriber_not_found", `This board has no subscriber named "${name}".`);
    }
    return c.body(null, 202);
  },
);

const diagnosticsRoute = operationsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}/diagnostics",
    tags: ["Subscribers"],
    summary: "Storage figures of the board: log size, database size, rows written since the board last started",
    request: { params: boardParams },
    responses: {
      200: jsonContent(
        z
          .object({
            seq: z.number().int(),
            events: z.number().int(),
            logBytes: z.number().int().meta({ description: "Bytes of event payloads in the log." }),
            databaseBytes: z.number().int(),
            rowsWritten: z
              .number()
              .int()
              .meta({ description: "SQLite rows written since the board's object started." }),
          })
          .meta({ id: "Diagnostics" }),
        "Figures",
      ),
      ...errorResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const board = await openBoard(c, c.req.valid("param").boardId, "owner");
    return c.json(await board.room.diagnostics(), 200);
  },
);
