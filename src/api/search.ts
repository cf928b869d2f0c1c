import { createRoute } from "@hono/zod-openapi";
import { and, desc, eq, isNull, or, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { memberships } from "../auth/schema";
import { boards } from "../db/schema";
import { CATEGORIES, TASK_TYPES } from "../domain/model";
import { taskIndex } from "../reporting/schema";
import { directory } from "./boardAccess";
import { ApiError } from "./errors";
import { errorResponses, jsonContent, newRouter, type RoutesOf } from "./openapi";

// Questions across boards, answered from D1's task index (fed by every board's
// subscriber, so a change shows here within moments, not in the same request).

export const searchRoutes = newRouter();
/** These routes as the web app's typed client sees them (see RoutesOf). */
export type SearchRoutes = RoutesOf<typeof searchTasksRoute>;

const MAX_PAGE = 200;

const hitSchema = z
  .object({
    boardId: z.string(),
    boardKey: z.string(),
    boardName: z.string(),
    key: z.string(),
    title: z.string(),
    type: z.string(),
    status: z.enum(CATEGORIES),
    columnId: z.string(),
    columnName: z.string(),
    assigneeId: z.string().nullable(),
    reporterId: z.string(),
    priority: z.string(),
    labels: z.array(z.string()),
    dueDate: z.string().nullable(),
    archived: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    resolvedAt: z.string().nullable(),
  })
  .meta({ id: "TaskHit" });

/** An opaque page token: the last row's sort key. */
const pageToken = {
  encode: (row: { updatedAt: string; boardId: string; key: string }) =>
    btoa(JSON.stringify([row.updatedAt, row.boardId, row.key])).replaceAll("=", ""),
  decode(token: string): [string, string, string] {
    try {
      const value = JSON.parse(atob(token));
      if (Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === "string")) {
        return value as [string, string, string];
      }
    } catch {
      // fall through
    }
    throw new ApiError(400, "invalid_cursor", "This page cursor is not one we gave out; start again without it.");
  },
};

const searchTasksRoute = searchRoutes.openapi(
  createRoute({
    method: "get",
    path: "/search/tasks",
    tags: ["Search"],
    summary: "Search tasks across every board you can see, most recently updated first",
    request: {
      query: z.strictObject({
        q: z.string().max(200).optional().meta({ description: "Words in the title, or a task key such as WEB-42." }),
        assignee: z.string().max(64).optional().meta({ description: '"me", "none", or a user id.' }),
        status: z.enum(CATEGORIES).optional(),
        board: z.string().max(64).optional().meta({ description: "A board id or key." }),
        type: z.enum(TASK_TYPES).optional(),
        label: z.string().max(64).optional(),
        archived: z.enum(["true", "false"]).optional().meta({ description: "true includes archived tasks." }),
        limit: z.coerce
          .number({ error: "limit must be a whole number." })
          .int()
          .min(1)
          .max(MAX_PAGE, `limit is at most ${MAX_PAGE}; page with nextCursor.`)
          .default(50),
        cursor: z.string().max(500).optional(),
      }),
    },
    responses: {
      200: jsonContent(
        z.object({ tasks: z.array(hitSchema), nextCursor: z.string().nullable() }),
        "Matching tasks; pass nextCursor as cursor for the next page",
      ),
      ...errorResponses(400, 401),
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const where: (SQL | undefined)[] = [isNull(boards.deletedAt)];
    if (q.archived !== "true") where.push(eq(taskIndex.archived, false));
    if (q.q) {
      const words = q.q.trim();
      where.push(or(sql`${taskIndex.title} LIKE ${`%${words}%`}`, eq(taskIndex.key, words.toUpperCase())));
    }
    if (q.assignee === "me") where.push(eq(taskIndex.assigneeId, c.var.actor.id));
    else if (q.assignee === "none") where.push(isNull(taskIndex.assigneeId));
    else if (q.assignee) where.push(eq(taskIndex.assigneeId, q.assignee));
    if (q.status) where.push(eq(taskIndex.status, q.status));
    if (q.board) where.push(or(eq(boards.id, q.board), eq(boards.key, q.board.toUpperCase())));
    if (q.type) where.push(eq(taskIndex.type, q.type));
    if (q.label) where.push(sql`EXISTS (SELECT 1 FROM json_each(${taskIndex.labels}) WHERE value = ${q.label})`);
    if (q.cursor) {
      const [updatedAt, boardId, key] = pageToken.decode(q.cursor);
      where.push(
        sql`(${taskIndex.updatedAt}, ${taskIndex.boardId}, ${taskIndex.key}) < (${updatedAt}, ${boardId}, ${key})`,
      );
    }
    const rows = await directory(c)
      .select({ task: taskIndex, boardKey: boards.key, boardName: boards.name })
      .from(taskIndex)
      .innerJoin(boards, eq(boards.id, taskIndex.boardId))
      // Only the boards the caller belongs to.
      .innerJoin(memberships, and(eq(memberships.boardId, boards.id), eq(memberships.userId, c.var.actor.id)))
      .where(and(...where))
      .orderBy(desc(taskIndex.updatedAt), desc(taskIndex.boardId), desc(taskIndex.key))
      .limit(q.limit + 1);
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return c.json(
      {
        tasks: page.map(({ task, boardKey, boardName }) => {
          const { number: _n, sprintId: _s, seq: _q, ...rest } = task;
          return {
            ...rest,
            boardKey,
            boardName,
            status: task.status as (typeof CATEGORIES)[number],
            labels: JSON.parse(task.labels) as string[],
          };
        }),
        nextCursor: rows.length > q.limit && last ? pageToken.encode(last.task) : null,
      },
      200,
    );
  },
);
