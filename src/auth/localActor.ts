import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../api/context";

// Until accounts land, every request acts as the seeded local user. This middleware
// is the one place that assumption lives; sign-in, sessions and API tokens replace it.

export interface Actor {
  id: string;
  name: string;
}

export const LOCAL_USER: Actor = { id: "usr_local", name: "Local Developer" };

export const identifyActor = createMiddleware<AppEnv>(async (c, next) => {
  c.set("actor", LOCAL_USER);
  await next();
});
