import { createRoute } from "@hono/zod-openapi";
import { drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import { z } from "zod";
import { createToken, listTokens, revokeToken } from "../auth/tokens";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";
import { errorResponses, jsonBody, jsonContent, newRouter, type RoutesOf } from "./openapi";

// API tokens for programs. Managed from a signed-in browser only: a leaked token
// cannot mint or hide other tokens.

export const tokenRoutes = newRouter();
/** These routes as the web app's typed client sees them (see RoutesOf). */
export type TokenRoutes = RoutesOf<typeof listTokensRoute | typeof createTokenRoute | typeof revokeTokenRoute>;

const tokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    scope: z.enum(["read", "write"]),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  })
  .meta({ id: "ApiToken" });

function requireSession(c: Context<AppEnv>): void {
  if (c.var.actor.via !== "session") {
    throw new ApiError(
      403,
      "session_required",
      "Manage API tokens from the Lanes app while signed in, not with a token.",
    );
  }
}

const view = (row: {
  id: string;
  name: string;
  scope: "read" | "write";
  createdAt: string;
  expiresAt: number | null;
  lastUsedAt: string | null;
}) => ({
  id: row.id,
  name: row.name,
  scope: row.scope,
  createdAt: row.createdAt,
  expiresAt: row.expiresAt === null ? null : new Date(row.expiresAt).toISOString(),
  lastUsedAt: row.lastUsedAt,
});

const listTokensRoute = tokenRoutes.openapi(
  createRoute({
    method: "get",
    path: "/tokens",
    tags: ["Accounts"],
    summary: "Your API tokens (never the tokens themselves)",
    responses: {
      200: jsonContent(z.object({ tokens: z.array(tokenSchema) }), "Newest first"),
      ...errorResponses(401, 403),
    },
  }),
  async (c) => {
    requireSession(c);
    const rows = await listTokens(drizzle(c.env.DB), c.var.actor.id);
    return c.json({ tokens: rows.map(view) }, 200);
  },
);

const createTokenRoute = tokenRoutes.openapi(
  createRoute({
    method: "post",
    path: "/tokens",
    tags: ["Accounts"],
    summary: "Create an API token; it is shown this once",
    request: {
      body: jsonBody(
        z
          .strictObject({
            name: z.string().trim().min(1).max(100),
            scope: z.enum(["read", "write"]),
            expiresInDays: z.number().int().min(1).max(3650).optional().meta({ description: "Absent: never expires." }),
          })
          .meta({ id: "NewApiToken" }),
      ),
    },
    responses: {
      201: jsonContent(
        tokenSchema.extend({ token: z.string().meta({ example: "lanes_3q2…" }) }),
        "The token: keep it now, it cannot be shown again",
      ),
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => {
    requireSession(c);
    const input = c.req.valid("json");
    const expiresAt = input.expiresInDays === undefined ? null : Date.now() + input.expiresInDays * 86_400_000;
    const { token, row } = await createToken(drizzle(c.env.DB), c.var.actor.id, {
      name: input.name,
      scope: input.scope,
      expiresAt,
    });
    return c.json({ ...view(row), token }, 201);
  },
);

const revokeTokenRoute = tokenRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/tokens/{tokenId}",
    tags: ["Accounts"],
    summary: "Revoke an API token",
    request: {
      params: z.object({
        tokenId: z
          .string()
          .max(64)
          .meta({ param: { name: "tokenId", in: "path" } }),
      }),
    },
    responses: { 204: { description: "Revoked" }, ...errorResponses(401, 403, 404) },
  }),
  async (c) => {
    requireSession(c);
    if (!(await revokeToken(drizzle(c.env.DB), c.var.actor.id, c.req.valid("param").tokenId))) {
      throw new ApiError(404, "token_not_found", "You have no such API token.");
    }
    return c.body(null, 204);
  },
);
