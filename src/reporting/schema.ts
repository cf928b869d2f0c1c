import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

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

// ---- Report projections ------------------------------------------------------
// Facts the reports read (src/reporting/reports*.ts), written by the reports
// subscriber (reportProjector.ts). Rows that are facts of one moment (a status
// transition, a scope change, an estimate change) come from the events
// themselves; rows that are "how it is now" (a task, a sprint, a worklog) are
// copied from the board, like the task index. Either way a replayed batch writes
// the same rows again.

/**
 * Where a board's report rows are: the `board_id` they carry. A rebuild writes fresh
 * rows under another id and then swaps this one row (src/reporting/reportProjector.ts),
 * so readers move from the old rows to the new ones at once, whatever their number.
 * No row: under the board's own id.
 */
export const reportGenerations = sqliteTable("report_generations", {
  boardId: text("board_id").primaryKey(),
  rowsId: text("rows_id").notNull(),
});

/** How the board counts estimates and which weekdays it works. */
export const reportBoards = sqliteTable("report_boards", {
  boardId: text("board_id").primaryKey(),
  /** "points" | "time": the unit burndown uses unless asked otherwise. */
  estimationStatistic: text("estimation_statistic").notNull(),
  /** JSON array of ISO weekdays (1 = Monday … 7 = Sunday). */
  workingDays: text("working_days").notNull(),
  /**
   * How the projection knows sprints' sub-tasks: 2, by the `joined` and `left` rows
   * of report_scope_changes; 1, projected before those existed, by their parent now.
   */
  scopeVersion: integer("scope_version").notNull().default(1),
});

/** Every column the board ever had, removed ones kept so old transitions still have a name and category. */
export const reportColumns = sqliteTable(
  "report_columns",
  {
    boardId: text("board_id").notNull(),
    columnId: text("column_id").notNull(),
    name: text("name").notNull(),
    category: text("category").notNull(),
    rank: text("rank").notNull(),
    removed: integer("removed", { mode: "boolean" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.boardId, t.columnId] })],
);

/** Each task as it is now (deleted tasks leave). */
export const reportTasks = sqliteTable(
  "report_tasks",
  {
    boardId: text("board_id").notNull(),
    key: text("key").notNull(),
    title: text("title").notNull(),
    type: text("type").notNull(),
    parentKey: text("parent_key"),
    sprintId: text("sprint_id"),
    columnId: text("column_id").notNull(),
    storyPoints: real("story_points"),
    originalEstimateSeconds: integer("original_estimate_seconds"),
    remainingEstimateSeconds: integer("remaining_estimate_seconds"),
    createdAt: text("created_at").notNull(),
    resolvedAt: text("resolved_at"),
    archived: integer("archived", { mode: "boolean" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.boardId, t.key] }), index("report_tasks_by_resolved").on(t.boardId, t.resolvedAt)],
);

/**
 * A task entering a column: created in it (from null), moved, carried by a removed
 * column, or deleted (to null). Categories are read through report_columns.
 */
export const reportTransitions = sqliteTable(
  "report_transitions",
  {
    boardId: text("board_id").notNull(),
    seq: integer("seq").notNull(),
    key: text("key").notNull(),
    fromColumn: text("from_column"),
    toColumn: text("to_column"),
    at: text("at").notNull(),
    actor: text("actor").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.boardId, t.seq, t.key] }),
    index("report_transitions_by_at").on(t.boardId, t.at),
    // A task's moves in order: its first move into progress (cycle time), the column a deletion leaves.
    index("report_transitions_by_key").on(t.boardId, t.key, t.seq),
  ],
);

/** Each sprint as it is now; `report` is the completion record (JSON) once closed. */
export const reportSprints = sqliteTable(
  "report_sprints",
  {
    boardId: text("board_id").notNull(),
    sprintId: text("sprint_id").notNull(),
    number: integer("number").notNull(),
    name: text("name").notNull(),
    state: text("state").notNull(),
    startDate: text("start_date"),
    endDate: text("end_date"),
    startedAt: text("started_at"),
    completedAt: text("completed_at"),
    report: text("report"),
  },
  (t) => [primaryKey({ columns: [t.boardId, t.sprintId] })],
);

/**
 * A sprint's scope over time: "committed" rows (one per task at the start, with
 * its points then), then every task added or removed and every change of points
 * while the sprint was active; and sub-tasks "joined" and "left" (no points: they
 * count in time only).
 */
export const reportScopeChanges = sqliteTable(
  "report_scope_changes",
  {
    boardId: text("board_id").notNull(),
    sprintId: text("sprint_id").notNull(),
    seq: integer("seq").notNull(),
    key: text("key").notNull(),
    kind: text("kind").notNull(),
    points: real("points"),
    previousPoints: real("previous_points"),
    at: text("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.boardId, t.sprintId, t.seq, t.key, t.kind] })],
);

/** A task's remaining estimate after each change of it (seconds; null: not estimated). */
export const reportEstimates = sqliteTable(
  "report_estimates",
  {
    boardId: text("board_id").notNull(),
    seq: integer("seq").notNull(),
    key: text("key").notNull(),
    remainingSeconds: integer("remaining_seconds"),
    at: text("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.boardId, t.seq, t.key] })],
);

/** Every worklog as it is now; `started_at` in UTC so ranges compare as text. */
export const reportWorklogs = sqliteTable(
  "report_worklogs",
  {
    boardId: text("board_id").notNull(),
    worklogId: text("worklog_id").notNull(),
    key: text("key").notNull(),
    authorId: text("author_id").notNull(),
    startedAt: text("started_at").notNull(),
    seconds: integer("seconds").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.boardId, t.worklogId] }),
    index("report_worklogs_by_author").on(t.authorId, t.startedAt),
    index("report_worklogs_by_board").on(t.boardId, t.startedAt),
  ],
);

export type ReportBoardRow = typeof reportBoards.$inferSelect;
export type ReportColumnRow = typeof reportColumns.$inferSelect;
export type ReportTaskRow = typeof reportTasks.$inferSelect;
export type TransitionRow = typeof reportTransitions.$inferSelect;
export type ReportSprintRow = typeof reportSprints.$inferSelect;
export type ScopeChangeRow = typeof reportScopeChanges.$inferSelect;
export type EstimateRow = typeof reportEstimates.$inferSelect;
export type ReportWorklogRow = typeof reportWorklogs.$inferSelect;
