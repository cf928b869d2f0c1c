import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { adjustSchema, durationSchema, worklogCommentSchema } from "../domain/commands";
import type { Worklog } from "../domain/model";
import type { TaskView } from "../domain/views";
import { type OpenBoard, openBoard, runCommand } from "./boardAccess";
import { ApiError, fromDomain } from "./errors";
import { errorResponses, jsonBody, jsonContent, newRouter, type RoutesOf } from "./openapi";
import { boardParams, taskParams, taskSchema, worklogParams, worklogSchema, writeHeaders } from "./schemas";

// Time logged on a task. The rules (who may change which worklog, how the remaining
// estimate moves) are the board's; these routes name the worklog by its task too,
// and answer with the task so its time tracking is current in one round trip.

export const worklogRoutes = newRouter();
/** These routes as the web app's typed client sees them (see RoutesOf). */
export type WorklogRoutes = RoutesOf<
  | typeof listWorklogsRoute
  | typeof logWorkRoute
  | typeof editWorklogRoute
  | typeof deleteWorklogRoute
  | typeof startTimerRoute
  | typeof stopTimerRoute
  | typeof timesheetRoute
>;

const worklogAnswer = z
  .object({ worklog: worklogSchema, task: taskSchema, seq: z.number().int() })
  .meta({ id: "WorklogAnswer" });

const ADJUST_DESCRIPTION =
  "How the task's remaining estimate changes: `auto` (the default) takes the time spent off it, never below zero; `leave` keeps it; `new` sets it to `value`; `manual` takes `value` off it.";

function taskNotFound(key: string): ApiError {
  return new ApiError(404, "task_not_found", `There is no task ${key} on this board.`, { key });
}

function worklogNotFound(worklogId: string): ApiError {
  return new ApiError(404, "worklog_not_found", "This worklog does not exist or was deleted.", { worklogId });
}

/** The worklog must be on the task named in the path. */
async function findWorklog(board: OpenBoard, key: string, worklogId: string): Promise<Worklog> {
  const found = await board.room.worklogs(key);
  if (!found) throw taskNotFound(key);
  const worklog = found.worklogs.find((w) => w.id === worklogId);
  if (!worklog) throw worklogNotFound(worklogId);
  return worklog;
}

async function answer(board: OpenBoard, key: string, worklogId: string, seq: number, task: TaskView | null) {
  const worklog = (await board.room.worklogs(key))?.worklogs.find((w) => w.id === worklogId);
  if (!worklog || !task) throw worklogNotFound(worklogId);
  return { worklog, task, seq };
}

const listWorklogsRoute = worklogRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}/tasks/{key}/worklogs",
    tags: ["Time tracking"],
    summary: "A task's worklogs, in the order the work started",
    request: { params: taskParams },
    responses: {
      200: jsonContent(z.object({ worklogs: z.array(worklogSchema), seq: z.number().int() }), "The worklogs"),
      ...errorResponses(401, 404),
    },
  }),
  async (c) => {
    const { boardId, key } = c.req.valid("param");
    const board = await openBoard(c, boardId, "read");
    const found = await board.room.worklogs(key);
    if (!found) throw taskNotFound(key);
    return c.json(found, 200);
  },
);

const logWorkRoute = worklogRoutes.openapi(
  createRoute({
    method: "post",
    path: "/boards/{boardId}/tasks/{key}/worklogs",
    tags: ["Time tracking"],
    summary: "Log time on a task",
    description: `\`timeSpent\` is a duration like \`1h 30m\` (weeks, days, hours, minutes; a day and a week are the board's working ones). \`startedAt\` defaults to now and may be at most a day ahead. ${ADJUST_DESCRIPTION}`,
    request: {
      params: taskParams,
      headers: writeHeaders,
      body: jsonBody(
        z
          .strictObject({
            timeSpent: durationSchema,
            startedAt: z.iso.datetime({ offset: true }).optional(),
            comment: worklogCommentSchema.optional(),
            adjust: adjustSchema.optional(),
          })
          .meta({ id: "LogWork" }),
      ),
    },
    responses: {
      201: jsonContent(worklogAnswer, "The worklog and the task after it"),
      ...errorResponses(400, 401, 403, 404, 422),
    },
  }),
  async (c) => {
    const { boardId, key } = c.req.valid("param");
    const board = await openBoard(c, boardId, "write");
    const { result, task } = await runCommand(
      c,
      board,
      { type: "logWork", key, ...c.req.valid("json") },
      { idempotencyKey: c.req.valid("header")["idempotency-key"] },
    );
    if (result.status !== "applied" || result.event.type !== "worklog.added") throw new Error("worklog not added");
    return c.json(await answer(board, key, result.event.payload.worklogId, result.seq, task), 201);
  },
);

const editWorklogRoute = worklogRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/boards/{boardId}/tasks/{key}/worklogs/{worklogId}",
    tags: ["Time tracking"],
    summary: "Edit your worklog",
    description: `Send only what changes. A change of the time spent moves the remaining estimate by the difference. ${ADJUST_DESCRIPTION}`,
    request: {
      params: worklogParams,
      headers: writeHeaders,
      body: jsonBody(
        z
          .strictObject({
            timeSpent: durationSchema.optional(),
            startedAt: z.iso.datetime({ offset: true }).optional(),
            comment: worklogCommentSchema.optional(),
            adjust: adjustSchema.optional(),
          })
          .meta({ id: "EditWorklog" }),
      ),
    },
    responses: {
      200: jsonContent(worklogAnswer, "The worklog and the task after the change"),
      ...errorResponses(400, 401, 403, 404, 422),
    },
  }),
  async (c) => {
    const { boardId, key, worklogId } = c.req.valid("param");
    const board = await openBoard(c, boardId, "write");
    await findWorklog(board, key, worklogId);
    const { result } = await runCommand(
      c,
      board,
      { type: "editWorklog", worklogId, ...c.req.valid("json") },
      { idempotencyKey: c.req.valid("header")["idempotency-key"] },
    );
    const task = (await board.room.task(key))?.task ?? null;
    return c.json(await answer(board, key, worklogId, result.seq, task), 200);
  },
);

const deleteWorklogRoute = worklogRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/boards/{boardId}/tasks/{key}/worklogs/{worklogId}",
    tags: ["Time tracking"],
    summary: "Delete your worklog (owners may delete anyone's)",
    description:
      "The time goes back onto the remaining estimate (`?adjust=auto`, the default), or `?adjust=leave` keeps the estimate as it is.",
    request: { params: worklogParams, query: z.strictObject({ adjust: z.enum(["auto", "leave"]).optional() }) },
    responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404, 422) },
  }),
  async (c) => {
    const { boardId, key, worklogId } = c.req.valid("param");
    const board = await openBoard(c, boardId, "write");
    await findWorklog(board, key, worklogId);
    const mode = c.req.valid("query").adjust;
    await runCommand(c, board, { type: "deleteWorklog", worklogId, ...(mode ? { adjust: { mode } } : {}) });
    return c.body(null, 204);
  },
);

const timerKeys = z.object({ taskKey: z.string(), startedAt: z.string() }).meta({ id: "Timer" });

const startTimerRoute = worklogRoutes.openapi(
  createRoute({
    method: "post",
    path: "/boards/{boardId}/tasks/{key}/timer",
    tags: ["Time tracking"],
    summary: "Start your timer on a task",
    description: "One timer runs per person: a second answers 422 `timer_running`, naming the task it runs on.",
    request: { params: taskParams },
    responses: {
      201: jsonContent(z.object({ timer: timerKeys, seq: z.number().int() }), "The running timer"),
      ...errorResponses(401, 403, 404, 422),
    },
  }),
  async (c) => {
    const { boardId, key } = c.req.valid("param");
    const board = await openBoard(c, boardId, "write");
    const { result } = await runCommand(c, board, { type: "startTimer", key });
    if (result.status !== "applied") throw new Error("timer not started");
    return c.json({ timer: { taskKey: key, startedAt: result.event.at }, seq: result.seq }, 201);
  },
);

const stopTimerRoute = worklogRoutes.openapi(
  createRoute({
    method: "post",
    path: "/boards/{boardId}/tasks/{key}/timer/stop",
    tags: ["Time tracking"],
    summary: "Stop your timer: the time since it started becomes a worklog",
    description: `Whole minutes, at least one. \`discard: true\` stops it without logging. ${ADJUST_DESCRIPTION}`,
    request: {
      params: taskParams,
      body: jsonBody(
        z
          .strictObject({
            comment: worklogCommentSchema.optional(),
            adjust: adjustSchema.optional(),
            discard: z.boolean().optional(),
          })
          .meta({ id: "StopTimer" }),
      ),
    },
    responses: {
      200: jsonContent(
        z.object({ worklog: worklogSchema.nullable(), task: taskSchema, seq: z.number().int() }),
        "The worklog (null when discarded) and the task after it",
      ),
      ...errorResponses(400, 401, 403, 404, 422),
    },
  }),
  async (c) => {
    const { boardId, key } = c.req.valid("param");
    const board = await openBoard(c, boardId, "write");
    const { result, task } = await runCommand(c, board, { type: "stopTimer", key, ...c.req.valid("json") });
    if (result.status !== "applied" || result.event.type !== "timer.stopped" || !task)
      throw new Error("timer not stopped");
    const logged = result.event.payload.worklog;
    if (!logged) return c.json({ worklog: null, task, seq: result.seq }, 200);
    return c.json(await answer(board, key, logged.worklogId, result.seq, task), 200);
  },
);

const timesheetRoute = worklogRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}/timesheet",
    tags: ["Time tracking"],
    summary: "Time logged per day, in your time zone",
    description:
      "A worklog counts on the day its work started in `timeZone` (an IANA name; UTC by default). `userId` narrows it to one person; `me` is you.",
    request: {
      params: boardParams,
      query: z.strictObject({
        from: z.iso.date(),
        to: z.iso.date(),
        timeZone: z.string().max(64).optional(),
        userId: z.string().max(64).optional(),
      }),
    },
    responses: {
      200: jsonContent(
        z.object({
          timeZone: z.string(),
          from: z.string(),
          to: z.string(),
          totalSeconds: z.number().int(),
          days: z.array(z.object({ date: z.string(), seconds: z.number().int(), worklogs: z.array(worklogSchema) })),
          seq: z.number().int(),
        }),
        "One entry per day of the range",
      ),
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const board = await openBoard(c, c.req.valid("param").boardId, "read");
    const q = c.req.valid("query");
    const userId = q.userId === "me" ? c.var.actor.id : q.userId;
    const { seq, sheet, error } = await board.room.timesheet({
      from: q.from,
      to: q.to,
      timeZone: q.timeZone ?? "UTC",
      ...(userId === undefined ? {} : { userId }),
    });
    if (error) throw fromDomain(error);
    if (!sheet) throw new Error("a timesheet without an answer");
    const { timeZone, from, to, totalSeconds, days } = sheet;
    return c.json({ timeZone, from, to, totalSeconds, days, seq }, 200);
  },
);
