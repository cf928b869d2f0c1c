import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import type { BoardRoom } from "../board/BoardRoom";
import {
  commentBodySchema,
  idSchema,
  positionSchema,
  taskChangesSchema,
  taskFieldsSchema,
  taskKeySchema,
} from "../domain/commands";
import { TASK_TYPES } from "../domain/model";
import { openBoard, runCommand } from "./boardAccess";
import { ApiError } from "./errors";
import { errorResponses, jsonBody, jsonContent, newRouter, type RoutesOf } from "./openapi";
import {
  boardParams,
  commentParams,
  commentSchema,
  historyEntrySchema,
  taskParams,
  taskSchema,
  writeHeaders,
} from "./schemas";

export const taskRoutes = newRouter();
/** These routes as the web app's typed client sees them (see RoutesOf). */
export type TaskRoutes = RoutesOf<
  | typeof listTasksRoute
  | typeof createTaskRoute
  | typeof getTaskRoute
  | typeof changeTaskRoute
  | typeof moveTaskRoute
  | (typeof archiveAndRestoreRoutes)[number]
  | typeof deleteTaskRoute
  | typeof taskHistoryRoute
  | typeof addCommentRoute
  | typeof editCommentRoute
  | typeof deleteCommentRoute
>;

const taskAnswer = z.object({ task: taskSchema, seq: z.number().int() }).meta({ id: "TaskAnswer" });
const wipExceededSchema = z.object({ limit: z.number().int(), count: z.number().int() });

function taskNotFound(key: string): ApiError {
  return new ApiError(404, "task_not_found", `There is no task ${key} on this board.`, { key });
}

// The same codes the board itself answers with (task_not_found, comment_not_found),
// so a client branches on one code whether it wrote through REST or /commands.
function commentNotFound(commentId: string): ApiError {
  return new ApiError(404, "comment_not_found", "This comment does not exist or was deleted.", { commentId });
}

/** The comment must be on the task named in the path. */
async function findComment(room: DurableObjectStub<BoardRoom>, key: string, commentId: string): Promise<void> {
  const found = await room.task(key);
  if (!found) throw taskNotFound(key);
  if (!found.comments.some((x) => x.id === commentId)) throw commentNotFound(commentId);
}

const listTasksRoute = taskRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}/tasks",
    tags: ["Tasks"],
    summary: "List tasks in board order, filtered",
    request: {
      params: boardParams,
      query: z.strictObject({
        columnId: idSchema.optional(),
        assigneeId: z.string().optional().meta({ description: 'A user id, or "none" for unassigned tasks.' }),
        label: z.string().optional(),
        type: z.enum(TASK_TYPES).optional(),
        text: z.string().max(200).optional().meta({ description: "Matches the title, description or key." }),
        archived: z.enum(["true", "false"]).optional().meta({ description: "true lists the archive instead." }),
      }),
    },
    responses: {
      200: jsonContent(z.object({ tasks: z.array(taskSchema), seq: z.number().int() }), "Matching tasks"),
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const board = await openBoard(c, c.req.valid("param").boardId, "read");
    const q = c.req.valid("query");
    const result = await board.room.tasks({
      ...(q.columnId ? { columnId: q.columnId } : {}),
      ...(q.assigneeId ? { assigneeId: q.assigneeId === "none" ? null : q.assigneeId } : {}),
      ...(q.label ? { label: q.label } : {}),
      ...(q.type ? { type: q.type } : {}),
      ...(q.text ? { text: q.text } : {}),
      archived: q.archived === "true",
    });
    return c.json(result, 200);
  },
);

const createTaskRoute = taskRoutes.openapi(
  createRoute({
    method: "post",
    path: "/boards/{boardId}/tasks",
    tags: ["Tasks"],
    summary: "Create a task (at the bottom of its column, the first column by default)",
    request: {
      params: boardParams,
      headers: writeHeaders,
      body: jsonBody(taskFieldsSchema.meta({ id: "CreateTask" })),
    },
    responses: { 201: jsonContent(taskAnswer, "The new task"), ...errorResponses(400, 401, 403, 404, 413, 422) },
  }),
  async (c) => {
    const board = await openBoard(c, c.req.valid("param").boardId, "write");
    const { result, task } = await runCommand(
      c,
      board,
      { type: "createTask", task: c.req.valid("json") },
      {
        idempotencyKey: c.req.valid("header")["idempotency-key"],
      },
    );
    if (!task) throw new Error("a created task was not read back");
    return c.json({ task, seq: result.seq }, 201);
  },
);

const getTaskRoute = taskRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}/tasks/{key}",
    tags: ["Tasks"],
    summary: "Get a task with its comments",
    request: { params: taskParams },
    responses: {
      200: jsonContent(
        z.object({ task: taskSchema, comments: z.array(commentSchema), seq: z.number().int() }),
        "The task; `seq` is the board seq to send back in If-Match",
      ),
      ...errorResponses(401, 404),
    },
  }),
  async (c) => {
    const { boardId, key } = c.req.valid("param");
    const board = await openBoard(c, boardId, "read");
    const found = await board.room.task(key);
    if (!found) throw taskNotFound(key);
    c.header("ETag", `"${found.seq}"`);
    return c.json(found, 200);
  },
);

const changeTaskRoute = taskRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/boards/{boardId}/tasks/{key}",
    tags: ["Tasks"],
    summary: "Change a task's fields",
    description:
      'Send only the fields to change. With `If-Match: "<seq>"`, a field someone else changed after that seq answers 409 with the current values; fields nobody else touched merge. `labels` and `watchers` take a full list or `{add, remove}` and never conflict.',
    request: {
      params: taskParams,
      headers: writeHeaders,
      body: jsonBody(taskChangesSchema.meta({ id: "ChangeTask" })),
    },
    responses: {
      200: jsonContent(taskAnswer, "The task after the change"),
      ...errorResponses(400, 401, 403, 404, 409, 413, 422),
    },
  }),
  async (c) => {
    const { boardId, key } = c.req.valid("param");
    const board = await openBoard(c, boardId, "write");
    const headers = c.req.valid("header");
    const { result, task } = await runCommand(
      c,
      board,
      { type: "updateTask", key, changes: c.req.valid("json") },
      {
        ifMatch: headers["if-match"],
        idempotencyKey: headers["idempotency-key"],
      },
    );
    if (!task) throw taskNotFound(key);
    return c.json({ task, seq: result.seq }, 200);
  },
);

const moveTaskRoute = taskRoutes.openapi(
  createRoute({
    method: "post",
    path: "/boards/{boardId}/tasks/{key}/move",
    tags: ["Tasks"],
    summary: "Move a task to a column and a place in it",
    description:
      "Place it before or after another task of that column, or at its top or bottom (the default). A hard WIP limit refuses the move (422 wip_limit_reached); a soft one lets it through and reports `wipExceeded`.",
    request: {
      params: taskParams,
      headers: writeHeaders,
      body: jsonBody(
        z
          .strictObject({
            columnId: idSchema,
            beforeKey: taskKeySchema.optional(),
            afterKey: taskKeySchema.optional(),
            position: positionSchema.optional(),
          })
          .meta({ id: "MoveTask" }),
      ),
    },
    responses: {
      200: jsonContent(taskAnswer.extend({ wipExceeded: wipExceededSchema.optional() }), "The moved task"),
      ...errorResponses(400, 401, 403, 404, 409, 422),
    },
  }),
  async (c) => {
    const { boardId, key } = c.req.valid("param");
    const board = await openBoard(c, boardId, "write");
    const headers = c.req.valid("header");
    const { result, task } = await runCommand(
      c,
      board,
      { type: "moveTask", key, ...c.req.valid("json") },
      {
        ifMatch: headers["if-match"],
        idempotencyKey: headers["idempotency-key"],
      },
    );
    if (!task) throw taskNotFound(key);
    const wipExceeded =
      result.status === "applied" && result.event.type === "task.moved" ? result.event.payload.wipExceeded : undefined;
    return c.json({ task, seq: result.seq, ...(wipExceeded ? { wipExceeded } : {}) }, 200);
  },
);

const archiveAndRestoreRoutes = (
  [
    ["archive", "archiveTask", "Archive a task (hidden from the board, kept with its history)"],
    ["restore", "restoreTask", "Restore an archived task to its column"],
  ] as const
).map(([action, type, summary]) =>
  taskRoutes.openapi(
    createRoute({
      method: "post",
      path: `/boards/{boardId}/tasks/{key}/${action}`,
      tags: ["Tasks"],
      summary,
      request: { params: taskParams, headers: writeHeaders },
      responses: { 200: jsonContent(taskAnswer, "The task"), ...errorResponses(401, 403, 404, 422) },
    }),
    async (c) => {
      const { boardId, key } = c.req.valid("param");
      const board = await openBoard(c, boardId, "write");
      const { result, task } = await runCommand(
        c,
        board,
        { type, key },
        {
          idempotencyKey: c.req.valid("header")["idempotency-key"],
        },
      );
      if (!task) throw taskNotFound(key);
      return c.json({ task, seq: result.seq }, 200);
    },
  ),
);

const deleteTaskRoute = taskRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/boards/{boardId}/tasks/{key}",
    tags: ["Tasks"],
    summary: "Delete an archived task for good (its history stays in the log)",
    request: { params: taskParams },
    responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404, 422) },
  }),
  async (c) => {
    const { boardId, key } = c.req.valid("param");
    const board = await openBoard(c, boardId, "write");
    await runCommand(c, board, { type: "deleteTask", key });
    return c.body(null, 204);
  },
);

const taskHistoryRoute = taskRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}/tasks/{key}/history",
    tags: ["Tasks"],
    summary: "A task's history: every change, who made it and when, and the attempts that were refused",
    request: { params: taskParams },
    responses: {
      200: jsonContent(z.object({ key: z.string(), entries: z.array(historyEntrySchema) }), "Oldest first"),
      ...errorResponses(401, 404),
    },
  }),
  async (c) => {
    const { boardId, key } = c.req.valid("param");
    const board = await openBoard(c, boardId, "read");
    const entries = await board.room.history(key);
    if (!entries) throw taskNotFound(key);
    // Field values are arbitrary JSON; the RPC stub types cannot express that recursively.
    return c.json({ key, entries: entries as unknown as z.infer<typeof historyEntrySchema>[] }, 200);
  },
);

const addCommentRoute = taskRoutes.openapi(
  createRoute({
    method: "post",
    path: "/boards/{boardId}/tasks/{key}/comments",
    tags: ["Comments"],
    summary: "Comment on a task (markdown)",
    request: {
      params: taskParams,
      headers: writeHeaders,
      body: jsonBody(z.strictObject({ body: commentBodySchema }).meta({ id: "NewComment" })),
    },
    responses: {
      201: jsonContent(z.object({ comment: commentSchema, seq: z.number().int() }), "The comment"),
      ...errorResponses(400, 401, 403, 404, 413),
    },
  }),
  async (c) => {
    const { boardId, key } = c.req.valid("param");
    const board = await openBoard(c, boardId, "write");
    const { result } = await runCommand(
      c,
      board,
      { type: "addComment", key, body: c.req.valid("json").body },
      {
        idempotencyKey: c.req.valid("header")["idempotency-key"],
      },
    );
    if (result.status !== "applied" || result.event.type !== "comment.added") throw new Error("comment not added");
    const { commentId, body } = result.event.payload;
    const comment = {
      id: commentId,
      taskKey: key,
      authorId: result.event.actor,
      body,
      createdAt: result.event.at,
      editedAt: null,
    };
    return c.json({ comment, seq: result.seq }, 201);
  },
);

const editCommentRoute = taskRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/boards/{boardId}/tasks/{key}/comments/{commentId}",
    tags: ["Comments"],
    summary: "Edit your comment",
    request: {
      params: commentParams,
      body: jsonBody(z.strictObject({ body: commentBodySchema }).meta({ id: "EditComment" })),
    },
    responses: {
      200: jsonContent(z.object({ comment: commentSchema, seq: z.number().int() }), "The comment"),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { boardId, key, commentId } = c.req.valid("param");
    const board = await openBoard(c, boardId, "write");
    await findComment(board.room, key, commentId);
    const { result } = await runCommand(c, board, { type: "editComment", commentId, body: c.req.valid("json").body });
    const after = await board.room.task(key);
    const comment = after?.comments.find((x) => x.id === commentId);
    if (!comment) throw commentNotFound(commentId);
    return c.json({ comment, seq: result.seq }, 200);
  },
);

const deleteCommentRoute = taskRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/boards/{boardId}/tasks/{key}/comments/{commentId}",
    tags: ["Comments"],
    summary: "Delete your comment",
    request: { params: commentParams },
    responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404) },
  }),
  async (c) => {
    const { boardId, key, commentId } = c.req.valid("param");
    const board = await openBoard(c, boardId, "write");
    await findComment(board.room, key, commentId);
    await runCommand(c, board, { type: "deleteComment", commentId });
    return c.body(null, 204);
  },
);
