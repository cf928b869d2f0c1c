import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { chromium } from "playwright-core";
import type { TestProject } from "vitest/node";
import { DEMO_USERS, seedDemo } from "../../scripts/seed.mjs";
import { CHROMIUM, CHROMIUM_ARGS } from "./chromium";

// The browser tests' own dev server: the same `vite dev` as `npm run dev`, on its own
// port and with its own local state (wiped at each run), so a run never touches the
// developer's data and always starts from the seeded demo workspace.

const root = resolve(import.meta.dirname, "../..");
export const E2E_PORT = Number(process.env.LANES_E2E_PORT ?? 8801);
const STATE = ".e2e-state";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    /** Session cookies of the demo people, by email: signing in once keeps the sign-in rate limit out of the way. */
    sessions: Record<string, string>;
  }
}

let server: ChildProcess | null = null;

export default async function setup(project: TestProject) {
  rmSync(resolve(root, STATE), { recursive: true, force: true });
  if (!existsSync(resolve(root, ".dev.vars"))) writeFileSync(resolve(root, ".dev.vars"), "LANES_DEV=1\n");
  const bin = (name: string) => resolve(root, "node_modules/.bin", name);
  const env = { ...process.env, WRANGLER_SEND_METRICS: "false", LANES_STATE: STATE, CI: "true" };
  const migrate = spawnSync(bin("wrangler"), ["d1", "migrations", "apply", "DB", "--local", "--persist-to", STATE], {
    cwd: root,
    env,
    encoding: "utf8",
  });
  if (migrate.status !== 0) throw new Error(`Applying the D1 migrations failed:\n${migrate.stdout}${migrate.stderr}`);

  const started = spawn(bin("vite"), ["dev", "--port", String(E2E_PORT)], { cwd: root, env, stdio: "pipe" });
  server = started;
  let output = "";
  started.stdout?.on("data", (d) => {
    output += d;
  });
  started.stderr?.on("data", (d) => {
    output += d;
  });
  const base = `http://127.0.0.1:${E2E_PORT}`;
  await waitUntilUp(base, started, () => output);
  await seedDemo(base);
  // The first load of the app makes vite optimize its dependencies (and, on a fresh
  // clone, may find more and reload the page): load it whole once before any test.
  await warmUp(base);

  const sessions: Record<string, string> = {};
  for (const person of DEMO_USERS) {
    const res = await fetch(`${base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: base },
      body: JSON.stringify({ email: person.email, password: person.password }),
    });
    if (!res.ok) throw new Error(`Signing in ${person.email} answered ${res.status}: ${await res.text()}`);
    const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    sessions[person.email] = cookie;
  }
  project.provide("baseUrl", base);
  project.provide("sessions", sessions);

  return async () => {
    const pid = started.pid;
    if (pid !== undefined && started.exitCode === null) {
      const exited = new Promise((done) => started.once("exit", done));
      process.kill(pid, "SIGTERM");
      await exited;
    }
    server = null;
  };
}

async function waitUntilUp(base: string, child: ChildProcess, output: () => string): Promise<void> {
  // A cold start (workerd, D1, the first bundle) takes a few seconds; a busy machine, more.
  for (let attempt = 0; attempt < 240; attempt++) {
    if (child.exitCode !== null) throw new Error(`The e2e dev server exited:\n${output()}`);
    try {
      const res = await fetch(`${base}/api/v1/openapi.json`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`The e2e dev server did not answer on ${base}:\n${output()}`);
}

export { server };

/** Opens the app in the browser once and waits until it has drawn its sign-in form, reloads included. */
async function warmUp(base: string): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.goto(`${base}/`, { waitUntil: "networkidle", timeout: 60_000 });
    await page.waitForSelector("form", { timeout: 60_000 });
    await page.waitForLoadState("networkidle");
  } finally {
    await browser.close();
  }
}
