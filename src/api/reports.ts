import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { z } from "zod";
import type { DomainError } from "../domain/errors";
import { addDays, checkRange, checkTimeZone, dayIn } from "../reporting/calendar";
import {
  burndownCsv,
  cumulativeFlowCsv,
  cycleTimeCsv,
  deliveryCsv,
  sprintSummaryCsv,
  timesheetCsv,
  velocityCsv,
} from "../reporting/csv";
import { delivery } from "../reporting/deliveryReport";
import { cumulativeFlow, cycleTime } from "../reporting/flowReports";
import {
  boardSettings,
  cycleFacts,
  deliveryFacts,
  flowFacts,
  type ReportDb,
  reportReader,
  reportsThrough,
  sprintFacts,
  sprintOf,
  sprintsOf,
  worklogFacts,
} from "../reporting/reportQueries";
import { burndown, sprintSummary, velocity } from "../reporting/sprintReports";
import { timesheetGrid } from "../reporting/timesheetReport";
import { openBoard } from "./boardAccess";
import type { AppEnv } from "./context";
import { ApiError, fromDomain } from "./errors";
import { errorResponses, newRouter, type RoutesOf } from "./openapi";
import { boardParams } from "./schemas";

// Reports, read from the D1 projections the board's subscriber keeps (so a change
// shows here moments after it happens). Each answers JSON for a chart, or CSV with
// ?format=csv. Figures are computed by the pure functions in src/reporting, the same
// ones a replay of the log uses.

export const reportRoutes = newRouter();
/** These routes as the web app's typed client sees them (see RoutesOf). */
export type ReportRoutes = RoutesOf<
  | typeof burndownRoute
  | typeof sprintReportRoute
  | typeof velocityRoute
  | typeof cumulativeFlowRoute
  | typeof cycleTimeRoute
  | typeof boardTimesheetRoute
  | typeof myTimesheetRoute
>;

const format = z.enum(["json", "csv"]).default("json").meta({ description: "csv: the report as a CSV download." });
const timeZone = z
  .string()
  .max(64)
  .default("UTC")
  .meta({ description: "IANA time zone the report's days are in, e.g. Europe/Paris (UTC by default)." });
const date = (what: string) => z.iso.date().optional().meta({ description: what });
const range = {
  from: date("First day (YYYY-MM-DD); 89 days before `to` by default."),
  to: date("Last day (YYYY-MM-DD); today by default."),
};

function ok<T extends z.ZodType>(schema: T, description: string) {
  return {
    content: { "application/json": { schema }, "text/csv": { schema: z.string() } },
    description,
  };
}

function fail(error: DomainError | null): void {
  if (error) throw fromDomain(error);
}

/** The range asked for, or the last 90 days, checked. */
function dayRange(q: { from?: string | undefined; to?: string | undefined; timeZone: string }) {
  fail(checkTimeZone(q.timeZone));
  const to = q.to ?? dayIn(q.timeZone, new Date().toISOString());
  const from = q.from ?? addDays(to, -89);
  fail(checkRange(from, to));
  return { from, to, timeZone: q.timeZone };
}

/** A board's report in JSON also says how far into the board's log it is. */
const throughSeq = {
  throughSeq: z.number().int().min(0).meta({
    description:
      "The board's last event this report includes. Reports are kept a moment behind the board: while this is below the board's seq, ask again shortly.",
  }),
};

/**
 * A board's report rows, once the caller may read the board, and how far into its
 * log they are: the checkpoint is read beside the access check and before the rows,
 * through the same session, so the rows are at least that fresh.
 */
async function boardReports(c: Context<AppEnv>, boardId: string) {
  const db = reportReader(c.env.DB);
  const [, through] = await Promise.all([openBoard(c, boardId, "read"), reportsThrough(db, boardId)]);
  return { db, through };
}

/** The report as JSON (with `throughSeq` when it is a board's) or, asked for, as a CSV file. */
function answer<T>(
  c: Context<AppEnv>,
  wanted: "json" | "csv",
  report: T,
  csv: (r: T) => string,
  name: string,
  through?: number,
) {
  if (wanted === "json") return c.json({ ...(report as object), throughSeq: through }, 200);
  return c.body(csv(report), 200, {
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": `attachment; filename="${name}.csv"`,
  });
}

function sprintNotFound(): ApiError {
  return new ApiError(404, "sprint_not_found", "This board has no such sprint; list them with GET …/sprints.");
}

const stats = z.object({
  count: z.number().int(),
  averageSeconds: z.number().nullable(),
  p50Seconds: z.number().nullable(),
  p85Seconds: z.number().nullable(),
  p95Seconds: z.number().nullable(),
});
const change = z.object({
  kind: z.enum(["committed", "added", "removed", "points", "completed", "reopened", "estimate"]),
  key: z.string(),
  delta: z.number(),
});
const burndownSchema = z
  .object({
    ...throughSeq,
    unit: z.enum(["points", "time"]),
    timeZone: z.string(),
    workingDays: z.array(z.number().int()),
    ideal: z.array(z.object({ date: z.string(), remaining: z.number(), workingDay: z.boolean() })),
    series: z.array(
      z.object({
        seq: z.number().int(),
        at: z.string(),
        date: z.string(),
        remaining: z.number(),
        scope: z.number(),
        completed: z.number(),
        scopeChange: z.boolean(),
        changes: z.array(change),
      }),
    ),
  })
  .meta({
    id: "Burndown",
    description:
      "Remaining work after every change of the sprint (points, or seconds of remaining estimate with unit=time); `scope` and `completed` draw the burnup. A point with scopeChange is a step to mark: a task added or removed (archived counts as removed, restored as added), re-pointed, or in time a sub-task entering or leaving the sprint. In time each task and sub-task in the sprint counts its own remaining estimate while it is in. `ideal` is the remaining work at the start of each day.",
  });
const items = z.object({
  points: z.number(),
  items: z.array(z.object({ key: z.string(), title: z.string().nullable(), points: z.number().nullable() })),
});
const sprintReportSchema = z
  .object({
    ...throughSeq,
    sprint: z.object({
      id: z.string(),
      name: z.string(),
      state: z.string(),
      startDate: z.string().nullable(),
      endDate: z.string().nullable(),
    }),
    committed: items,
    completed: items,
    notCompleted: items,
    addedAfterStart: items,
    removedAfterStart: items,
  })
  .meta({ id: "SprintReport" });
const velocitySchema = z
  .object({
    ...throughSeq,
    sprints: z.array(
      z.object({
        sprintId: z.string(),
        name: z.string(),
        completedAt: z.string(),
        committed: z.number(),
        completed: z.number(),
        addedAfterStart: z.number(),
        removedAfterStart: z.number(),
        carriedOver: z.number(),
        committedSeconds: z.number().nullable(),
        completedSeconds: z.number().nullable(),
      }),
    ),
    averageCompleted: z.number().nullable(),
  })
  .meta({ id: "Velocity", description: "Points committed and completed per closed sprint, oldest first." });
const cfdSchema = z
  .object({
    ...throughSeq,
    timeZone: z.string(),
    from: z.string(),
    to: z.string(),
    columns: z.array(z.object({ id: z.string(), name: z.string(), category: z.string(), removed: z.boolean() })),
    days: z.array(
      z.object({ date: z.string(), counts: z.record(z.string(), z.number().int()), total: z.number().int() }),
    ),
  })
  .meta({ id: "CumulativeFlow", description: "Tasks in each column at the end of each day." });
const cycleSchema = z
  .object({
    ...throughSeq,
    timeZone: z.string(),
    from: z.string(),
    to: z.string(),
    window: z.number().int(),
    points: z.array(
      z.object({
        key: z.string(),
        title: z.string(),
        type: z.string(),
        createdAt: z.string(),
        startedAt: z.string().nullable(),
        resolvedAt: z.string(),
        resolvedOn: z.string(),
        cycleSeconds: z.number().nullable(),
        leadSeconds: z.number(),
        rollingAverageSeconds: z.number().nullable(),
      }),
    ),
    cycle: stats,
    lead: stats,
    throughput: z.array(z.object({ week: z.string(), count: z.number().int() })),
  })
  .meta({
    id: "CycleTime",
    description:
      "Tasks resolved in the range: cycle time (first in progress → done) and lead time (created → done) with percentiles, a rolling average for a control chart, and tasks done per week.",
  });
const deliverySchema = z
  .object({
    timeZone: z.string(),
    from: z.string(),
    to: z.string(),
    boards: z.array(
      z.object({
        boardId: z.string(),
        name: z.string(),
        key: z.string(),
        mode: z.string(),
        done: z.number().int().meta({ description: "Tasks resolved in the range and done now." }),
        throughput: z.array(z.object({ week: z.string(), count: z.number().int() })),
        cycle: stats,
        lead: stats,
        velocity: z.object({
          completed: z.array(z.number()).meta({ description: "Points completed per closed sprint, oldest first." }),
          averageCompleted: z.number().nullable(),
        }),
      }),
    ),
    throughput: z.array(z.object({ week: z.string(), count: z.number().int() })),
    done: z.number().int(),
  })
  .meta({
    id: "Delivery",
    description:
      "For every board you are a member of: tasks done per week in the range, their cycle time (first in progress → done) and lead time (created → done), and the points completed in the last closed sprints; then every board's tasks done per week together.",
  });
const timesheetSchema = z
  .object({
    timeZone: z.string(),
    from: z.string(),
    to: z.string(),
    dates: z.array(z.string()),
    people: z.array(
      z.object({
        userId: z.string(),
        name: z.string().nullable(),
        days: z.array(z.number().int()),
        totalSeconds: z.number().int(),
      }),
    ),
    tasks: z.array(
      z.object({ boardId: z.string(), key: z.string(), title: z.string().nullable(), seconds: z.number().int() }),
    ),
    boards: z.array(z.object({ boardId: z.string(), name: z.string().nullable(), seconds: z.number().int() })),
    dayTotals: z.array(z.number().int()),
    totalSeconds: z.number().int(),
  })
  .meta({
    id: "TimesheetGrid",
    description: "Seconds logged per person per day (a worklog counts on the day its work started in timeZone).",
  });
const boardTimesheetSchema = timesheetSchema.extend(throughSeq).meta({
  id: "BoardTimesheet",
  description: "A board's timesheet: the grid, and how far into the board's log it is.",
});

const errors = errorResponses(400, 401, 404);

const burndownRoute = reportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}/reports/burndown",
    tags: ["Reports"],
    summary: "Sprint burndown and burnup, with the ideal line and scope changes as marked steps",
    request: {
      params: boardParams,
      query: z.strictObject({
        sprint: z.string().max(64).meta({ description: "The sprint's id." }),
        unit: z
          .enum(["points", "time"])
          .optional()
          .meta({ description: "The board's estimation statistic by default." }),
        timeZone,
        format,
      }),
    },
    responses: { 200: ok(burndownSchema, "The burndown"), ...errorResponses(400, 401, 404, 422) },
  }),
  async (c) => {
    const { boardId } = c.req.valid("param");
    const q = c.req.valid("query");
    const { db, through } = await boardReports(c, boardId);
    fail(checkTimeZone(q.timeZone));
    const [sprint, settings] = await Promise.all([sprintOf(db, boardId, q.sprint), boardSettings(db, boardId)]);
    if (!sprint) throw sprintNotFound();
    if (sprint.startedAt === null) {
      throw new ApiError(
        422,
        "sprint_not_started",
        `"${sprint.name}" has not started; a burndown begins when it does.`,
      );
    }
    const facts = await sprintFacts(db, boardId, sprint.sprintId);
    const report = burndown({
      sprint,
      ...facts,
      unit: q.unit ?? settings.estimationStatistic,
      workingDays: settings.workingDays,
      timeZone: q.timeZone,
      scopeVersion: settings.scopeVersion,
    });
    return answer(c, q.format, report, burndownCsv, `burndown-${sprint.sprintId}`, through);
  },
);

const sprintReportRoute = reportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}/reports/sprint",
    tags: ["Reports"],
    summary: "Sprint report: committed, completed, not completed, added after the start, removed",
    request: {
      params: boardParams,
      query: z.strictObject({ sprint: z.string().max(64).meta({ description: "The sprint's id." }), format }),
    },
    responses: { 200: ok(sprintReportSchema, "The sprint report"), ...errors },
  }),
  async (c) => {
    const { boardId } = c.req.valid("param");
    const q = c.req.valid("query");
    const { db, through } = await boardReports(c, boardId);
    const sprint = await sprintOf(db, boardId, q.sprint);
    if (!sprint) throw sprintNotFound();
    const facts = await sprintFacts(db, boardId, sprint.sprintId);
    const report = sprintSummary({ sprint, ...facts });
    return answer(c, q.format, report, sprintSummaryCsv, `sprint-${sprint.sprintId}`, through);
  },
);

const velocityRoute = reportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}/reports/velocity",
    tags: ["Reports"],
    summary: "Velocity: points committed and completed in the last closed sprints",
    request: {
      params: boardParams,
      query: z.strictObject({
        sprints: z.coerce
          .number({ error: "sprints must be a whole number." })
          .int()
          .min(1)
          .max(50, "sprints is at most 50.")
          .default(7)
          .meta({ description: "How many of the last closed sprints (7 by default)." }),
        format,
      }),
    },
    responses: { 200: ok(velocitySchema, "Velocity"), ...errors },
  }),
  async (c) => {
    const { boardId } = c.req.valid("param");
    const q = c.req.valid("query");
    const { db, through } = await boardReports(c, boardId);
    const report = velocity(await sprintsOf(db, boardId), q.sprints);
    return answer(c, q.format, report, (r) => velocityCsv(r.sprints), "velocity", through);
  },
);

const cumulativeFlowRoute = reportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}/reports/cfd",
    tags: ["Reports"],
    summary: "Cumulative flow: tasks per column at the end of each day",
    request: { params: boardParams, query: z.strictObject({ ...range, timeZone, format }) },
    responses: { 200: ok(cfdSchema, "Cumulative flow"), ...errors },
  }),
  async (c) => {
    const { boardId } = c.req.valid("param");
    const q = c.req.valid("query");
    const days = dayRange(q);
    const { db, through } = await boardReports(c, boardId);
    const facts = await flowFacts(db, boardId, days.from, days.to, days.timeZone);
    return answer(c, q.format, cumulativeFlow({ ...facts, ...days }), cumulativeFlowCsv, "cumulative-flow", through);
  },
);

const cycleTimeRoute = reportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}/reports/cycle-time",
    tags: ["Reports"],
    summary: "Cycle and lead time of the tasks done in a range, with percentiles and weekly throughput",
    request: {
      params: boardParams,
      query: z.strictObject({
        ...range,
        timeZone,
        window: z.coerce
          .number({ error: "window must be a whole number." })
          .int()
          .min(1)
          .max(100, "window is at most 100.")
          .default(7)
          .meta({ description: "How many tasks the rolling average spans (7 by default)." }),
        format,
      }),
    },
    responses: { 200: ok(cycleSchema, "Cycle and lead time"), ...errors },
  }),
  async (c) => {
    const { boardId } = c.req.valid("param");
    const q = c.req.valid("query");
    const days = dayRange(q);
    const { db, through } = await boardReports(c, boardId);
    const facts = await cycleFacts(db, boardId, days.from, days.to);
    const report = cycleTime({ ...facts, ...days, window: q.window });
    return answer(c, q.format, report, cycleTimeCsv, "cycle-time", through);
  },
);

const timesheetQuery = z.strictObject({
  ...range,
  timeZone,
  userId: z.string().max(64).optional().meta({ description: '"me", or a person\'s id; everyone by default.' }),
  format,
});

async function grid(
  c: Context<AppEnv>,
  { db, through }: { db: ReportDb; through?: number },
  scope: { boardId: string } | { viewerId: string },
  q: z.infer<typeof timesheetQuery>,
  defaultUser?: string,
) {
  const days = dayRange(q);
  const wanted = q.userId ?? defaultUser;
  const userId = wanted === "me" ? c.var.actor.id : wanted;
  const rows = await worklogFacts(db, scope, days.from, days.to, userId);
  const report = timesheetGrid({
    ...days,
    worklogs: rows.map((r) => r.worklog),
    names: new Map(rows.flatMap((r) => (r.authorName ? [[r.worklog.authorId, r.authorName]] : []))),
    titles: new Map(rows.flatMap((r) => (r.title ? [[`${r.worklog.boardId}|${r.worklog.key}`, r.title]] : []))),
    boardNames: new Map(rows.map((r) => [r.worklog.boardId, r.boardName])),
  });
  return answer(c, q.format, report, timesheetCsv, `timesheet-${days.from}-${days.to}`, through);
}

const boardTimesheetRoute = reportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}/reports/timesheet",
    tags: ["Reports"],
    summary: "Timesheet: time logged per person per day, with totals per task, in your time zone",
    request: { params: boardParams, query: timesheetQuery },
    responses: { 200: ok(boardTimesheetSchema, "The timesheet"), ...errors },
  }),
  async (c) => {
    const { boardId } = c.req.valid("param");
    const q = c.req.valid("query");
    dayRange(q);
    return grid(c, await boardReports(c, boardId), { boardId }, q);
  },
);

const myTimesheetRoute = reportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/reports/timesheet",
    tags: ["Reports"],
    summary: "Your time across all your boards (or a colleague's, on the boards you share)",
    request: { query: timesheetQuery },
    responses: { 200: ok(timesheetSchema, "The timesheet"), ...errorResponses(400, 401) },
  }),
  (c) => grid(c, { db: reportReader(c.env.DB) }, { viewerId: c.var.actor.id }, c.req.valid("query"), "me"),
);

reportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/reports/delivery",
    tags: ["Reports"],
    summary: "Delivery across your boards: tasks done per week, cycle and lead time, velocity, board by board",
    request: {
      query: z.strictObject({
        ...range,
        timeZone,
        sprints: z.coerce
          .number({ error: "sprints must be a whole number." })
          .int()
          .min(1)
          .max(50, "sprints is at most 50.")
          .default(3)
          .meta({ description: "How many of each board's last closed sprints velocity covers (3 by default)." }),
        format,
      }),
    },
    responses: { 200: ok(deliverySchema, "Delivery per board"), ...errorResponses(400, 401) },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const days = dayRange(q);
    const facts = await deliveryFacts(reportReader(c.env.DB), c.var.actor.id, days.from, days.to);
    const report = delivery({ ...facts, ...days, sprintCount: q.sprints });
    return answer(c, q.format, report, deliveryCsv, `delivery-${days.from}-${days.to}`);
  },
);
