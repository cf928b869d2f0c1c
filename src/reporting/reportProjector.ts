import { and, desc, eq, getTableColumns, getTableName, inArray, is, lt, SQL, sql } from "drizzle-orm";
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import { SQLiteAsyncDialect, type SQLiteColumn, type SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Subscriber } from "../board/subscribers";
import { type ReportChanges, reportChanges } from "./reportFacts";
import {
  projectionCheckpoints,
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

export const REPORTS = "reports";

/** D1 binds at most 100 parameters per statement: a delete by keys names this many, beside its board. */
const KEYS_PER_STATEMENT = 90;

/**
 * Rows that travel as one JSON parameter of one statement, in bytes of JSON. D1
 * takes strings up to 2 MB as parameters, but statements up to 100 KB: staying under
 * that keeps a statement within both whichever of the two D1 counts it against.
 */
const MAX_JSON_BYTES = 90_000;

/**
 * Statements in one D1 batch of a rebuild. D1 runs one database's writes one after
 * another, so a batch holds the database for as long as it takes: small batches let
 * the live projections of other boards through between them.
 */
const REBUILD_BATCH_STATEMENTS = 50;

/** A statement as drizzle builds it, or raw SQL (drizzle's D1 batch cannot run raw SQL that has parameters). */
type Statement = SQL | { toSQL(): { sql: string; params: unknown[] } };

const dialect = new SQLiteAsyncDialect();

/**
 * The other of a board's two row ids: a rebuild writes its fresh rows under the id
 * the board's rows are not under (its own id, or that id with `~rebuild`), which no
 * report reads until report_generations says so.
 */
export function otherRows(boardId: string, rowsId: string): string {
  return rowsId === boardId ? `${boardId}~rebuild` : boardId;
}

/** Rows one statement deletes when a rebuild clears a row id: short transactions, so readers get through between them. */
const CLEAR_ROWS = 5_000;

/**
 * Keeps the report projections (src/reporting/schema.ts) in step with the board:
 * each batch of events becomes idempotent upserts and deletes plus the board's
 * checkpoint, in one D1 batch (one transaction), so a repeated batch writes the
 * same rows again and a failed one writes nothing.
 */
export function reportSubscriber(d1: D1Database): Subscriber {
  const db = drizzle(d1);
  // Where this board's rows are. Its object is the only writer of its rows, so once
  // read (after each start) it is known until this object's own rebuild swaps it.
  let known: { boardId: string; rowsId: string } | null = null;
  const rowsOf = async (boardId: string): Promise<string> => {
    if (known?.boardId !== boardId) {
      const row = await db.select().from(reportGenerations).where(eq(reportGenerations.boardId, boardId)).get();
      known = { boardId, rowsId: row?.rowsId ?? boardId };
    }
    return known.rowsId;
  };
  /** Deletes every row under `rowsId`, a few thousand at a time. */
  const clear = async (rowsId: string) => {
    for (const table of REPORT_TABLES) {
      const name = getTableName(table);
      for (;;) {
        const done = await d1
          .prepare(`DELETE FROM "${name}" WHERE rowid IN (SELECT rowid FROM "${name}" WHERE board_id = ? LIMIT ?)`)
          .bind(rowsId, CLEAR_ROWS)
          .run();
        if (done.meta.changes < CLEAR_ROWS) break;
      }
    }
  };
  return {
    name: REPORTS,
    async deliver({ boardId, events, state }) {
      const last = events.at(-1);
      if (!last) return;
      const rowsId = await rowsOf(boardId);
      await run(d1, [
        ...statements(db, rowsId, reportChanges(rowsId, events, state)),
        checkpoint(db, boardId, last.seq),
      ]);
    },
    /**
     * Replays the log page by page into fresh rows under the board's other row id,
     * each page exactly as a delivery of those events would write it, then swaps
     * them in: one D1 transaction points report_generations at them and resets the
     * checkpoint, so a report reads either the old projection or the new one, never
     * half of each, and the swap costs the same whatever the board's size. The old
     * rows are then deleted a few thousand at a time (or, if the board stops before,
     * by the next rebuild's first step).
     */
    rebuild: {
      async begin(boardId) {
        await clear(otherRows(boardId, await rowsOf(boardId)));
      },
      async page({ boardId, events, state }) {
        const fresh = otherRows(boardId, await rowsOf(boardId));
        const all = statements(db, fresh, reportChanges(fresh, events, state));
        // In order, batch after batch: a page cut short by a failure is written again whole.
        for (const batch of chunks(all, REBUILD_BATCH_STATEMENTS)) await run(d1, batch);
      },
      async finish(boardId, seq) {
        const old = await rowsOf(boardId);
        const fresh = otherRows(boardId, old);
        await run(d1, [
          db
            .insert(reportGenerations)
            .values({ boardId, rowsId: fresh })
            .onConflictDoUpdate({ target: reportGenerations.boardId, set: { rowsId: fresh } }),
          checkpoint(db, boardId, seq, true),
        ]);
        known = { boardId, rowsId: fresh };
        await clear(old);
      },
    },
  };
}

export const REPORT_TABLES = [
  reportBoards,
  reportColumns,
  reportTasks,
  reportTransitions,
  reportSprints,
  reportScopeChanges,
  reportEstimates,
  reportWorklogs,
] as const;

/** The statements in one D1 batch: one transaction, in order. */
async function run(d1: D1Database, all: Statement[]): Promise<void> {
  if (all.length === 0) return;
  await d1.batch(
    all.map((statement) => {
      const query = is(statement, SQL) ? dialect.sqlToQuery(statement) : statement.toSQL();
      return d1.prepare(query.sql).bind(...query.params);
    }),
  );
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
  if (changes.board) out.push(...upsert(reportBoards, [changes.board], [reportBoards.boardId]));
  for (const op of changes.columns) {
    const where = and(
      eq(reportColumns.boardId, boardId),
      eq(reportColumns.columnId, op.op === "put" ? op.row.columnId : op.columnId),
    );
    if (op.op === "put") out.push(...upsert(reportColumns, [op.row], [reportColumns.boardId, reportColumns.columnId]));
    else if (op.op === "patch") {
      if (Object.keys(op.changes).length > 0) out.push(db.update(reportColumns).set(op.changes).where(where));
    } else out.push(db.update(reportColumns).set({ removed: true }).where(where));
  }
  for (const keys of chunks(changes.tasks.remove, KEYS_PER_STATEMENT)) {
    out.push(db.delete(reportTasks).where(and(eq(reportTasks.boardId, boardId), inArray(reportTasks.key, keys))));
  }
  out.push(...upsert(reportTasks, changes.tasks.put, [reportTasks.boardId, reportTasks.key]));
  out.push(
    ...upsert(reportTransitions, changes.transitions, [
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
  for (const ids of chunks(changes.sprints.remove, KEYS_PER_STATEMENT)) {
    out.push(
      db.delete(reportSprints).where(and(eq(reportSprints.boardId, boardId), inArray(reportSprints.sprintId, ids))),
    );
    out.push(
      db
        .delete(reportScopeChanges)
        .where(and(eq(reportScopeChanges.boardId, boardId), inArray(reportScopeChanges.sprintId, ids))),
    );
  }
  out.push(...upsert(reportSprints, changes.sprints.put, [reportSprints.boardId, reportSprints.sprintId]));
  out.push(
    ...upsert(reportScopeChanges, changes.scope, [
      reportScopeChanges.boardId,
      reportScopeChanges.sprintId,
      reportScopeChanges.seq,
      reportScopeChanges.key,
      reportScopeChanges.kind,
    ]),
  );
  out.push(
    ...upsert(reportEstimates, changes.estimates, [reportEstimates.boardId, reportEstimates.seq, reportEstimates.key]),
  );
  for (const keys of chunks(changes.worklogs.removeOfTasks, KEYS_PER_STATEMENT)) {
    out.push(
      db.delete(reportWorklogs).where(and(eq(reportWorklogs.boardId, boardId), inArray(reportWorklogs.key, keys))),
    );
  }
  for (const ids of chunks(changes.worklogs.remove, KEYS_PER_STATEMENT)) {
    out.push(
      db.delete(reportWorklogs).where(and(eq(reportWorklogs.boardId, boardId), inArray(reportWorklogs.worklogId, ids))),
    );
  }
  out.push(...upsert(reportWorklogs, changes.worklogs.put, [reportWorklogs.boardId, reportWorklogs.worklogId]));
  return out;
}

/**
 * Insert-or-update of many rows in as few statements as fit: the rows go as one
 * JSON parameter (an array of arrays, in the table's column order) that the
 * statement reads with json_each, since D1 binds at most 100 parameters per
 * statement (with one parameter per value, a task row is 13 of them: 7 rows a
 * statement). Values go through each column's own mapping (booleans as 0 and 1),
 * as drizzle's insert would write them.
 */
function upsert<T extends SQLiteTable>(table: T, rows: T["$inferInsert"][], target: SQLiteColumn[]): Statement[] {
  if (rows.length === 0) return [];
  const columns = Object.entries(getTableColumns(table));
  const keys = new Set(target.map((c) => c.name));
  const names = columns.map(([, column]) => `"${column.name}"`);
  const head = sql.raw(
    `INSERT INTO "${getTableName(table)}" (${names.join(", ")}) SELECT ${names
      .map((_, i) => `value ->> ${i}`)
      .join(", ")} FROM json_each(`,
  );
  // WHERE true: SQLite would otherwise read ON CONFLICT as the join's ON.
  const tail = sql.raw(
    `) WHERE true ON CONFLICT (${target.map((c) => `"${c.name}"`).join(", ")}) DO ${
      columns.length === keys.size
        ? "NOTHING"
        : `UPDATE SET ${columns
            .filter(([, column]) => !keys.has(column.name))
            .map(([, column]) => `"${column.name}" = excluded."${column.name}"`)
            .join(", ")}`
    }`,
  );
  const encoded = rows.map((row) =>
    JSON.stringify(
      columns.map(([field, column]) => {
        const value = (row as Record<string, unknown>)[field];
        return value === undefined || value === null ? null : column.mapToDriverValue(value);
      }),
    ),
  );
  const out: Statement[] = [];
  let slice: string[] = [];
  let bytes = 0;
  const flush = () => {
    if (slice.length > 0) out.push(sql`${head}${`[${slice.join(",")}]`}${tail}`);
    slice = [];
    bytes = 0;
  };
  for (const row of encoded) {
    if (bytes + row.length + 1 > MAX_JSON_BYTES) flush();
    slice.push(row);
    bytes += row.length + 1;
  }
  flush();
  return out;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
