import { and, desc, eq, isNull } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { boards } from "../db/schema";
import { accessColumns, liveBoardOf, membershipOf } from "./boardAccess";
import { apiTokens, memberships, users } from "./schema";
import { randomId, randomSecret, sha256Hex } from "./secrets";

// API tokens for programs: `lanes_<random>`, shown once, stored as a hash, scoped
// to reading or to reading and writing, optionally expiring, revocable.

export const TOKEN_PREFIX = "lanes_";
/** Last-used times are written at most this often per token, so reads stay cheap. */
const LAST_USED_EVERY_MS = 60_000;

export type TokenScope = "read" | "write";

export async function createToken(
  db: DrizzleD1Database,
  userId: string,
  input: { name: string; scope: TokenScope; expiresAt: number | null },
) {
  const token = `${TOKEN_PREFIX}${randomSecret()}`;
  const row = {
    id: randomId("tok"),
    userId,
    name: input.name,
    tokenHash: await sha256Hex(token),
    scope: input.scope,
    createdAt: new Date().toISOString(),
    expiresAt: input.expiresAt,
    lastUsedAt: null,
    revokedAt: null,
  };
  await db.insert(apiTokens).values(row);
  return { token, row };
}

/**
 * The user a bearer token acts for and its scope (null for an unknown, revoked or
 * expired token), with their role on `boardId` when given.
 */
export async function resolveToken(db: DrizzleD1Database, token: string, boardId: string | null, now = Date.now()) {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const row = await db
    .select({ token: apiTokens, user: { id: users.id, name: users.name, email: users.email }, ...accessColumns })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .leftJoin(memberships, membershipOf(boardId))
    .leftJoin(boards, liveBoardOf())
    .where(eq(apiTokens.tokenHash, await sha256Hex(token)))
    .get();
  if (!row || row.token.revokedAt !== null) return null;
  if (row.token.expiresAt !== null && row.token.expiresAt <= now) return null;
  const lastUsed = row.token.lastUsedAt === null ? 0 : Date.parse(row.token.lastUsedAt);
  if (now - lastUsed > LAST_USED_EVERY_MS) {
    await db
      .update(apiTokens)
      .set({ lastUsedAt: new Date(now).toISOString() })
      .where(eq(apiTokens.id, row.token.id));
  }
  const access = row.board && row.role ? { row: row.board, role: row.role } : null;
  return { user: row.user, scope: row.token.scope, access };
}

export async function listTokens(db: DrizzleD1Database, userId: string) {
  return db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .orderBy(desc(apiTokens.createdAt))
    .all();
}

/** Revokes one of the user's tokens; false when they have no such token. */
export async function revokeToken(db: DrizzleD1Database, userId: string, tokenId: string): Promise<boolean> {
  const result = await db
    .update(apiTokens)
    .set({ revokedAt: new Date().toISOString() })
    .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return result.length > 0;
}
