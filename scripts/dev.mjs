// `npm run dev`: applies the local D1 migrations, starts the one dev server (the
// Solid app, the Worker, its Durable Objects and D1, all on one origin), and seeds
// the demo workspace once the server answers.
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { DEMO_USERS, seedDemo } from "./seed.mjs";

const port = process.env.PORT ?? "8787";
const state = process.env.LANES_STATE ?? ".wrangler/state";
const env = { ...process.env, WRANGLER_SEND_METRICS: "false" };

// Development-only settings; a deploy never reads .dev.vars.
// Webhooks to http://localhost receivers are allowed here (and in the tests), never in a deploy.
if (!existsSync(".dev.vars")) writeFileSync(".dev.vars", "LANES_DEV=1\nLANES_ALLOW_LOCAL_WEBHOOKS=1\n");
else if (!readFileSync(".dev.vars", "utf8").includes("LANES_ALLOW_LOCAL_WEBHOOKS")) {
  appendFileSync(".dev.vars", "\nLANES_ALLOW_LOCAL_WEBHOOKS=1\n");
}

const migrate = spawnSync("wrangler", ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state], {
  stdio: "inherit",
  env: { ...env, CI: "true" },
});
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const server = spawn("vite", ["dev", "--port", port], { stdio: "inherit", env });
const stop = () => server.kill("SIGTERM");
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
server.on("exit", (code) => process.exit(code ?? 0));

const base = `http://127.0.0.1:${port}`;
for (let attempt = 0; attempt < 120; attempt++) {
  try {
    const res = await fetch(`${base}/api/v1/openapi.json`);
    if (res.ok) break;
  } catch {
    // not up yet
  }
  await new Promise((r) => setTimeout(r, 500));
}
try {
  const seeded = await seedDemo(base);
  const people = DEMO_USERS.map((u) => `    ${u.email.padEnd(18)} ${u.password.padEnd(22)} ${u.role}`).join("\n");
  console.log(
    `\n  Lanes is ready on http://localhost:${port}` +
      (seeded.created ? ` with the demo board (${seeded.tasks} tasks).` : ".") +
      `\n  Sign in as one of the demo people (development only):\n${people}\n`,
  );
} catch (error) {
  console.error("Seeding the demo workspace failed:", error);
}
