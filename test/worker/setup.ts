import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// D1 starts empty in every test file; give it the same schema `npm run dev` uses.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
