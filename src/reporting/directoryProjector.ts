import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Subscriber } from "../board/subscribers";
import { boards } from "../db/schema";

export const DIRECTORY = "directory";

/**
 * Keeps the D1 board directory's name and deletion in step with the board, however
 * the change arrived (REST, the live connection, an offline queue). The REST routes
 * also write the directory at once; this makes every other path converge, and
 * writing the board's current name again is harmless.
 */
export function directorySubscriber(d1: D1Database): Subscriber {
  const db = drizzle(d1);
  return {
    name: DIRECTORY,
    async deliver({ boardId, events, state }) {
      const board = state.board;
      if (!board || !events.some((e) => e.type === "board.renamed" || e.type === "board.deleted")) return;
      await db.update(boards).set({ name: board.name, deletedAt: board.deletedAt }).where(eq(boards.id, boardId));
    },
  };
}
