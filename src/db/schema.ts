import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";

// D1 holds what crosses boards. The board directory says which boards exist, so the
// Worker can list them and answer "not found" without waking a board.
export const boards = sqliteTable(
  "boards",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** Task-key prefix (WEB in WEB-42); unique across the workspace, never reused. */
    key: text("key").notNull().unique(),
    mode: text("mode", { enum: ["kanban", "scrum"] }).notNull(),
    createdAt: text("created_at").notNull(),
    createdBy: text("created_by").notNull(),
    deletedAt: text("deleted_at"),
  },
  (t) => [index("boards_by_creator").on(t.createdBy)],
);

export type BoardRow = typeof boards.$inferSelect;
