declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    /** Runs of the sync fuzz test (test/worker/syncFuzz.test.ts); empty for its default. */
    FUZZ_RUNS: string;
    /** Seed (and shrink path) of a fuzz run to replay, as fast-check printed them; empty for a fresh seed. */
    FUZZ_SEED: string;
    FUZZ_PATH: string;
  }
}
