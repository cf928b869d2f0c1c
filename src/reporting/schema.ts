import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

// Projections of the boards' logs into D1, for questions that cross boards. Every
// row is written by a board's subscriber from the board's own state, so replaying
// the log into an empty table gives the same rows.

/** One row per task of every board: "assigned to me" and search. */
export const taskIndex = sqliteTable(
  "task_index",
  {
    boardId: text("board_id").notNull(),
    key: text("key").notNull(),
    number: integer("number").notNull(),
    title: text("title").notNull(),
    type: text("type").notNull(),
    columnId: text("column_id").notNull(),
    columnName: text("column_name").notNull(),
    /** The column's status category: todo | in_progress | done. */
    status: text("status").notNull(),
    assigneeId: text("assignee_id"),
    reporterId: text("reporter_id").notNull(),
    priority: text("priority").notNull(),
    /** JSON array, queried with json_each. */
    labels: text("labels").notNull(),
    sprintId: text("sprint_id"),
    dueDate: text("due_date"),
    archived: integer("archived", { mode: "boolean" }).notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    resolvedAt: text("resolved_at"),
    /** Seq of the task's last change. */
    seq: integer("seq").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.boardId, t.key] }),
    index("task_index_by_assignee").on(t.assigneeId, t.updatedAt),
    index("task_index_by_updated").on(t.updatedAt),
  ],
);

/** How far each board's log has been projected into D1. */
export const projectionCheckpoints = sqliteTable(
  "projection_checkpoints",
  {
    boardId: text("board_id").notNull(),
    projection: text("projection").notNull(),
    seq: integer("seq").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.boardId, t.projection] })],
);

export type TaskIndexRow = typeof taskIndex.$inferSelect;
