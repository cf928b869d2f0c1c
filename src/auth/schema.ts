import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

// People, how they prove who they are, and which boards they belong to. Secrets
// (session ids, API tokens) are stored only as SHA-256 hashes: a copy of this
// database lets no one sign in.

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  /** Lower-cased; unique. */
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  /** argon2id PHC string: carries its own parameters. */
  passwordHash: text("password_hash").notNull(),
  createdAt: text("created_at").notNull(),
});

export const sessions = sqliteTable(
  "sessions",
  {
    /** SHA-256 of the cookie's random id, hex. */
    idHash: text("id_hash").primaryKey(),
    userId: text("user_id").notNull(),
    createdAt: text("created_at").notNull(),
    /** Epoch ms; slides forward while the session is used. */
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("sessions_by_user").on(t.userId)],
);

export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    name: text("name").notNull(),
    /** SHA-256 of the whole token, hex. */
    tokenHash: text("token_hash").notNull().unique(),
    scope: text("scope", { enum: ["read", "write"] }).notNull(),
    createdAt: text("created_at").notNull(),
    /** Epoch ms, or null for a token that does not expire. */
    expiresAt: integer("expires_at"),
    lastUsedAt: text("last_used_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [index("api_tokens_by_user").on(t.userId)],
);

/** Who may see a board, and what they may do there. Also recorded as events in the board's log. */
export const memberships = sqliteTable(
  "memberships",
  {
    boardId: text("board_id").notNull(),
    userId: text("user_id").notNull(),
    role: text("role", { enum: ["owner", "member", "viewer"] }).notNull(),
    addedAt: text("added_at").notNull(),
    addedBy: text("added_by").notNull(),
  },
  (t) => [primaryKey({ columns: [t.boardId, t.userId] }), index("memberships_by_user").on(t.userId)],
);
