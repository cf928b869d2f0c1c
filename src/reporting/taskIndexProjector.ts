import { and, eq, inArray, sql } from "drizzle-orm";
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import type { Subscriber } from "../board/subscribers";
import type { BoardEvent } from "../domain/events";
import type { BoardState, Task } from "../domain/model";
import { projectionCheckpoints, taskIndex } from "./schema";

export const TASK_INDEX = "task-index";

/** D1 allows 100 bound parameters per statement; a task row binds 19. */
const ROWS_PER_INSERT = 5;

/**
 * Keeps D1's task index equal to the board. For every task a batch of events
 * touched, it writes the task as the board holds it now (or removes it), and the
 * board's checkpoint, in one D1 batch: a repeated or replayed batch writes the same
 * rows again and changes nothing.
 */
export function taskIndexSubscriber(d1: D1Database): Subscriber {
  const db = drizzle(d1);
  return {
    name: TASK_INDEX,
    async deliver({ boardId, events, state }) {
      const last = events.at(-1);
      if (!last) return;
      const { all, keys } = touchedTasks(events);
      const statements = [];
      if (all || state.board?.deletedAt) {
        statements.push(db.delete(taskIndex).where(eq(taskIndex.boardId, boardId)));
      }
      const present = (all ? Object.keys(state.tasks) : [...keys]).filter((k) => state.tasks[k]);
      const gone = all ? [] : [...keys].filter((k) => !state.tasks[k]);
      if (gone.length > 0) {
        statements.push(db.delete(taskIndex).where(and(eq(taskIndex.boardId, boardId), inArray(taskIndex.key, gone))));
      }
      if (!state.board?.deletedAt) {
        const rows = present.map((key) => indexRow(boardId, state, state.tasks[key] as Task));
        for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
          statements.push(upsertRows(db, rows.slice(i, i + ROWS_PER_INSERT)));
        }
      }
      statements.push(
        db
          .insert(projectionCheckpoints)
          .values({ boardId, projection: TASK_INDEX, seq: last.seq, updatedAt: new Date().toISOString() })
          .onConflictDoUpdate({
            target: [projectionCheckpoints.boardId, projectionCheckpoints.projection],
            set: { seq: sql`max(${projectionCheckpoints.seq}, excluded.seq)`, updatedAt: sql`excluded.updated_at` },
          }),
      );
      const [first, ...rest] = statements;
      if (first) await db.batch([first, ...rest]);
    },
  };
}

function upsertRows(db: DrizzleD1Database, rows: (typeof taskIndex.$inferInsert)[]) {
  const excluded = (column: string) => sql.raw(`excluded.${column}`);
  return db
    .insert(taskIndex)
    .values(rows)
    .onConflictDoUpdate({
      target: [taskIndex.boardId, taskIndex.key],
      set: {
        number: excluded("number"),
        title: excluded("title"),
        type: excluded("type"),
        columnId: excluded("column_id"),
        columnName: excluded("column_name"),
        status: excluded("status"),
        assigneeId: excluded("assignee_id"),
        reporterId: excluded("reporter_id"),
        priority: excluded("priority"),
        labels: excluded("labels"),
        sprintId: excluded("sprint_id"),
        dueDate: excluded("due_date"),
        archived: excluded("archived"),
        createdAt: excluded("created_at"),
        updatedAt: excluded("updated_at"),
        resolvedAt: excluded("resolved_at"),
        seq: excluded("seq"),
      },
    });
}

/** The tasks a batch changed; `all` when an event changes what every task row shows. */
function touchedTasks(events: readonly BoardEvent[]): { all: boolean; keys: Set<string> } {
  const keys = new Set<string>();
  let all = false;
  for (const event of events) {
    switch (event.type) {
      case "task.created":
        keys.add(event.payload.task.key);
        break;
      case "column.removed":
        for (const move of event.payload.moves) keys.add(move.key);
        break;
      case "sprint.tasksAdded":
        for (const move of event.payload.moves) keys.add(move.key);
        break;
      case "sprint.tasksRemoved":
      case "sprint.deleted":
        for (const key of event.payload.keys) keys.add(key);
        break;
      case "sprint.completed":
        for (const key of event.payload.moved) keys.add(key);
        break;
      // A column's name or category shows on every task row in it; a deleted board
      // takes its rows with it. Rare enough to rewrite the board's rows.
      case "column.updated":
      case "board.deleted":
      case "board.created":
        all = true;
        break;
      default:
        if ("key" in event.payload) keys.add(event.payload.key);
    }
  }
  return { all, keys };
}

export function indexRow(boardId: string, state: BoardState, task: Task): typeof taskIndex.$inferInsert {
  const column = state.columns[task.columnId];
  return {
    boardId,
    key: task.key,
    number: task.number,
    title: task.title,
    type: task.type,
    columnId: task.columnId,
    columnName: column?.name ?? "",
    status: column?.category ?? "todo",
    assigneeId: task.assigneeId,
    reporterId: task.reporterId,
    priority: task.priority,
    labels: JSON.stringify(task.labels),
    sprintId: task.sprintId,
    dueDate: task.dueDate,
    archived: task.archivedAt !== null,
    createdAt: task.createdAt,
    updatedAt: task.updatedAt,
    resolvedAt: task.resolvedAt,
    // The task's own last change, not the board's seq: a rebuild writes the same row.
    seq: Math.max(0, ...Object.values(task.stamps).map((s) => s.seq)),
  };
}
