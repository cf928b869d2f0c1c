import { createRoute } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { deleteCookie, getCookie } from "hono/cookie";
import { z } from "zod";
import { COMMON_PASSWORDS } from "../auth/commonPasswords";
import { DECOY_HASH, hashPassword, verifyPassword } from "../auth/password";
import { clientAddress, enforceLimit } from "../auth/rateLimits";
import { users } from "../auth/schema";
import { randomId } from "../auth/secrets";
import { endAllSessions, endSession, SESSION_COOKIE, sessionCookie, startSession } from "../auth/sessions";
import { ApiError, isUniqueViolation } from "./errors";
import { errorResponses, jsonBody, jsonContent, newRouter, type RoutesOf } from "./openapi";

// Signing up, in and out. Sign-in errors never say whether an email has an account,
// and an unknown email costs the same work as a wrong password.

export const authRoutes = newRouter();
/** These routes as the web app's typed client sees them (see RoutesOf). */
export type AuthRoutes = RoutesOf<
  typeof signUpRoute | typeof signInRoute | typeof signOutRoute | typeof signOutEverywhereRoute | typeof meRoute
>;

export const userSchema = z
  .object({ id: z.string(), email: z.string(), name: z.string() })
  .meta({ id: "User", example: { id: "usr_3f9a…", email: "alice@example.com", name: "Alice" } });

const emailSchema = z
  .email("Use a valid email address, like alice@example.com.")
  .max(254)
  .transform((e) => e.toLowerCase());
const passwordSchema = z
  .string()
  .min(10, "A password has at least 10 characters.")
  .max(256, "A password has at most 256 characters.")
  .refine((p) => !COMMON_PASSWORDS.has(p.toLowerCase()), "This password is among the most common ones; pick another.");

const signUpRoute = authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/auth/signup",
    tags: ["Accounts"],
    summary: "Create an account and sign in",
    security: [],
    request: {
      body: jsonBody(
        z
          .strictObject({ email: emailSchema, name: z.string().trim().min(1).max(100), password: passwordSchema })
          .meta({ id: "Signup" }),
      ),
    },
    responses: {
      201: jsonContent(z.object({ user: userSchema }), "Signed up and in; the session cookie is set"),
      ...errorResponses(400, 409, 429),
    },
  }),
  async (c) => {
    const { email, name, password } = c.req.valid("json");
    await enforceLimit(c.env, c.env.AUTH_LIMITER, `signup:${clientAddress(c.req.raw.headers)}`, "sign-ups");
    await enforceLimit(c.env, c.env.AUTH_LIMITER, `signup-email:${email}`, "sign-ups");
    const db = drizzle(c.env.DB);
    const user = { id: randomId("usr"), email, name };
    try {
      await db
        .insert(users)
        .values({ ...user, passwordHash: await hashPassword(password), createdAt: new Date().toISOString() });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ApiError(409, "email_taken", "An account with this email exists; sign in instead.");
      }
      throw error;
    }
    c.header("Set-Cookie", sessionCookie(await startSession(db, user.id)));
    return c.json({ user }, 201);
  },
);

const signInRoute = authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/auth/login",
    tags: ["Accounts"],
    summary: "Sign in",
    security: [],
    request: {
      body: jsonBody(
        z.strictObject({ email: emailSchema, password: z.string().min(1).max(256) }).meta({ id: "Login" }),
      ),
    },
    responses: {
      200: jsonContent(z.object({ user: userSchema }), "Signed in; the session cookie is set"),
      ...errorResponses(400, 401, 429),
    },
  }),
  async (c) => {
    const { email, password } = c.req.valid("json");
    await enforceLimit(c.env, c.env.AUTH_LIMITER, `login:${clientAddress(c.req.raw.headers)}`, "sign-in attempts");
    await enforceLimit(c.env, c.env.AUTH_LIMITER, `login-email:${email}`, "sign-in attempts");
    const db = drizzle(c.env.DB);
    const found = await db.select().from(users).where(eq(users.email, email)).get();
    const { ok, needsRehash } = await verifyPassword(password, found?.passwordHash ?? DECOY_HASH);
    if (!found || !ok) {
      throw new ApiError(401, "invalid_credentials", "The email or the password is wrong.");
    }
    if (needsRehash) {
      await db
        .update(users)
        .set({ passwordHash: await hashPassword(password) })
        .where(eq(users.id, found.id));
    }
    c.header("Set-Cookie", sessionCookie(await startSession(db, found.id)));
    return c.json({ user: { id: found.id, email: found.email, name: found.name } }, 200);
  },
);

const signOutRoute = authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/auth/logout",
    tags: ["Accounts"],
    summary: "Sign out of this browser",
    security: [],
    responses: { 204: { description: "Signed out; the cookie is cleared" } },
  }),
  async (c) => {
    const secret = getCookie(c, SESSION_COOKIE);
    if (secret) await endSession(drizzle(c.env.DB), secret);
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true, httpOnly: true, sameSite: "Lax" });
    return c.body(null, 204);
  },
);

const signOutEverywhereRoute = authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/auth/logout-everywhere",
    tags: ["Accounts"],
    summary: "Sign out of every browser and device",
    responses: { 204: { description: "Every session ended" }, ...errorResponses(401) },
  }),
  async (c) => {
    await endAllSessions(drizzle(c.env.DB), c.var.actor.id);
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true, httpOnly: true, sameSite: "Lax" });
    return c.body(null, 204);
  },
);

const meRoute = authRoutes.openapi(
  createRoute({
    method: "get",
    path: "/me",
    tags: ["Accounts"],
    summary: "Who you are signed in as",
    responses: {
      200: jsonContent(
        z.object({ user: userSchema, via: z.enum(["session", "token"]), scope: z.enum(["read", "write"]) }),
        "You",
      ),
      ...errorResponses(401),
    },
  }),
  async (c) => {
    const { id, email, name, via, scope } = c.var.actor;
    return c.json({ user: { id, email, name }, via, scope }, 200);
  },
);
