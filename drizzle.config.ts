import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: ["./src/db/schema.ts", "./src/auth/schema.ts", "./src/reporting/schema.ts"],
  out: "./migrations",
});
