import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { hashPassword, PASSWORD_PARAMS, verifyPassword } from "../../src/auth/password";
import {
  type Answer,
  BASE,
  call,
  eventCount,
  expectError,
  type Json,
  me as mainPerson,
  newBoard,
  ORIGIN,
  type Person,
  signUp,
  withinOnePeriod,
} from "./helpers";

// Accounts from the outside: signing up, in and out, sessions and their expiry,
// API tokens, the browser-safety checks and the sign-in rate limits, all through
// the real Worker and D1. Password hashing runs here too, in workerd, where the
// bundled argon2 WebAssembly has to work.

const PASSWORD = "correct horse battery staple";
const DAY_MS = 86_400_000;
const SESSION_MS = 30 * DAY_MS;

let addresses = 0;
/** A client address of its own, so the per-address sign-in limit never trips a test by accident. */
function freshIp(): string {
  addresses += 1;
  return `198.18.${addresses >> 8}.${addresses & 255}`;
}

interface SendOptions {
  body?: unknown;
  cookie?: string;
  bearer?: string;
  /** The Origin header; null sends none. The app's own origin when absent. */
  origin?: string | null;
  headers?: Record<string, string>;
}

/** One request with every header under the test's control (helpers' `call` always sends our Origin). */
async function send(method: string, path: string, options: SendOptions = {}): Promise<Answer & { text: string }> {
  const origin = options.origin === undefined ? ORIGIN : options.origin;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    ...(origin === null ? {} : { origin }),
    ...(options.cookie ? { cookie: options.cookie } : {}),
    ...(options.bearer ? { authorization: `Bearer ${options.bearer}` } : {}),
    ...options.headers,
  };
  const res = await exports.default.fetch(`${BASE}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await res.text();
  let body: Json = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: res.status, body, headers: res.headers, text };
}

/** `lanes_session=<value>` out of a Set-Cookie header. */
function cookieOf(res: Answer): string {
  const header = res.headers.get("set-cookie") ?? "";
  const pair = header.split(";")[0] ?? "";
  expect(pair, header).toMatch(/^lanes_session=[A-Za-z0-9_-]{43}$/);
  return pair;
}

function login(email: string, password: string, ip = freshIp()) {
  return send("POST", "/auth/login", { body: { email, password }, headers: { "cf-connecting-ip": ip } });
}

function signup(email: string, password: string, name = "Someone", ip = freshIp()) {
  return send("POST", "/auth/signup", { body: { email, name, password }, headers: { "cf-connecting-ip": ip } });
}

const me = (cookie: string) => send("GET", "/me", { cookie });

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The session row behind a cookie (`lanes_session=…`): stored under the SHA-256 of its value. */
async function sessionIdHash(cookie: string): Promise<string> {
  return sha256Hex(cookie.slice("lanes_session=".length));
}

async function sessionExpiry(cookie: string): Promise<number | null> {
  const row = await env.DB.prepare("SELECT expires_at FROM sessions WHERE id_hash = ?")
    .bind(await sessionIdHash(cookie))
    .first<{ expires_at: number }>();
  return row?.expires_at ?? null;
}

async function setSessionExpiry(cookie: string, expiresAt: number): Promise<void> {
  const result = await env.DB.prepare("UPDATE sessions SET expires_at = ? WHERE id_hash = ?")
    .bind(expiresAt, await sessionIdHash(cookie))
    .run();
  expect(result.meta.changes).toBe(1);
}

async function storedHash(userId: string): Promise<string> {
  const row = await env.DB.prepare("SELECT password_hash FROM users WHERE id = ?")
    .bind(userId)
    .first<{ password_hash: string }>();
  if (!row) throw new Error(`no user ${userId}`);
  return row.password_hash;
}

async function newToken(person: Person, scope: "read" | "write", extra: Record<string, unknown> = {}) {
  const res = await send("POST", "/tokens", {
    cookie: person.cookie,
    body: { name: `${scope} token`, scope, ...extra },
  });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; token: string; scope: string; expiresAt: string | null; lastUsedAt: null };
}

describe("signing up", () => {
  it("creates the account, signs in with a secure session cookie good for 30 days, and /me knows who you are", async () => {
    const email = `ada.${crypto.randomUUID().slice(0, 8)}@lanes.test`;
    const res = await signup(email, PASSWORD, "Ada");
    expect(res.status, res.text).toBe(201);
    expect(res.body).toEqual({ user: { id: expect.stringMatching(/^usr_[0-9a-f]{24}$/), email, name: "Ada" } });

    const header = res.headers.get("set-cookie") ?? "";
    const attributes = header.split(";").map((part) => part.trim());
    expect(attributes).toEqual(
      expect.arrayContaining(["HttpOnly", "Secure", "SameSite=Lax", "Path=/", `Max-Age=${SESSION_MS / 1000}`]),
    );
    const cookie = cookieOf(res);

    const who = await me(cookie);
    expect(who.status, who.text).toBe(200);
    expect(who.body).toEqual({ user: res.body.user, via: "session", scope: "write" });

    // The cookie's value is never stored: only its hash names the session.
    const row = await env.DB.prepare("SELECT id_hash, user_id FROM sessions WHERE id_hash = ?")
      .bind(await sessionIdHash(cookie))
      .first<{ id_hash: string; user_id: string }>();
    expect(row?.user_id).toBe(res.body.user.id);
    const leaked = await env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE id_hash = ?")
      .bind(cookie.slice("lanes_session=".length))
      .first<{ n: number }>();
    expect(leaked?.n).toBe(0);
  });

  it("refuses a password shorter than 10 characters, saying so, and creates no account", async () => {
    const email = `short.${crypto.randomUUID().slice(0, 8)}@lanes.test`;
    const res = await signup(email, "nine-char");
    const error = expectError(res, 400, "invalid_request");
    expect(error.message).toContain("at least 10 characters");
    expect(res.headers.get("set-cookie")).toBeNull();
    expectError(await login(email, "nine-char"), 401, "invalid_credentials");
  });

  it("refuses a common password, saying so", async () => {
    const res = await signup(`common.${crypto.randomUUID().slice(0, 8)}@lanes.test`, "password123");
    const error = expectError(res, 400, "invalid_request");
    expect(error.message).toContain("most common");
    // Case does not make a common password uncommon.
    expect(
      expectError(
        await signup(`common2.${crypto.randomUUID().slice(0, 8)}@lanes.test`, "PASSWORD123"),
        400,
        "invalid_request",
      ).message,
    ).toContain("most common");
  });

  it("answers 409 email_taken for an email that has an account, whatever its case", async () => {
    const local = `grace.${crypto.randomUUID().slice(0, 8)}`;
    const first = await signup(`${local}@Lanes.Test`, PASSWORD, "Grace");
    expect(first.status, first.text).toBe(201);
    expect(first.body.user.email).toBe(`${local}@lanes.test`);

    const again = await signup(`${local.toUpperCase()}@LANES.TEST`, "another good passphrase", "Impostor");
    expectError(again, 409, "email_taken");
    expect(again.headers.get("set-cookie")).toBeNull();

    // The first account is untouched: its password still signs in, the impostor's does not.
    expect((await login(`${local}@lanes.test`, PASSWORD)).status).toBe(200);
    expectError(await login(`${local}@lanes.test`, "another good passphrase"), 401, "invalid_credentials");
  });
});

describe("signing in", () => {
  it("answers 200 with the user and a new session, whatever the email's case; the old session still works", async () => {
    const person = await signUp("Linus");
    const res = await login(person.email.toUpperCase(), PASSWORD);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ user: { id: person.id, email: person.email, name: "Linus" } });
    const cookie = cookieOf(res);
    expect(cookie).not.toBe(person.cookie);
    expect((await me(cookie)).body.user.id).toBe(person.id);
    expect((await me(person.cookie)).body.user.id).toBe(person.id);
  });

  it("answers a wrong password and an unknown email with the very same 401", async () => {
    const person = await signUp("Margaret");
    const wrong = await login(person.email, "not the password at all");
    const unknown = await login(`nobody.${crypto.randomUUID().slice(0, 8)}@lanes.test`, PASSWORD);
    expectError(wrong, 401, "invalid_credentials");
    expect(unknown.status).toBe(401);
    expect(unknown.text).toBe(wrong.text);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    expect(unknown.headers.get("set-cookie")).toBeNull();
  });
});

describe("sessions", () => {
  it("answers 401 session_expired to a tampered cookie, and 401 not_signed_in to none", async () => {
    const person = await signUp("Tamper");
    const value = person.cookie.slice("lanes_session=".length);
    const flipped = `${value.slice(0, -1)}${value.endsWith("A") ? "B" : "A"}`;
    expectError(await me(`lanes_session=${flipped}`), 401, "session_expired");
    expectError(await me(`lanes_session=${value}x`), 401, "session_expired");
    expectError(await send("GET", "/me"), 401, "not_signed_in");
    expect((await me(person.cookie)).status).toBe(200);
  });

  it("signing out clears the cookie and ends that session only", async () => {
    const person = await signUp("Leaver");
    const other = cookieOf(await login(person.email, PASSWORD));
    const res = await send("POST", "/auth/logout", { cookie: person.cookie });
    expect(res.status).toBe(204);
    const header = res.headers.get("set-cookie") ?? "";
    expect(header).toMatch(/^lanes_session=;/);
    expect(header).toContain("Max-Age=0");

    expectError(await me(person.cookie), 401, "session_expired");
    expect(await sessionExpiry(person.cookie)).toBeNull();
    expect((await me(other)).status).toBe(200);
  });

  it("signing out everywhere ends every session of that person, and no one else's", async () => {
    const person = await signUp("Everywhere");
    const bystander = await signUp("Bystander");
    const laptop = cookieOf(await login(person.email, PASSWORD));
    const phone = cookieOf(await login(person.email, PASSWORD));
    for (const cookie of [person.cookie, laptop, phone]) expect((await me(cookie)).status).toBe(200);

    const res = await send("POST", "/auth/logout-everywhere", { cookie: laptop });
    expect(res.status).toBe(204);
    expect(res.headers.get("set-cookie") ?? "").toContain("Max-Age=0");
    for (const cookie of [person.cookie, laptop, phone]) expectError(await me(cookie), 401, "session_expired");
    expect((await me(bystander.cookie)).status).toBe(200);
    // Signing in again works.
    expect((await me(cookieOf(await login(person.email, PASSWORD)))).status).toBe(200);
  });

  it("refuses a session past its expiry", async () => {
    const person = await signUp("Expired");
    await setSessionExpiry(person.cookie, Date.now() - 1000);
    expectError(await me(person.cookie), 401, "session_expired");
    expectError(await call("GET", "/boards", undefined, {}, person), 401, "session_expired");
  });

  it("extends a session to 30 days from now when it is used more than a day after its last extension", async () => {
    const person = await signUp("Slider");
    const created = await sessionExpiry(person.cookie);
    expect(created).toBeGreaterThan(Date.now() + SESSION_MS - 60_000);

    // Last extended two days ago: 28 days left.
    const stale = Date.now() + SESSION_MS - 2 * DAY_MS;
    await setSessionExpiry(person.cookie, stale);
    const before = Date.now();
    expect((await me(person.cookie)).status).toBe(200);
    const extended = await sessionExpiry(person.cookie);
    expect(extended).toBeGreaterThanOrEqual(before + SESSION_MS);
    expect(extended).toBeLessThanOrEqual(Date.now() + SESSION_MS);
  });

  it("leaves the expiry alone when the session was extended within the last day (reads stay reads)", async () => {
    const person = await signUp("Steady");
    const recent = Date.now() + SESSION_MS - 3_600_000;
    await setSessionExpiry(person.cookie, recent);
    expect((await me(person.cookie)).status).toBe(200);
    expect(await sessionExpiry(person.cookie)).toBe(recent);
  });
});

describe("API tokens", () => {
  it("shows a new token once; the list never shows it, and records when it was last used", async () => {
    const person = await signUp("Programmer");
    const created = await newToken(person, "read");
    expect(created).toEqual({
      id: expect.stringMatching(/^tok_[0-9a-f]{24}$/),
      name: "read token",
      scope: "read",
      createdAt: expect.any(String),
      expiresAt: null,
      lastUsedAt: null,
      token: expect.stringMatching(/^lanes_[A-Za-z0-9_-]{43}$/),
    });

    const listed = await send("GET", "/tokens", { cookie: person.cookie });
    expect(listed.status).toBe(200);
    const { token, ...shown } = created;
    expect(listed.body).toEqual({ tokens: [shown] });
    expect(listed.text).not.toContain(token);
    expect(listed.text).not.toContain(token.slice("lanes_".length));

    // Stored only as its hash.
    const row = await env.DB.prepare("SELECT * FROM api_tokens WHERE id = ?").bind(created.id).first<Json>();
    expect(row.token_hash).toBe(await sha256Hex(token));
    expect(JSON.stringify(row)).not.toContain(token.slice("lanes_".length));

    const before = Date.now();
    const used = await send("GET", "/me", { bearer: token });
    expect(used.status, used.text).toBe(200);
    expect(used.body).toEqual({
      user: { id: person.id, email: person.email, name: "Programmer" },
      via: "token",
      scope: "read",
    });
    const after = await send("GET", "/tokens", { cookie: person.cookie });
    const lastUsedAt = after.body.tokens[0].lastUsedAt;
    expect(lastUsedAt).toEqual(expect.any(String));
    expect(Date.parse(lastUsedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(after.text).not.toContain(token);
  });

  it("lets a read token read but not write (403 token_read_only, nothing changed)", async () => {
    const board = await newBoard({ name: "Token board" });
    const { token } = await newToken(await mainPerson(), "read");

    const read = await send("GET", `/boards/${board.id}`, { bearer: token });
    expect(read.status, read.text).toBe(200);
    expect(read.body.board.id).toBe(board.id);

    const events = await eventCount(board.id);
    const write = await send("POST", `/boards/${board.id}/tasks`, { bearer: token, body: { title: "Not allowed" } });
    expectError(write, 403, "token_read_only");
    expect(await eventCount(board.id)).toBe(events);
    expect((await call("GET", `/boards/${board.id}/tasks`)).body.tasks).toEqual([]);
  });

  it("lets a read-write token write, as the person who made it", async () => {
    const board = await newBoard({ name: "Writer board" });
    const person = await mainPerson();
    const { token } = await newToken(person, "write");
    const res = await send("POST", `/boards/${board.id}/tasks`, { bearer: token, body: { title: "From a script" } });
    expect(res.status, res.text).toBe(201);
    expect(res.body.task).toMatchObject({ key: `${board.key}-1`, title: "From a script", reporterId: person.id });
  });

  it("refuses a revoked token with 401 invalid_token, and the list no longer shows it", async () => {
    const person = await signUp("Revoker");
    const kept = await newToken(person, "read");
    const revoked = await newToken(person, "write");
    expect((await send("GET", "/me", { bearer: revoked.token })).status).toBe(200);

    const res = await send("DELETE", `/tokens/${revoked.id}`, { cookie: person.cookie });
    expect(res.status, res.text).toBe(204);
    expectError(await send("GET", "/me", { bearer: revoked.token }), 401, "invalid_token");
    expectError(
      await send("POST", "/boards", { bearer: revoked.token, body: { name: "X", key: "REVOKED" } }),
      401,
      "invalid_token",
    );
    const listed = await send("GET", "/tokens", { cookie: person.cookie });
    expect(listed.body.tokens.map((t: Json) => t.id)).toEqual([kept.id]);
    expect((await send("GET", "/me", { bearer: kept.token })).status).toBe(200);
    // Revoking twice, or someone else's token, finds nothing.
    expectError(await send("DELETE", `/tokens/${revoked.id}`, { cookie: person.cookie }), 404, "token_not_found");
    const other = await signUp("Other");
    expectError(await send("DELETE", `/tokens/${kept.id}`, { cookie: other.cookie }), 404, "token_not_found");
    expect((await send("GET", "/me", { bearer: kept.token })).status).toBe(200);
  });

  it("refuses a token past its expiry with 401 invalid_token", async () => {
    const person = await signUp("Expiring");
    const before = Date.now();
    const created = await newToken(person, "read", { expiresInDays: 1 });
    const expiresAt = Date.parse(created.expiresAt ?? "");
    expect(expiresAt).toBeGreaterThanOrEqual(before + DAY_MS);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + DAY_MS);
    expect((await send("GET", "/me", { bearer: created.token })).status).toBe(200);

    const moved = await env.DB.prepare("UPDATE api_tokens SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1000, created.id)
      .run();
    expect(moved.meta.changes).toBe(1);
    expectError(await send("GET", "/me", { bearer: created.token }), 401, "invalid_token");
  });

  it("refuses unknown and malformed bearer tokens, even alongside a valid cookie", async () => {
    const person = await signUp("Guesser");
    for (const bearer of ["lanes_notarealtoken", "not-a-lanes-token", `lanes_${"A".repeat(43)}`]) {
      expectError(await send("GET", "/me", { bearer }), 401, "invalid_token");
    }
    expectError(await send("GET", "/me", { cookie: person.cookie, bearer: "lanes_guess" }), 401, "invalid_token");
    expectError(await send("GET", "/me", { headers: { authorization: "Basic abc" } }), 401, "invalid_token");
  });

  it("cannot manage tokens: listing, creating and revoking need a signed-in browser (403 session_required)", async () => {
    const person = await signUp("Script");
    const { id, token } = await newToken(person, "write");
    expectError(await send("GET", "/tokens", { bearer: token }), 403, "session_required");
    expectError(
      await send("POST", "/tokens", { bearer: token, body: { name: "minted", scope: "write" } }),
      403,
      "session_required",
    );
    expectError(await send("DELETE", `/tokens/${id}`, { bearer: token }), 403, "session_required");
    const listed = await send("GET", "/tokens", { cookie: person.cookie });
    expect(listed.body.tokens.map((t: Json) => t.name)).toEqual(["write token"]);
    expect((await send("GET", "/me", { bearer: token })).status).toBe(200);
  });
});

describe("browser safety", () => {
  it("refuses a cookie-authenticated change from a foreign Origin with 403 cross_site_request, changing nothing", async () => {
    const board = await newBoard({ name: "Origin board" });
    const person = await mainPerson();
    const events = await eventCount(board.id);
    const res = await send("POST", `/boards/${board.id}/tasks`, {
      cookie: person.cookie,
      origin: "https://evil.example",
      body: { title: "Forged" },
    });
    expectError(res, 403, "cross_site_request");
    expectError(
      await send("DELETE", `/boards/${board.id}`, { cookie: person.cookie, origin: "https://evil.example" }),
      403,
      "cross_site_request",
    );
    expectError(
      await send("POST", "/auth/logout", { cookie: person.cookie, origin: "https://evil.example" }),
      403,
      "cross_site_request",
    );
    expect(await eventCount(board.id)).toBe(events);
    expect((await call("GET", `/boards/${board.id}/tasks`)).body.tasks).toEqual([]);
    expect((await me(person.cookie)).status).toBe(200);
  });

  it("without an Origin, refuses a change the browser marks Sec-Fetch-Site: cross-site", async () => {
    const board = await newBoard({ name: "Fetch site board" });
    const person = await mainPerson();
    const events = await eventCount(board.id);
    const forged = await send("POST", `/boards/${board.id}/tasks`, {
      cookie: person.cookie,
      origin: null,
      headers: { "sec-fetch-site": "cross-site" },
      body: { title: "Forged" },
    });
    expectError(forged, 403, "cross_site_request");
    expect(await eventCount(board.id)).toBe(events);

    const own = await send("POST", `/boards/${board.id}/tasks`, {
      cookie: person.cookie,
      origin: null,
      headers: { "sec-fetch-site": "same-origin" },
      body: { title: "From our page" },
    });
    expect(own.status, own.text).toBe(201);
    expect(await eventCount(board.id)).toBe(events + 1);
  });

  it("lets reads through from anywhere: a foreign page cannot read the answer anyway", async () => {
    const person = await signUp("Reader");
    const res = await send("GET", "/me", { cookie: person.cookie, origin: "https://evil.example" });
    expect(res.status).toBe(200);
  });

  it("needs no Origin for bearer requests: a script's token is not sent by browsers on their own", async () => {
    const board = await newBoard({ name: "Bearer board" });
    const person = await mainPerson();
    const { token } = await newToken(person, "write");
    const bare = await send("POST", `/boards/${board.id}/tasks`, {
      bearer: token,
      origin: null,
      body: { title: "cron" },
    });
    expect(bare.status, bare.text).toBe(201);
    const foreign = await send("POST", `/boards/${board.id}/tasks`, {
      bearer: token,
      origin: "https://ci.example",
      body: { title: "ci" },
    });
    expect(foreign.status, foreign.text).toBe(201);
    expect((await call("GET", `/boards/${board.id}/tasks`)).body.tasks.map((t: Json) => t.title)).toEqual([
      "cron",
      "ci",
    ]);
  });

  it("puts security headers on API answers", async () => {
    const res = await send("GET", "/me");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toEqual(expect.any(String));
  });
});

describe("rate limits", () => {
  // The limiter counts in windows aligned to the clock's minutes, as Cloudflare's does:
  // a burst that runs across the end of a minute is counted half in each. A burst
  // that needs more time than the minute has left waits for the next one.
  const withinOneMinute = (burstMs: number) => withinOnePeriod(60_000, burstMs);

  it("answers the 11th sign-in attempt for one email within a minute with 429 and Retry-After, even from new addresses", async () => {
    const person = await signUp("Targeted");
    await withinOneMinute(10_000);
    for (let attempt = 1; attempt <= 10; attempt++) {
      expectError(await login(person.email, `wrong guess ${attempt}`), 401, "invalid_credentials");
    }
    // The right password from a fresh address: still refused, and no session is made.
    const res = await login(person.email, PASSWORD);
    const error = expectError(res, 429, "rate_limited");
    expect(error.details).toEqual({ retryAfterSeconds: 60 });
    expect(res.headers.get("retry-after")).toBe("60");
    expect(res.headers.get("set-cookie")).toBeNull();
    // The person's other sessions are unaffected, and other people still sign in.
    expect((await me(person.cookie)).status).toBe(200);
    const other = await signUp("Unaffected");
    expect((await login(other.email, PASSWORD)).status).toBe(200);
  });

  it("answers the 11th sign-in attempt from one address within a minute with 429, whatever the email", async () => {
    const ip = "203.0.113.77";
    await withinOneMinute(10_000);
    for (let attempt = 1; attempt <= 10; attempt++) {
      const res = await login(`sprayed.${attempt}.${crypto.randomUUID().slice(0, 8)}@lanes.test`, PASSWORD, ip);
      expectError(res, 401, "invalid_credentials");
    }
    const victim = await signUp("Sprayed");
    const res = await login(victim.email, PASSWORD, ip);
    expectError(res, 429, "rate_limited");
    expect(res.headers.get("retry-after")).toBe("60");
    expect(res.headers.get("set-cookie")).toBeNull();
    expect((await login(victim.email, PASSWORD)).status).toBe(200);
  });

  it("answers the 11th sign-up from one address within a minute with 429, creating no account", async () => {
    const ip = "203.0.113.78";
    const tag = crypto.randomUUID().slice(0, 8);
    await withinOneMinute(10_000);
    for (let n = 1; n <= 10; n++) {
      const res = await signup(`burst.${n}.${tag}@lanes.test`, PASSWORD, "Burst", ip);
      expect(res.status, res.text).toBe(201);
    }
    const res = await signup(`burst.11.${tag}@lanes.test`, PASSWORD, "Burst", ip);
    expectError(res, 429, "rate_limited");
    expect(res.headers.get("retry-after")).toBe("60");
    expectError(await login(`burst.11.${tag}@lanes.test`, PASSWORD), 401, "invalid_credentials");
  });

  it("answers changes past 600 a minute from one person with 429 and Retry-After", async () => {
    const person = await signUp("Flood");
    await withinOneMinute(15_000);
    // Invalid bodies are refused after the limit is counted, without reaching any board: a cheap flood.
    for (let n = 1; n <= 600; n++) {
      const res = await send("POST", "/boards", { cookie: person.cookie, body: {} });
      if (res.status !== 400) expect(res.status, `${n}: ${res.text}`).toBe(400);
    }
    const res = await send("POST", "/boards", { cookie: person.cookie, body: { name: "Flood", key: "FLOOD" } });
    expectError(res, 429, "rate_limited");
    expect(res.headers.get("retry-after")).toBe("60");
    expect((await send("GET", "/boards", { cookie: person.cookie })).body.boards).toEqual([]);
    // Reading is not limited, and other people still write.
    expect((await me(person.cookie)).status).toBe(200);
    const other = await signUp("Calm");
    expect((await send("POST", "/tokens", { cookie: other.cookie, body: { name: "t", scope: "read" } })).status).toBe(
      201,
    );
  });
});

describe("anonymous callers", () => {
  it("get 401 not_signed_in on board routes and account routes", async () => {
    const board = await newBoard({ name: "Private" });
    for (const [method, path] of [
      ["GET", `/boards/${board.id}`],
      ["GET", `/boards/${board.id}/snapshot`],
      ["POST", `/boards/${board.id}/tasks`],
      ["GET", "/boards"],
      ["GET", "/tokens"],
      ["GET", "/search/tasks"],
    ] as const) {
      const res = await send(method, path, method === "POST" ? { body: { title: "Anonymous" } } : {});
      const error = expectError(res, 401, "not_signed_in");
      expect(error.message).toContain("Sign in");
    }
    expect(await eventCount(board.id)).toBe(1);
  });
});

describe("password hashing (argon2id in workerd)", () => {
  const unicode = "pässwörd-ünïcode";

  it("stores a PHC string with today's parameters and a fresh salt, and verifies only the right password", async () => {
    const hash = await hashPassword(PASSWORD);
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await hashPassword(PASSWORD)).not.toBe(hash);
    expect(await verifyPassword(PASSWORD, hash)).toEqual({ ok: true, needsRehash: false });
    expect(await verifyPassword("correct horse battery stapl", hash)).toEqual({ ok: false, needsRehash: false });
    expect(await verifyPassword(`${PASSWORD} `, hash)).toEqual({ ok: false, needsRehash: false });
  });

  it("verifies non-ASCII passwords byte for byte", async () => {
    const hash = await hashPassword(unicode);
    expect(await verifyPassword(unicode, hash)).toEqual({ ok: true, needsRehash: false });
    expect((await verifyPassword("pässwörd-ünïcodé", hash)).ok).toBe(false);
    expect((await verifyPassword("passwörd-ünïcode", hash)).ok).toBe(false);
    expect((await verifyPassword("pässwörd-ünïcode".normalize("NFD"), hash)).ok).toBe(false);
  });

  it("refuses a stored value that is not an argon2id hash", async () => {
    expect(await verifyPassword(PASSWORD, PASSWORD)).toEqual({ ok: false, needsRehash: false });
    expect(await verifyPassword(PASSWORD, "")).toEqual({ ok: false, needsRehash: false });
  });

  it("verifies a hash made with weaker parameters and says it needs redoing", async () => {
    const weak = await hashPassword(unicode, { ...PASSWORD_PARAMS, memorySize: 8192 });
    expect(weak).toMatch(/^\$argon2id\$v=19\$m=8192,t=2,p=1\$/);
    expect(await verifyPassword(unicode, weak)).toEqual({ ok: true, needsRehash: true });
    expect((await verifyPassword("pässwörd-ünïcodé", weak)).ok).toBe(false);
    const fewerPasses = await hashPassword(unicode, { ...PASSWORD_PARAMS, iterations: 1 });
    expect(await verifyPassword(unicode, fewerPasses)).toEqual({ ok: true, needsRehash: true });
  });

  it("redoes a weak stored hash with today's parameters when its owner signs in", async () => {
    const person = await signUp("Upgrade");
    const weak = await hashPassword(PASSWORD, { ...PASSWORD_PARAMS, memorySize: 8192 });
    await env.DB.prepare("UPDATE users SET password_hash = ? WHERE id = ?").bind(weak, person.id).run();
    expect(await storedHash(person.id)).toBe(weak);

    // A wrong password does not rewrite anything.
    expectError(await login(person.email, "not the password at all"), 401, "invalid_credentials");
    expect(await storedHash(person.id)).toBe(weak);

    const res = await login(person.email, PASSWORD);
    expect(res.status, res.text).toBe(200);
    const upgraded = await storedHash(person.id);
    expect(upgraded).not.toBe(weak);
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(PASSWORD, upgraded)).toEqual({ ok: true, needsRehash: false });
    // And the next sign-in leaves it as it is.
    expect((await login(person.email, PASSWORD)).status).toBe(200);
    expect(await storedHash(person.id)).toBe(upgraded);
  });
});
