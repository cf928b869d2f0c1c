import { eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { boards } from "../db/schema";
import { accessColumns, liveBoardOf, membershipOf } from "./boardAccess";
import { memberships, sessions, users } from "./schema";
import { randomSecret, sha256Hex } from "./secrets";

// Browser sessions: a random 256-bit id in an HttpOnly cookie, stored as its hash,
// valid for 30 days from its last use (extended at most once a day, so reads stay
// reads), revoked by signing out.

export const SESSION_COOKIE = "lanes_session";
export const SESSION_DAYS = 30;
const DAY_MS = 86_400_000;
const SESSION_MS = SESSION_DAYS * DAY_MS;

export async function startSession(db: DrizzleD1Database, userId: string, now = Date.now()): Promise<string> {
  const secret = randomSecret();
  await db.insert(sessions).values({
    idHash: await sha256Hex(secret),
    userId,
    createdAt: new Date(now).toISOString(),
    expiresAt: now + SESSION_MS,
  });
  return secret;
}

/**
 * The signed-in user behind a session cookie (null for an unknown, revoked or
 * expired one), with their role on `boardId` when given.
 */
export async function resolveSession(db: DrizzleD1Database, secret: string, boardId: string | null, now = Date.now()) {
  const idHash = await sha256Hex(secret);
  const row = await db
    .select({ session: sessions, user: { id: users.id, name: users.name, email: users.email }, ...accessColumns })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(memberships, membershipOf(boardId))
    .leftJoin(boards, liveBoardOf())
    .where(eq(sessions.idHash, idHash))
    .get();
  if (!row || row.session.expiresAt <= now) return null;
  if (row.session.expiresAt - now < SESSION_MS - DAY_MS) {
    await db
      .update(sessions)
      .set({ expiresAt: now + SESSION_MS })
      .where(eq(sessions.idHash, idHash));
  }
  return { user: row.user, access: row.board && row.role ? { row: row.board, role: row.role } : null };
}

export async function endSession(db: DrizzleD1Database, secret: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idHash, await sha256Hex(secret)));
}

export async function endAllSessions(db: DrizzleD1Database, userId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}

export function sessionCookie(secret: string): string {
  return `${SESSION_COOKIE}=${secret}; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=${SESSION_MS / 1000}`;
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=0`;
}
