import { createRoute } from "@hono/zod-openapi";
import type { TypedResponse } from "hono";
import { z } from "zod";
import { commandEnvelopeSchema } from "../domain/commands";
import { openBoard, settle } from "./boardAccess";
import { mirrorBoardEvent } from "./boards";
import { ApiError } from "./errors";
import { errorResponses, jsonBody, jsonContent, newRouter, type RoutesOf } from "./openapi";
import { boardParams, eventSchema, snapshotSchema } from "./schemas";

// The board as a log: its current state, its events, its past, and the generic
// command endpoint that offline clients and programs replay through.

export const logRoutes = newRouter();
/** These routes as the web app's typed client sees them (see RoutesOf). */
export type LogRoutes = RoutesOf<
  typeof snapshotRoute | typeof eventsRoute | typeof stateAtRoute | typeof commandsRoute
>;

const MAX_PAGE = 1000;

const snapshotRoute = logRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}/snapshot",
    tags: ["Log"],
    summary: "The whole board with its seq, for a first load",
    description:
      "The board may be named by its key (`WEB`) instead of its id: a page that knows only its address loads the board in one request. Answers 304 to `If-None-Match: \"<seq>\"` when nothing happened since. `stamps=false` leaves out each task's `stamps` (who last changed each field, at which seq): two thirds of a large board's bytes, and not needed to show the board or to send commands, since the board decides conflicts itself.",
    request: {
      params: boardParams,
      query: z.object({
        stamps: z
          .enum(["true", "false"])
          .optional()
          .meta({ description: "false leaves out each task's stamps (for a first load of a screen)." }),
        tasks: z.enum(["rows", "columns"]).optional().meta({
          description:
            "columns sends the tasks as one array per field (a task is the values at one index): under half the bytes of rows for a large board.",
        }),
      }),
    },
    responses: {
      200: jsonContent(snapshotSchema, 'The board; ETag: "<seq>"'),
      304: { description: "Unchanged since the seq in If-None-Match" },
      ...errorResponses(401, 404),
    },
  }),
  async (c) => {
    const board = await openBoard(c, c.req.valid("param").boardId, "read", { orKey: true });
    const query = c.req.valid("query");
    const stamps = query.stamps !== "false";
    const columns = query.tasks === "columns";
    const snapshot = await board.room.snapshotJson({ stamps, columns });
    if (!snapshot)
      throw new ApiError(404, "board_not_found", "This board does not exist, or you do not have access to it.");
    const etag = `"${snapshot.seq}${stamps ? "" : "-lean"}${columns ? "-columns" : ""}"`;
    c.header("ETag", etag);
    c.header("Cache-Control", "private, no-cache");
    if (matchesNoneMatch(c.req.header("If-None-Match"), etag)) return c.body(null, 304);
    // The board's own JSON of the snapshot, sent as it is (it is what snapshotSchema describes).
    c.header("Content-Type", "application/json");
    return c.body(snapshot.json, 200) as unknown as Response &
      TypedResponse<z.output<typeof snapshotSchema>, 200, "json">;
  },
);

const eventsRoute = logRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}/events",
    tags: ["Log"],
    summary: "The board's event log, paged by seq",
    request: {
      params: boardParams,
      query: z.strictObject({
        after: z.coerce
          .number({ error: "after must be a whole number (the last seq you have)." })
          .int()
          .min(0, "after cannot be negative; use 0 for the start of the log.")
          .default(0),
        limit: z.coerce
          .number({ error: "limit must be a whole number." })
          .int()
          .min(1)
          .max(MAX_PAGE, `limit is at most ${MAX_PAGE}; page with nextAfter.`)
          .default(100),
      }),
    },
    responses: {
      200: jsonContent(
        z.object({
          events: z.array(eventSchema),
          nextAfter: z
            .number()
            .int()
            .nullable()
            .meta({ description: "Pass as `after` for the next page; null at the end." }),
          seq: z.number().int(),
        }),
        "Events after `after`, oldest first",
      ),
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const board = await openBoard(c, c.req.valid("param").boardId, "read");
    const { after, limit } = c.req.valid("query");
    const { events, seq } = await board.room.events(after, limit);
    const last = events.at(-1)?.seq ?? after;
    return c.json({ events, nextAfter: last < seq ? last : null, seq }, 200);
  },
);

const stateAtRoute = logRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}/state",
    tags: ["Log"],
    summary: "Time travel: the board as it was right after event `at`",
    request: {
      params: boardParams,
      query: z.strictObject({
        at: z.coerce
          .number({ error: "at must be a whole number (a seq of this board)." })
          .int()
          .min(1, "at starts from 1, the board's first event."),
      }),
    },
    responses: { 200: jsonContent(snapshotSchema, "The replayed board"), ...errorResponses(400, 401, 404, 422) },
  }),
  async (c) => {
    const board = await openBoard(c, c.req.valid("param").boardId, "read");
    const { at } = c.req.valid("query");
    const { seq } = await board.room.events(0, 0);
    if (at > seq) {
      throw new ApiError(
        422,
        "seq_out_of_range",
        `This board's log ends at seq ${seq}; ask for a seq from 1 to ${seq}.`,
        {
          seq,
        },
      );
    }
    const snapshot = await board.room.stateAt(at);
    if (!snapshot.board) throw new Error("replayed log has no board");
    return c.json({ ...snapshot, board: snapshot.board }, 200);
  },
);

const commandsRoute = logRoutes.openapi(
  createRoute({
    method: "post",
    path: "/boards/{boardId}/commands",
    tags: ["Log"],
    summary: "Run any board command; the endpoint offline clients replay their queue through",
    description:
      "`opId` makes the command idempotent: the same opId returns the first result and appends nothing. `baseSeq` is the last seq you had applied; a field someone else changed after it answers 409 with the current values.",
    request: { params: boardParams, body: jsonBody(commandEnvelopeSchema) },
    responses: {
      200: jsonContent(
        z.object({ seq: z.number().int(), events: z.array(eventSchema) }),
        "Applied (or nothing to change: no events)",
      ),
      ...errorResponses(400, 401, 403, 404, 409, 413, 422),
    },
  }),
  async (c) => {
    const board = await openBoard(c, c.req.valid("param").boardId, "write");
    const { result } = await board.room.command(c.req.valid("json"), { id: c.var.actor.id, role: board.role });
    const settled = settle(result);
    // Renaming or deleting the board here must show in lists and access checks, as through PATCH and DELETE /boards/:id.
    if (settled.status === "applied") await mirrorBoardEvent(c, board.row.id, settled.event);
    return c.json({ seq: settled.seq, events: settled.status === "applied" ? [settled.event] : [] }, 200);
  },
);

/**
 * If-None-Match compares weakly and may list several tags (RFC 9110 §13.1.2). Cloudflare
 * weakens a strong ETag when it compresses a response, so browsers send back `W/"42"`.
 */
function matchesNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t.replace(/^W\//, "") === etag;
  });
}
