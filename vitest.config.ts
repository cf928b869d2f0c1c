import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// One run, two layers: the pure domain in Node, and the Worker with its real
// Durable Objects, SQLite and D1 inside workerd.
export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    test: {
      reporters: ["default", "json"],
      outputFile: { json: ".vitest-results.json" },
      projects: [
        {
          // Property tests do bounded work; the timeout only guards against a hang on a busy machine.
          test: { name: "domain", environment: "node", include: ["test/domain/**/*.test.ts"], testTimeout: 60_000 },
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
      ],
    },
  };
});
