import { and, asc, eq, gte, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { memberships, users } from "../auth/schema";
import { boards } from "../db/schema";
import { dayAlignedSpan, utcBounds } from "./calendar";
import { DEFAULT_WORKING_DAYS, SCOPE_VERSION } from "./reportFacts";
import {
  type ReportColumnRow,
  reportBoards,
  reportColumns,
  reportEstimates,
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

export async function boardSettings(db: ReportDb, boardId: string) {
  const row = await db.select().from(reportBoards).where(eq(reportBoards.boardId, boardId)).get();
  return {
    estimationStatistic: (row?.estimationStatistic ?? "points") as "points" | "time",
    workingDays: row ? (JSON.parse(row.workingDays) as number[]) : DEFAULT_WORKING_DAYS,
    scopeVersion: row?.scopeVersion ?? SCOPE_VERSION,
  };
}

export function columnsOf(db: ReportDb, boardId: string): Promise<ReportColumnRow[]> {
  return db.select().from(reportColumns).where(eq(reportColumns.boardId, boardId)).all();
}

export function sprintOf(db: ReportDb, boardId: string, sprintId: string) {
  return db
    .select()
    .from(reportSprints)
    .where(and(eq(reportSprints.boardId, boardId), eq(reportSprints.sprintId, sprintId)))
    .get();
}

export function sprintsOf(db: ReportDb, boardId: string) {
  return db.select().from(reportSprints).where(eq(reportSprints.boardId, boardId)).all();
}

/** Everything burndown and the sprint report read about one sprint, in one round trip. */
export async function sprintFacts(db: ReportDb, boardId: string, sprintId: string) {
  const inScope = db
    .selectDistinct({ key: reportScopeChanges.key })
    .from(reportScopeChanges)
    .where(and(eq(reportScopeChanges.boardId, boardId), eq(reportScopeChanges.sprintId, sprintId)));
  const tasks = db
    .select()
    .from(reportTasks)
    .where(
      and(
        eq(reportTasks.boardId, boardId),
        or(inArray(reportTasks.key, inScope), inArray(reportTasks.parentKey, inScope)),
      ),
    );
  const [scope, transitions, taskRows, estimates, columns] = await db.batch([
    db
      .select()
      .from(reportScopeChanges)
      .where(and(eq(reportScopeChanges.boardId, boardId), eq(reportScopeChanges.sprintId, sprintId)))
      .orderBy(asc(reportScopeChanges.seq)),
    db
      .select()
      .from(reportTransitions)
      .where(and(eq(reportTransitions.boardId, boardId), inArray(reportTransitions.key, inScope))),
    tasks,
    db
      .select()
      .from(reportEstimates)
      .where(
        and(
          eq(reportEstimates.boardId, boardId),
          or(
            inArray(reportEstimates.key, inScope),
            inArray(
              reportEstimates.key,
              db
                .select({ key: reportTasks.key })
                .from(reportTasks)
                .where(and(eq(reportTasks.boardId, boardId), inArray(reportTasks.parentKey, inScope))),
            ),
          ),
        ),
      ),
    db.select().from(reportColumns).where(eq(reportColumns.boardId, boardId)),
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
      .where(and(eq(t.boardId, boardId), lt(t.at, after)))
      .groupBy(t.toColumn),
    db
      .select({ column: t.fromColumn, count })
      .from(t)
      .where(and(eq(t.boardId, boardId), lt(t.at, after)))
      .groupBy(t.fromColumn),
    db
      .select({ at: quarter, fromColumn: t.fromColumn, toColumn: t.toColumn, count })
      .from(t)
      .where(and(eq(t.boardId, boardId), gte(t.at, after), lt(t.at, before)))
      .groupBy(quarter, t.fromColumn, t.toColumn),
    db.select().from(reportColumns).where(eq(reportColumns.boardId, boardId)),
  ]);
  const start: Record<string, number> = {};
  for (const { column, count: n } of entered) if (column !== null) start[column] = (start[column] ?? 0) + n;
  for (const { column, count: n } of left) if (column !== null) start[column] = (start[column] ?? 0) - n;
  return { start, transitions: moves, columns };
}

/** Tasks resolved in the range (by UTC bounds; refined by day in the report), with their moves into progress. */
export async function cycleFacts(db: ReportDb, boardId: string, from: string, to: string) {
  const { after, before } = utcBounds(from, to);
  const resolvedInRange = and(
    eq(reportTasks.boardId, boardId),
    gte(reportTasks.resolvedAt, after),
    lt(reportTasks.resolvedAt, before),
  );
  const [tasks, transitions, columns] = await db.batch([
    db
      .select({
        key: reportTasks.key,
        title: reportTasks.title,
        type: reportTasks.type,
        columnId: reportTasks.columnId,
        createdAt: reportTasks.createdAt,
        resolvedAt: reportTasks.resolvedAt,
      })
      .from(reportTasks)
      .where(resolvedInRange),
    db
      .select({
        // SQLite gives the other columns of the row that holds the min(seq): each task's first move into progress.
        seq: sql<number>`min(${reportTransitions.seq})`.mapWith(Number),
        key: reportTransitions.key,
        toColumn: reportTransitions.toColumn,
        at: reportTransitions.at,
      })
      .from(reportTransitions)
      .innerJoin(
        reportColumns,
        and(
          eq(reportColumns.boardId, reportTransitions.boardId),
          eq(reportColumns.columnId, reportTransitions.toColumn),
        ),
      )
      .where(
        and(
          eq(reportTransitions.boardId, boardId),
          eq(reportColumns.category, "in_progress"),
          inArray(reportTransitions.key, db.select({ key: reportTasks.key }).from(reportTasks).where(resolvedInRange)),
        ),
      )
      .groupBy(reportTransitions.key),
    db.select().from(reportColumns).where(eq(reportColumns.boardId, boardId)),
  ]);
  return { tasks, transitions, columns };
}

/**
 * Worklogs started within the range (UTC bounds), with the names a timesheet
 * shows: of one board, or of every live board `viewerId` is a member of.
 */
export async function worklogFacts(
  db: ReportDb,
  scope: { boardId: string } | { viewerId: string },
  from: string,
  to: string,
  authorId?: string,
) {
  const { after, before } = utcBounds(from, to);
  const where = and(
    gte(reportWorklogs.startedAt, after),
    lt(reportWorklogs.startedAt, before),
    authorId === undefined ? undefined : eq(reportWorklogs.authorId, authorId),
    "boardId" in scope ? eq(reportWorklogs.boardId, scope.boardId) : isNull(boards.deletedAt),
  );
  const select = {
    worklog: reportWorklogs,
    title: reportTasks.title,
    boardName: boards.name,
    authorName: users.name,
  };
  const base = db
    .select(select)
    .from(reportWorklogs)
    .innerJoin(boards, eq(boards.id, reportWorklogs.boardId))
    .leftJoin(
      reportTasks,
      and(eq(reportTasks.boardId, reportWorklogs.boardId), eq(reportTasks.key, reportWorklogs.key)),
    )
    .leftJoin(users, eq(users.id, reportWorklogs.authorId))
    .$dynamic();
  const scoped =
    "viewerId" in scope
      ? // Only the boards the viewer belongs to.
        base.innerJoin(
          memberships,
          and(eq(memberships.boardId, reportWorklogs.boardId), eq(memberships.userId, scope.viewerId)),
        )
      : base;
  return scoped.where(where).all();
}

/**
 * What the delivery summary reads across the live boards `viewerId` is a member of:
 * the boards, their tasks resolved in the range (UTC bounds) with each one's first
 * move into progress, their columns, and their closed sprints.
 */
export async function deliveryFacts(db: ReportDb, viewerId: string, from: string, to: string) {
  const { after, before } = utcBounds(from, to);
  const visible = (boardId: SQLiteColumn) => and(eq(memberships.boardId, boardId), eq(memberships.userId, viewerId));
  const live = (boardId: SQLiteColumn) => and(eq(boards.id, boardId), isNull(boards.deletedAt));
  const resolvedInRange = and(gte(reportTasks.resolvedAt, after), lt(reportTasks.resolvedAt, before));
  const [seen, tasks, transitions, columns, sprints] = await db.batch([
    db
      .select({ boardId: boards.id, name: boards.name, key: boards.key, mode: boards.mode })
      .from(boards)
      .innerJoin(memberships, visible(boards.id))
      .where(isNull(boards.deletedAt))
      .orderBy(asc(boards.name), asc(boards.id)),
    db
      .select({
        boardId: reportTasks.boardId,
        key: reportTasks.key,
        title: reportTasks.title,
        type: reportTasks.type,
        columnId: reportTasks.columnId,
        createdAt: reportTasks.createdAt,
        resolvedAt: reportTasks.resolvedAt,
      })
      .from(reportTasks)
      .innerJoin(memberships, visible(reportTasks.boardId))
      .innerJoin(boards, live(reportTasks.boardId))
      .where(resolvedInRange),
    db
      .select({
        // SQLite gives the other columns of the row that holds the min(seq): each task's first move into progress.
        seq: sql<number>`min(${reportTransitions.seq})`.mapWith(Number),
        boardId: reportTransitions.boardId,
        key: reportTransitions.key,
        toColumn: reportTransitions.toColumn,
        at: reportTransitions.at,
      })
      .from(reportTransitions)
      .innerJoin(
        reportTasks,
        and(eq(reportTasks.boardId, reportTransitions.boardId), eq(reportTasks.key, reportTransitions.key)),
      )
      .innerJoin(
        reportColumns,
        and(
          eq(reportColumns.boardId, reportTransitions.boardId),
          eq(reportColumns.columnId, reportTransitions.toColumn),
        ),
      )
      .innerJoin(memberships, visible(reportTransitions.boardId))
      .where(and(resolvedInRange, eq(reportColumns.category, "in_progress")))
      .groupBy(reportTransitions.boardId, reportTransitions.key),
    db.select({ column: reportColumns }).from(reportColumns).innerJoin(memberships, visible(reportColumns.boardId)),
    db
      .select({ sprint: reportSprints })
      .from(reportSprints)
      .innerJoin(memberships, visible(reportSprints.boardId))
      .where(eq(reportSprints.state, "closed")),
  ]);
  return {
    boards: seen,
    tasks,
    transitions,
    columns: columns.map((r) => r.column),
    sprints: sprints.map((r) => r.sprint),
  };
}
