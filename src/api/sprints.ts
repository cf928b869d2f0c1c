import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { z } from "zod";
import {
  boardSettingsChange,
  type Command,
  idSchema,
  positionSchema,
  sprintDateSchema,
  sprintGoalSchema,
  sprintKeysSchema,
  sprintNameSchema,
  taskKeySchema,
} from "../domain/commands";
import { type OpenBoard, openBoard, runCommand } from "./boardAccess";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";
import { errorResponses, jsonBody, jsonContent, newRouter, type RoutesOf } from "./openapi";
import { boardParams, boardSettingsSchema, sprintParams, sprintSchema, taskSchema, writeHeaders } from "./schemas";

// Scrum: the backlog, the sprints and the board's settings. Every rule (one active
// sprint, what completion moves and records) is the board's; these routes turn
// requests into its commands and answer with what the board holds afterwards.

export const sprintRoutes = newRouter();
/** These routes as the web app's typed client sees them (see RoutesOf). */
export type SprintRoutes = RoutesOf<
  | typeof listSprintsRoute
  | typeof planSprintRoute
  | typeof getSprintRoute
  | typeof changeSprintRoute
  | typeof deleteSprintRoute
  | typeof planTasksRoute
  | typeof unplanTaskRoute
  | typeof startSprintRoute
  | typeof completeSprintRoute
  | typeof backlogRoute
  | typeof rankBacklogRoute
  | typeof changeSettingsRoute
>;

const sprintWithTasks = sprintSchema
  .extend({
    tasks: z.array(taskSchema),
    totals: z
      .object({
        points: z.number(),
        donePoints: z.number(),
        remainingPoints: z.number(),
        originalSeconds: z.number().int(),
        remainingSeconds: z.number().int(),
        spentSeconds: z.number().int(),
      })
      .meta({ description: "What the sprint holds now; a parent's time includes its sub-tasks'." }),
  })
  .meta({ id: "SprintWithTasks" });
const sprintAnswer = z.object({ sprint: sprintWithTasks, seq: z.number().int() }).meta({ id: "SprintAnswer" });
const backlogAnswer = z.object({ tasks: z.array(taskSchema), seq: z.number().int() }).meta({ id: "Backlog" });

function sprintNotFound(sprintId: string): ApiError {
  return new ApiError(404, "sprint_not_found", "This sprint does not exist or was deleted.", { sprintId });
}

async function sprintAfter(board: OpenBoard, sprintId: string, seq: number) {
  const found = await board.room.sprint(sprintId);
  if (!found) throw sprintNotFound(sprintId);
  return { sprint: found.sprint, seq };
}

/** Runs a sprint command and answers with the sprint as it is now. */
async function changeSprint(c: Context<AppEnv>, boardId: string, sprintId: string, command: Command, key?: string) {
  const board = await openBoard(c, boardId, "write");
  const { result } = await runCommand(c, board, command, key === undefined ? {} : { idempotencyKey: key });
  return sprintAfter(board, sprintId, result.seq);
}

const sprintFields = {
  name: sprintNameSchema,
  goal: sprintGoalSchema.optional(),
  startDate: sprintDateSchema.nullable().optional(),
  endDate: sprintDateSchema.nullable().optional(),
};

const listSprintsRoute = sprintRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}/sprints",
    tags: ["Scrum"],
    summary: "The board's sprints: active first, then future, then completed",
    request: { params: boardParams },
    responses: {
      200: jsonContent(z.object({ sprints: z.array(sprintSchema), seq: z.number().int() }), "The sprints"),
      ...errorResponses(401, 404),
    },
  }),
  async (c) => {
    const board = await openBoard(c, c.req.valid("param").boardId, "read");
    return c.json(await board.room.sprints(), 200);
  },
);

const planSprintRoute = sprintRoutes.openapi(
  createRoute({
    method: "post",
    path: "/boards/{boardId}/sprints",
    tags: ["Scrum"],
    summary: "Plan a sprint (Scrum boards)",
    request: {
      params: boardParams,
      headers: writeHeaders,
      body: jsonBody(z.strictObject(sprintFields).meta({ id: "NewSprint" })),
    },
    responses: { 201: jsonContent(sprintAnswer, "The new sprint"), ...errorResponses(400, 401, 403, 404, 422) },
  }),
  async (c) => {
    const board = await openBoard(c, c.req.valid("param").boardId, "write");
    const { result } = await runCommand(
      c,
      board,
      { type: "createSprint", ...c.req.valid("json") },
      { idempotencyKey: c.req.valid("header")["idempotency-key"] },
    );
    if (result.status !== "applied" || result.event.type !== "sprint.created") throw new Error("sprint not created");
    return c.json(await sprintAfter(board, result.event.payload.sprint.id, result.seq), 201);
  },
);

const getSprintRoute = sprintRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}/sprints/{sprintId}",
    tags: ["Scrum"],
    summary: "A sprint with its tasks in backlog order",
    request: { params: sprintParams },
    responses: { 200: jsonContent(sprintAnswer, "The sprint"), ...errorResponses(401, 404) },
  }),
  async (c) => {
    const { boardId, sprintId } = c.req.valid("param");
    const board = await openBoard(c, boardId, "read");
    const found = await board.room.sprint(sprintId);
    if (!found) throw sprintNotFound(sprintId);
    return c.json(found, 200);
  },
);

const changeSprintRoute = sprintRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/boards/{boardId}/sprints/{sprintId}",
    tags: ["Scrum"],
    summary: "Change a sprint's name, goal or dates (not once completed)",
    request: {
      params: sprintParams,
      body: jsonBody(
        z.strictObject({ ...sprintFields, name: sprintNameSchema.optional() }).meta({ id: "ChangeSprint" }),
      ),
    },
    responses: { 200: jsonContent(sprintAnswer, "The sprint"), ...errorResponses(400, 401, 403, 404, 422) },
  }),
  async (c) => {
    const { boardId, sprintId } = c.req.valid("param");
    return c.json(
      await changeSprint(c, boardId, sprintId, { type: "updateSprint", sprintId, ...c.req.valid("json") }),
      200,
    );
  },
);

const deleteSprintRoute = sprintRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/boards/{boardId}/sprints/{sprintId}",
    tags: ["Scrum"],
    summary: "Delete a sprint never started; its tasks return to the backlog",
    request: { params: sprintParams },
    responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404, 422) },
  }),
  async (c) => {
    const { boardId, sprintId } = c.req.valid("param");
    const board = await openBoard(c, boardId, "write");
    await runCommand(c, board, { type: "deleteSprint", sprintId });
    return c.body(null, 204);
  },
);

const planTasksRoute = sprintRoutes.openapi(
  createRoute({
    method: "post",
    path: "/boards/{boardId}/sprints/{sprintId}/tasks",
    tags: ["Scrum"],
    summary: "Plan tasks in a sprint (their sub-tasks come along)",
    description:
      "A task planned in another open sprint moves here. While the sprint is active, each task added is a scope change, kept with its time.",
    request: {
      params: sprintParams,
      body: jsonBody(z.strictObject({ keys: sprintKeysSchema }).meta({ id: "PlanTasks" })),
    },
    responses: { 200: jsonContent(sprintAnswer, "The sprint"), ...errorResponses(400, 401, 403, 404, 422) },
  }),
  async (c) => {
    const { boardId, sprintId } = c.req.valid("param");
    const { keys } = c.req.valid("json");
    return c.json(await changeSprint(c, boardId, sprintId, { type: "addToSprint", sprintId, keys }), 200);
  },
);

const unplanTaskRoute = sprintRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/boards/{boardId}/sprints/{sprintId}/tasks/{key}",
    tags: ["Scrum"],
    summary: "Take a task out of a sprint, back to the backlog",
    request: {
      params: sprintParams.extend({
        key: taskKeySchema.meta({ param: { name: "key", in: "path" }, example: "WEB-42" }),
      }),
    },
    responses: { 200: jsonContent(sprintAnswer, "The sprint"), ...errorResponses(401, 403, 404, 422) },
  }),
  async (c) => {
    const { boardId, sprintId, key } = c.req.valid("param");
    return c.json(await changeSprint(c, boardId, sprintId, { type: "removeFromSprint", sprintId, keys: [key] }), 200);
  },
);

const startSprintRoute = sprintRoutes.openapi(
  createRoute({
    method: "post",
    path: "/boards/{boardId}/sprints/{sprintId}/start",
    tags: ["Scrum"],
    summary: "Start a sprint: its scope as it stands is what the team commits to",
    description:
      "One sprint is active at a time unless the board's settings allow parallel sprints: a second answers 422 `sprint_already_active`, naming the active one. Dates default to the sprint's own, else today and two weeks.",
    request: {
      params: sprintParams,
      body: jsonBody(
        z
          .strictObject({
            startDate: sprintDateSchema.optional(),
            endDate: sprintDateSchema.optional(),
            goal: sprintGoalSchema.optional(),
          })
          .meta({ id: "StartSprint" }),
      ),
    },
    responses: { 200: jsonContent(sprintAnswer, "The active sprint"), ...errorResponses(400, 401, 403, 404, 422) },
  }),
  async (c) => {
    const { boardId, sprintId } = c.req.valid("param");
    return c.json(
      await changeSprint(c, boardId, sprintId, { type: "startSprint", sprintId, ...c.req.valid("json") }),
      200,
    );
  },
);

const completeSprintRoute = sprintRoutes.openapi(
  createRoute({
    method: "post",
    path: "/boards/{boardId}/sprints/{sprintId}/complete",
    tags: ["Scrum"],
    summary: "Complete the active sprint; unfinished work goes to the backlog or a future sprint",
    description:
      "Every task not in a done column (with its sub-tasks) moves in this one change. The sprint's `report` records committed, completed, added and removed after the start, and carried over, with points and original estimates, what remains of the carried-over work, and the time logged during the sprint.",
    request: {
      params: sprintParams,
      body: jsonBody(
        z
          .strictObject({
            moveOpenTo: z
              .union([z.literal("backlog"), idSchema])
              .meta({ description: '"backlog", or the id of a sprint not started yet.' }),
          })
          .meta({ id: "CompleteSprint" }),
      ),
    },
    responses: { 200: jsonContent(sprintAnswer, "The completed sprint"), ...errorResponses(400, 401, 403, 404, 422) },
  }),
  async (c) => {
    const { boardId, sprintId } = c.req.valid("param");
    const { moveOpenTo } = c.req.valid("json");
    return c.json(await changeSprint(c, boardId, sprintId, { type: "completeSprint", sprintId, moveOpenTo }), 200);
  },
);

const backlogRoute = sprintRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}/backlog",
    tags: ["Scrum"],
    summary: "The backlog: tasks planned in no sprint, in backlog rank order",
    request: { params: boardParams },
    responses: { 200: jsonContent(backlogAnswer, "The backlog"), ...errorResponses(401, 404) },
  }),
  async (c) => {
    const board = await openBoard(c, c.req.valid("param").boardId, "read");
    return c.json(await board.room.backlog(), 200);
  },
);

const rankBacklogRoute = sprintRoutes.openapi(
  createRoute({
    method: "post",
    path: "/boards/{boardId}/backlog/rank",
    tags: ["Scrum"],
    summary: "Rank tasks in the backlog: before or after another, or to the top or bottom",
    description: "Several tasks move together and keep the order they had among themselves.",
    request: {
      params: boardParams,
      body: jsonBody(
        z
          .strictObject({
            keys: sprintKeysSchema,
            beforeKey: taskKeySchema.optional(),
            afterKey: taskKeySchema.optional(),
            position: positionSchema.optional(),
          })
          .meta({ id: "RankBacklog" }),
      ),
    },
    responses: {
      200: jsonContent(backlogAnswer, "The backlog after the move"),
      ...errorResponses(400, 401, 403, 404, 422),
    },
  }),
  async (c) => {
    const board = await openBoard(c, c.req.valid("param").boardId, "write");
    await runCommand(c, board, { type: "rankBacklog", ...c.req.valid("json") });
    return c.json(await board.room.backlog(), 200);
  },
);

const changeSettingsRoute = sprintRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/boards/{boardId}/settings",
    tags: ["Scrum"],
    summary:
      "Change the board's working day and week, its working days, its estimation statistic, and whether sprints may run in parallel",
    request: {
      params: boardParams,
      body: jsonBody(boardSettingsChange.meta({ id: "ChangeBoardSettings" })),
    },
    responses: {
      200: jsonContent(z.object({ settings: boardSettingsSchema, seq: z.number().int() }), "The settings"),
      ...errorResponses(400, 401, 403, 404, 422),
    },
  }),
  async (c) => {
    const board = await openBoard(c, c.req.valid("param").boardId, "owner");
    const { result } = await runCommand(c, board, { type: "updateBoardSettings", ...c.req.valid("json") });
    const snapshot = await board.room.snapshot();
    if (!snapshot) throw new Error("the board has no snapshot");
    return c.json({ settings: snapshot.settings, seq: result.seq }, 200);
  },
);
