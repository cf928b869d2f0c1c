import { drizzle } from "drizzle-orm/d1";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../api/context";
import { ApiError } from "../api/errors";
import { boardInPath } from "./boardAccess";
import { enforceLimit } from "./rateLimits";
import { resolveSession, SESSION_COOKIE } from "./sessions";
import { resolveToken, type TokenScope } from "./tokens";

// Who is asking. Programs send `Authorization: Bearer lanes_…`; the web app sends
// its session cookie. Everything under /api/v1 needs one of them, except signing
// up and signing in. This is the only place that decides who the actor is.

export interface Actor {
  id: string;
  name: string;
  email: string;
  /** How the request proved who it is. */
  via: "session" | "token";
  /** A token's scope; sessions may read and write. */
  scope: TokenScope;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const PUBLIC_ROUTES = new Set(["POST /api/v1/auth/signup", "POST /api/v1/auth/login", "POST /api/v1/auth/logout"]);

export const identify = createMiddleware<AppEnv>(async (c, next) => {
  const db = drizzle(c.env.DB);
  // Looked up with the credential, in the same statement: see ./boardAccess.ts.
  const boardId = boardInPath(c.req.path);
  const authorization = c.req.header("authorization");
  const unsafe = !SAFE_METHODS.has(c.req.method);
  if (authorization !== undefined) {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
    const found = token ? await resolveToken(db, token, boardId) : null;
    if (!found) {
      throw new ApiError(401, "invalid_token", "This API token is unknown, revoked or expired; create a new one.");
    }
    if (unsafe && found.scope === "read") {
      throw new ApiError(
        403,
        "token_read_only",
        "This API token may only read; create a read-write token to make changes.",
      );
    }
    c.set("actor", { ...found.user, via: "token", scope: found.scope });
    if (boardId !== null) c.set("boardAccess", { boardId, found: found.access });
  } else {
    const secret = getCookie(c, SESSION_COOKIE);
    const signedIn = secret ? await resolveSession(db, secret, boardId) : null;
    // A cookie rides along with any request the browser makes, including one a
    // foreign page triggers: changes must come from our own pages.
    if (unsafe) checkSameOrigin(c.req.raw);
    if (signedIn) {
      c.set("actor", { ...signedIn.user, via: "session", scope: "write" });
      if (boardId !== null) c.set("boardAccess", { boardId, found: signedIn.access });
    } else if (!PUBLIC_ROUTES.has(`${c.req.method} ${c.req.path}`)) {
      throw new ApiError(
        401,
        secret ? "session_expired" : "not_signed_in",
        secret
          ? "Your session has ended; sign in again."
          : "Sign in, or send an API token as `Authorization: Bearer …`.",
      );
    }
  }
  const actor = c.var.actor;
  if (unsafe && actor) await enforceLimit(c.env, c.env.WRITE_LIMITER, `write:${actor.id}`, "changes");
  await next();
});

/** Origin first; browsers that send none send Sec-Fetch-Site. Non-browser clients send neither. */
function checkSameOrigin(request: Request): void {
  const origin = request.headers.get("origin");
  const site = request.headers.get("sec-fetch-site");
  const own = new URL(request.url).origin;
  const foreign = origin !== null ? origin !== own : site !== null && site !== "same-origin" && site !== "none";
  if (foreign) {
    throw new ApiError(
      403,
      "cross_site_request",
      "Changes must come from the Lanes app itself; reload it and try again.",
    );
  }
}
