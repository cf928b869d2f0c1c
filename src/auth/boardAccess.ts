import { and, eq, isNull } from "drizzle-orm";
import { boards } from "../db/schema";
import { memberships, users } from "./schema";

// A board request needs two facts from D1: who is asking, and their role on the
// board. Both come from one statement: the credential's lookup also joins the
// caller's membership of the board in the path (and the board, unless deleted).
// Nothing is cached: a removed member is refused on their very next request.

/** The membership join for `boardId` (none matches when there is no board in the path). */
export function membershipOf(boardId: string | null) {
  return and(eq(memberships.userId, users.id), eq(memberships.boardId, boardId ?? ""));
}

export function liveBoardOf() {
  return and(eq(boards.id, memberships.boardId), isNull(boards.deletedAt));
}

export const accessColumns = { board: boards, role: memberships.role };

/** The board in a request's path, for the routes under /api/v1/boards/:boardId. */
export function boardInPath(path: string): string | null {
  const id = /^\/api\/v1\/boards\/([^/]+)/.exec(path)?.[1];
  return id === undefined || id === "import" ? null : decodeURIComponent(id);
}
