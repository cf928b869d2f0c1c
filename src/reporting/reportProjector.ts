import { and, desc, eq, getTableColumns, inArray, lt, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Subscriber } from "../board/subscribers";
import { type ReportChanges, reportChanges } from "./reportFacts";
import {
  projectionCheckpoints,
  reportBoards,
  reportColumns,
  reportEstimates,
  reportScopeChanges,
  reportSprints,
  reportTasks,
  reportTransitions,
  reportWorklogs,
} from "./schema";

export const REPORTS = "reports";

/** D1 binds at most 100 parameters per statement. */
const MAX_PARAMS = 100;

type Statement = BatchItem<"sqlite">;

/**
 * Keeps the report projections (src/reporting/schema.ts) in step with the board:
 * each batch of events becomes idempotent upserts and deletes plus the board's
 * checkpoint, in one D1 batch (one transaction), so a repeated batch writes the
 * same rows again and a failed one writes nothing.
 */
export function reportSubscriber(d1: D1Database): Subscriber {
  const db = drizzle(d1);
  return {
    name: REPORTS,
    async deliver({ boardId, events, state }) {
      const last = events.at(-1);
      if (!last) return;
      await run(db, [
        ...statements(db, boardId, reportChanges(boardId, events, state)),
        checkpoint(db, boardId, last.seq),
      ]);
    },
    /**
     * Replays the whole log into fresh rows and swaps them in: the board's old rows
     * are deleted and the replayed ones written in the same D1 transaction, so a
     * report reads either the old projection or the new one, never half of each.
     */
    async rebuild({ boardId, events, state }) {
      const last = events.at(-1);
      const swap = [
        ...REPORT_TABLES.map((table) => db.delete(table).where(eq(table.boardId, boardId))),
        ...statements(db, boardId, reportChanges(boardId, events, state)),
        checkpoint(db, boardId, last?.seq ?? 0, true),
      ];
      await run(db, swap);
    },
  };
}

const REPORT_TABLES = [
  reportBoards,
  reportColumns,
  reportTasks,
  reportTransitions,
  reportSprints,
  reportScopeChanges,
  reportEstimates,
  reportWorklogs,
] as const;

async function run(db: DrizzleD1Database, all: Statement[]): Promise<void> {
  const [first, ...rest] = all;
  if (first) await db.batch([first, ...rest]);
}

function checkpoint(db: DrizzleD1Database, boardId: string, seq: number, reset = false): Statement {
  return db
    .insert(projectionCheckpoints)
    .values({ boardId, projection: REPORTS, seq, updatedAt: new Date().toISOString() })
    .onConflictDoUpdate({
      target: [projectionCheckpoints.boardId, projectionCheckpoints.projection],
      set: {
        seq: reset ? sql`excluded.seq` : sql`max(${projectionCheckpoints.seq}, excluded.seq)`,
        updatedAt: sql`excluded.updated_at`,
      },
    });
}

/** The D1 statements that make the projections what `changes` says, in the order it says. */
export function statements(db: DrizzleD1Database, boardId: string, changes: ReportChanges): Statement[] {
  const out: Statement[] = [];
  if (changes.board) out.push(...upsert(db, reportBoards, [changes.board], [reportBoards.boardId]));
  for (const op of changes.columns) {
    const where = and(
      eq(reportColumns.boardId, boardId),
      eq(reportColumns.columnId, op.op === "put" ? op.row.columnId : op.columnId),
    );
    if (op.op === "put")
      out.push(...upsert(db, reportColumns, [op.row], [reportColumns.boardId, reportColumns.columnId]));
    else if (op.op === "patch") {
      if (Object.keys(op.changes).length > 0) out.push(db.update(reportColumns).set(op.changes).where(where));
    } else out.push(db.update(reportColumns).set({ removed: true }).where(where));
  }
  for (const keys of chunks(changes.tasks.remove, 90)) {
    out.push(db.delete(reportTasks).where(and(eq(reportTasks.boardId, boardId), inArray(reportTasks.key, keys))));
  }
  out.push(...upsert(db, reportTasks, changes.tasks.put, [reportTasks.boardId, reportTasks.key]));
  out.push(
    ...upsert(db, reportTransitions, changes.transitions, [
      reportTransitions.boardId,
      reportTransitions.seq,
      reportTransitions.key,
    ]),
  );
  for (const { seq, key } of changes.departures) {
    const before = db
      .select({ column: reportTransitions.toColumn })
      .from(reportTransitions)
      .where(
        and(eq(reportTransitions.boardId, boardId), eq(reportTransitions.key, key), lt(reportTransitions.seq, seq)),
      )
      .orderBy(desc(reportTransitions.seq))
      .limit(1);
    out.push(
      db
        .update(reportTransitions)
        .set({ fromColumn: sql`(${before})` })
        .where(
          and(eq(reportTransitions.boardId, boardId), eq(reportTransitions.seq, seq), eq(reportTransitions.key, key)),
        ),
    );
  }
  for (const ids of chunks(changes.sprints.remove, 90)) {
    out.push(
      db.delete(reportSprints).where(and(eq(reportSprints.boardId, boardId), inArray(reportSprints.sprintId, ids))),
    );
    out.push(
      db
        .delete(reportScopeChanges)
        .where(and(eq(reportScopeChanges.boardId, boardId), inArray(reportScopeChanges.sprintId, ids))),
    );
  }
  out.push(...upsert(db, reportSprints, changes.sprints.put, [reportSprints.boardId, reportSprints.sprintId]));
  out.push(
    ...upsert(db, reportScopeChanges, changes.scope, [
      reportScopeChanges.boardId,
      reportScopeChanges.sprintId,
      reportScopeChanges.seq,
      reportScopeChanges.key,
      reportScopeChanges.kind,
    ]),
  );
  out.push(
    ...upsert(db, reportEstimates, changes.estimates, [
      reportEstimates.boardId,
      reportEstimates.seq,
      reportEstimates.key,
    ]),
  );
  for (const keys of chunks(changes.worklogs.removeOfTasks, 90)) {
    out.push(
      db.delete(reportWorklogs).where(and(eq(reportWorklogs.boardId, boardId), inArray(reportWorklogs.key, keys))),
    );
  }
  for (const ids of chunks(changes.worklogs.remove, 90)) {
    out.push(
      db.delete(reportWorklogs).where(and(eq(reportWorklogs.boardId, boardId), inArray(reportWorklogs.worklogId, ids))),
    );
  }
  out.push(...upsert(db, reportWorklogs, changes.worklogs.put, [reportWorklogs.boardId, reportWorklogs.worklogId]));
  return out;
}

/** Insert-or-update of many rows, as few statements as D1's parameter limit allows. */
function upsert<T extends SQLiteTable>(
  db: DrizzleD1Database,
  table: T,
  rows: T["$inferInsert"][],
  target: SQLiteColumn[],
): Statement[] {
  if (rows.length === 0) return [];
  const columns = getTableColumns(table);
  const keys = new Set(target.map((c) => c.name));
  const set = Object.fromEntries(
    Object.entries(columns)
      .filter(([, column]) => !keys.has(column.name))
      .map(([field, column]) => [field, sql.raw(`excluded.${column.name}`)]),
  );
  const perStatement = Math.floor(MAX_PARAMS / Object.keys(columns).length);
  return chunks(rows, perStatement).map((slice) =>
    // biome-ignore lint/suspicious/noExplicitAny: one helper for every report table; each call's rows are typed by its table.
    (db.insert(table).values(slice as any) as any).onConflictDoUpdate({ target, set }),
  );
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
