import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// One run, three layers: the pure domain in Node, the Worker with its real Durable
// Objects, SQLite and D1 inside workerd, and the web app in Chromium against its own
// dev server (see test/e2e/globalSetup.ts).
export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    test: {
      reporters: ["default", "json"],
      outputFile: { json: ".vitest-results.json" },
      projects: [
        {
          // Property tests do bounded work; the timeout only guards against a hang on a busy machine.
          // The web app's chart code draws days in the browser's own zone: its tests are written
          // for UTC, so a developer in Tokyo or Honolulu gets the same run as CI.
          test: {
            name: "domain",
            environment: "node",
            include: ["test/domain/**/*.test.ts"],
            testTimeout: 60_000,
            env: { TZ: "UTC" },
          },
        },
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  LANES_DEV: "0",
                  // Deliveries go to the loopback receiver of test/worker/webhookReceiver.ts, and a
                  // receiver that hangs is given up on sooner than the deployed 15 s.
                  LANES_ALLOW_LOCAL_WEBHOOKS: "1",
                  LANES_WEBHOOK_TIMEOUT_MS: "5000",
                  // Rebuilds in pages of 10 events, 3 pages an alarm: a test board's rebuild spans
                  // several pages and alarms, as a year's log does with the deployed sizes.
                  LANES_REBUILD_PAGE_EVENTS: "10",
                  LANES_REBUILD_PAGES_PER_RUN: "3",
                  // Imports hand the board 10 events a page: every import test goes through several pages.
                  LANES_IMPORT_PAGE_EVENTS: "10",
                  // The sync fuzz test's size and seed (npm run fuzz; FUZZ_SEED=… to replay a failure).
                  FUZZ_RUNS: process.env.FUZZ_RUNS ?? "",
                  FUZZ_SEED: process.env.FUZZ_SEED ?? "",
                  FUZZ_PATH: process.env.FUZZ_PATH ?? "",
                },
              },
            }),
          ],
          test: {
            name: "worker",
            include: ["test/worker/**/*.test.ts"],
            // Real objects, sockets and D1 on a 2-core machine: generous, only against hangs.
            testTimeout: 30_000,
            setupFiles: ["./test/worker/setup.ts"],
            globalSetup: ["./test/worker/webhookReceiver.ts"],
          },
        },
        {
          test: {
            name: "e2e",
            environment: "node",
            include: ["test/e2e/**/*.test.ts"],
            globalSetup: ["./test/e2e/globalSetup.ts"],
            // One browser at a time against one dev server: the machine has two cores.
            fileParallelism: false,
            // A real browser and a real server on a busy machine; the timeouts only guard against hangs.
            testTimeout: 90_000,
            hookTimeout: 240_000,
          },
        },
      ],
    },
  };
});
