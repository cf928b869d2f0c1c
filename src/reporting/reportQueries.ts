import { and, asc, eq, gte, inArray, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { memberships, users } from "../auth/schema";
import { boards } from "../db/schema";
import { dayAlignedSpan, utcBounds } from "./calendar";
import { DEFAULT_WORKING_DAYS, SCOPE_VERSION } from "./reportFacts";
import { REPORTS } from "./reportProjector";
import {
  projectionCheckpoints,
  type ReportColumnRow,
  reportBoards,
  reportColumns,
  reportEstimates,
  reportGenerations,
  reportScopeChanges,
  reportSprints,
  reportTasks,
  reportTransitions,
  reportWorklogs,
} from "./schema";

// What each report reads from D1: only the rows its figures need, with ranges cut
// in SQL. Reads go through a D1 session (`withSession`): on Cloudflare a session may
// be served by a read replica near the caller, and it never reads older data than
// it has already seen. Reports are projections anyway, a moment behind the board.

export type ReportDb = DrizzleD1Database;

export function reportReader(d1: D1Database): ReportDb {
  // The session has prepare() and batch(), all drizzle's D1 driver calls.
  return drizzle(d1.withSession("first-unconstrained") as unknown as D1Database);
}

/**
 * The board's report rows: those under the id report_generations names for it (the
 * rows its last rebuild swapped in), or else under its own. Evaluated once per
 * statement, so every read of a report sees one set of rows.
 */
function rowsOf(boardId: string | SQLiteColumn): SQL {
  return sql`coalesce((select ${reportGenerations.rowsId} from ${reportGenerations} where ${reportGenerations.boardId} = ${boardId}), ${boardId})`;
}

function onBoard(column: SQLiteColumn, boardId: string): SQL {
  return eq(column, rowsOf(boardId)) as SQL;
}

/**
 * The last of the board's events its report rows hold (0 before the first). Read
 * before the rows, through the same session: a report is at least this fresh.
 */
export async function reportsThrough(db: ReportDb, boardId: string): Promise<number> {
  const row = await db
    .select({ seq: projectionCheckpoints.seq })
    .from(projectionCheckpoints)
    .where(and(eq(projectionCheckpoints.boardId, boardId), eq(projectionCheckpoints.projection, REPORTS)))
    .get();
  return row?.seq ?? 0;
}

export async function boardSettings(db: ReportDb, boardId: string) {
  const row = await db.select().from(reportBoards).where(onBoard(reportBoards.boardId, boardId)).get();
  return {
    estimationStatistic: (row?.estimationStatistic ?? "points") as "points" | "time",
    workingDays: row ? (JSON.parse(row.workingDays) as number[]) : DEFAULT_WORKING_DAYS,
    scopeVersion: row?.scopeVersion ?? SCOPE_VERSION,
  };
}

export function columnsOf(db: ReportDb, boardId: string): Promise<ReportColumnRow[]> {
  return db.select().from(reportColumns).where(onBoard(reportColumns.boardId, boardId)).all();
}

export function sprintOf(db: ReportDb, boardId: string, sprintId: string) {
  return db
    .select()
    .from(reportSprints)
    .where(and(onBoard(reportSprints.boardId, boardId), eq(reportSprints.sprintId, sprintId)))
    .get();
}

export function sprintsOf(db: ReportDb, boardId: string) {
  return db.select().from(reportSprints).where(onBoard(reportSprints.boardId, boardId)).all();
}

/** Everything burndown and the sprint report read about one sprint, in one round trip. */
export async function sprintFacts(db: ReportDb, boardId: string, sprintId: string) {
  const inScope = db
    .selectDistinct({ key: reportScopeChanges.key })
    .from(reportScopeChanges)
    .where(and(onBoard(reportScopeChanges.boardId, boardId), eq(reportScopeChanges.sprintId, sprintId)));
  const tasks = db
    .select()
    .from(reportTasks)
    .where(
      and(
        onBoard(reportTasks.boardId, boardId),
        or(inArray(reportTasks.key, inScope), inArray(reportTasks.parentKey, inScope)),
      ),
    );
  const [scope, transitions, taskRows, estimates, columns] = await db.batch([
    db
      .select()
      .from(reportScopeChanges)
      .where(and(onBoard(reportScopeChanges.boardId, boardId), eq(reportScopeChanges.sprintId, sprintId)))
      .orderBy(asc(reportScopeChanges.seq)),
    db
      .select()
      .from(reportTransitions)
      .where(and(onBoard(reportTransitions.boardId, boardId), inArray(reportTransitions.key, inScope))),
    tasks,
    db
      .select()
      .from(reportEstimates)
      .where(
        and(
          onBoard(reportEstimates.boardId, boardId),
          or(
            inArray(reportEstimates.key, inScope),
            inArray(
              reportEstimates.key,
              db
                .select({ key: reportTasks.key })
                .from(reportTasks)
                .where(and(onBoard(reportTasks.boardId, boardId), inArray(reportTasks.parentKey, inScope))),
            ),
          ),
        ),
      ),
    db.select().from(reportColumns).where(onBoard(reportColumns.boardId, boardId)),
  ]);
  return { scope, transitions, tasks: taskRows, estimates, columns };
}

/**
 * Cumulative flow's input, summed in SQL so a year of moves crosses the wire as a
 * few thousand rows: each column's count before the range, then the moves in it per
 * day, hour or quarter hour, the longest span the time zone's midnights never cut.
 */
export async function flowFacts(db: ReportDb, boardId: string, from: string, to: string, timeZone: string) {
  const { after, before } = utcBounds(from, to);
  const t = reportTransitions;
  const count = sql<number>`count(*)`.mapWith(Number);
  const span = dayAlignedSpan(timeZone, from, to);
  const quarter =
    span === 1440
      ? sql<string>`substr(${t.at}, 1, 10) || 'T00:00:00.000Z'`
      : span === 60
        ? sql<string>`substr(${t.at}, 1, 13) || ':00:00.000Z'`
        : sql<string>`substr(${t.at}, 1, 14) || printf('%02d', (cast(substr(${t.at}, 15, 2) as integer) / 15) * 15) || ':00.000Z'`;
  const [entered, left, moves, columns] = await db.batch([
    db
      .select({ column: t.toColumn, count })
      .from(t)
      .where(and(onBoard(t.boardId, boardId), lt(t.at, after)))
      .groupBy(t.toColumn),
    db
      .select({ column: t.fromColumn, count })
      .from(t)
      .where(and(onBoard(t.boardId, boardId), lt(t.at, after)))
      .groupBy(t.fromColumn),
    db
      .select({ at: quarter, fromColumn: t.fromColumn, toColumn: t.toColumn, count })
      .from(t)
      .where(and(onBoard(t.boardId, boardId), gte(t.at, after), lt(t.at, before)))
      .groupBy(quarter, t.fromColumn, t.toColumn),
    db.select().from(reportColumns).where(onBoard(reportColumns.boardId, boardId)),
  ]);
  const start: Record<string, number> = {};
  for (const { column, count: n } of entered) if (column !== null) start[column] = (start[column] ?? 0) + n;
  for (const { column, count: n } of left) if (column !== null) start[column] = (start[column] ?? 0) - n;
  return { start, transitions: moves, columns };
}

/**
 * What the flow reports read of a task: its fields, and when it first entered an
 * in-progress column. `sameBoard` says which rows of a column or transition table
 * are the task's board's.
 */
function flowTaskFields(db: ReportDb, sameBoard: (boardId: SQLiteColumn) => SQL) {
  const inProgress = db
    .select({ columnId: reportColumns.columnId })
    .from(reportColumns)
    .where(and(sameBoard(reportColumns.boardId), eq(reportColumns.category, "in_progress")));
  const firstInProgress = db
    .select({ at: reportTransitions.at })
    .from(reportTransitions)
    .where(
      and(
        sameBoard(reportTransitions.boardId),
        eq(reportTransitions.key, reportTasks.key),
        inArray(reportTransitions.toColumn, inProgress),
      ),
    )
    .orderBy(asc(reportTransitions.seq))
    .limit(1);
  return {
    key: reportTasks.key,
    title: reportTasks.title,
    type: reportTasks.type,
    columnId: reportTasks.columnId,
    createdAt: reportTasks.createdAt,
    resolvedAt: reportTasks.resolvedAt,
    startedAt: sql<string | null>`(${firstInProgress})`,
  };
}

/**
 * Tasks resolved in the range (by UTC bounds; refined by day in the report), each
 * with its first move into an in-progress column, found in the same query through
 * the transitions' index by task: a year of a busy board is thousands of tasks.
 */
export async function cycleFacts(db: ReportDb, boardId: string, from: string, to: string) {
  const { after, before } = utcBounds(from, to);
  const [tasks, columns] = await db.batch([
    db
      .select(flowTaskFields(db, (column) => onBoard(column, boardId)))
      .from(reportTasks)
      .where(
        and(
          onBoard(reportTasks.boardId, boardId),
          gte(reportTasks.resolvedAt, after),
          lt(reportTasks.resolvedAt, before),
        ),
      ),
    db.select().from(reportColumns).where(onBoard(reportColumns.boardId, boardId)),
  ]);
  return { tasks, transitions: [], columns };
}

/**
 * Worklogs started within the range (UTC bounds), with the names a timesheet
 * shows: of one board, or of every live board `viewerId` is a member of. Each
 * worklog carries its board's id, whatever id its rows are under.
 */
export async function worklogFacts(
  db: ReportDb,
  scope: { boardId: string } | { viewerId: string },
  from: string,
  to: string,
  authorId?: string,
) {
  const { after, before } = utcBounds(from, to);
  const select = {
    worklog: reportWorklogs,
    boardId: boards.id,
    title: reportTasks.title,
    boardName: boards.name,
    authorName: users.name,
  };
  const inRange = and(
    gte(reportWorklogs.startedAt, after),
    lt(reportWorklogs.startedAt, before),
    authorId === undefined ? undefined : eq(reportWorklogs.authorId, authorId),
  );
  const task = and(eq(reportTasks.boardId, reportWorklogs.boardId), eq(reportTasks.key, reportWorklogs.key));
  const rows =
    "boardId" in scope
      ? await db
          .select(select)
          .from(reportWorklogs)
          .innerJoin(boards, eq(boards.id, scope.boardId))
          .leftJoin(reportTasks, task)
          .leftJoin(users, eq(users.id, reportWorklogs.authorId))
          .where(and(onBoard(reportWorklogs.boardId, scope.boardId), inRange))
          .all()
      : // From the viewer's boards to each one's rows: only the boards they belong to, only their current rows.
        await db
          .select(select)
          .from(memberships)
          .innerJoin(boards, and(eq(boards.id, memberships.boardId), isNull(boards.deletedAt)))
          .leftJoin(reportGenerations, eq(reportGenerations.boardId, boards.id))
          .innerJoin(
            reportWorklogs,
            eq(reportWorklogs.boardId, sql`coalesce(${reportGenerations.rowsId}, ${boards.id})`),
          )
          .leftJoin(reportTasks, task)
          .leftJoin(users, eq(users.id, reportWorklogs.authorId))
          .where(and(eq(memberships.userId, scope.viewerId), inRange))
          .all();
  return rows.map((r) => ({ ...r, worklog: { ...r.worklog, boardId: r.boardId } }));
}

/**
 * What the delivery summary reads across the live boards `viewerId` is a member of:
 * the boards, their tasks resolved in the range (UTC bounds) with each one's first
 * move into progress, their columns, and their closed sprints; every row with its
 * board's id, whatever id its rows are under.
 */
export async function deliveryFacts(db: ReportDb, viewerId: string, from: string, to: string) {
  const { after, before } = utcBounds(from, to);
  // The viewer's live boards, each with the id its report rows are under.
  const mine = db
    .select({
      boardId: boards.id,
      rowsId: sql<string>`coalesce(${reportGenerations.rowsId}, ${boards.id})`.as("rows_id"),
    })
    .from(memberships)
    .innerJoin(boards, and(eq(boards.id, memberships.boardId), isNull(boards.deletedAt)))
    .leftJoin(reportGenerations, eq(reportGenerations.boardId, boards.id))
    .where(eq(memberships.userId, viewerId))
    .as("mine");
  const [seen, tasks, columns, sprints] = await db.batch([
    db
      .select({ boardId: boards.id, name: boards.name, key: boards.key, mode: boards.mode })
      .from(boards)
      .innerJoin(memberships, and(eq(memberships.boardId, boards.id), eq(memberships.userId, viewerId)))
      .where(isNull(boards.deletedAt))
      .orderBy(asc(boards.name), asc(boards.id)),
    db
      .select({
        boardId: mine.boardId,
        ...flowTaskFields(db, (column) => eq(column, reportTasks.boardId)),
      })
      .from(mine)
      .innerJoin(reportTasks, eq(reportTasks.boardId, mine.rowsId))
      .where(and(gte(reportTasks.resolvedAt, after), lt(reportTasks.resolvedAt, before))),
    db
      .select({ boardId: mine.boardId, column: reportColumns })
      .from(mine)
      .innerJoin(reportColumns, eq(reportColumns.boardId, mine.rowsId)),
    db
      .select({ boardId: mine.boardId, sprint: reportSprints })
      .from(mine)
      .innerJoin(reportSprints, eq(reportSprints.boardId, mine.rowsId))
      .where(eq(reportSprints.state, "closed")),
  ]);
  return {
    boards: seen,
    tasks,
    transitions: [],
    columns: columns.map((r) => ({ ...r.column, boardId: r.boardId })),
    sprints: sprints.map((r) => ({ ...r.sprint, boardId: r.boardId })),
  };
}
