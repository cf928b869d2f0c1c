import { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import { identifyActor } from "../auth/localActor";
import { boardRoutes } from "./boards";
import { columnRoutes } from "./columns";
import type { AppEnv } from "./context";
import { ApiError, errorResponse, handleError, tooLarge } from "./errors";
import { logRoutes } from "./log";
import { operationsRoutes } from "./operations";
import { searchRoutes } from "./search";
import { taskRoutes } from "./tasks";

export const MAX_BODY_BYTES = 1024 * 1024;

export function createApp() {
  const app = new OpenAPIHono<AppEnv>();
  app.onError(handleError);
  app.notFound((c) =>
    errorResponse(c, new ApiError(404, "route_not_found", `There is no ${c.req.method} ${c.req.path}; see /api/docs.`)),
  );
  app.use("/api/*", secureHeaders({ crossOriginResourcePolicy: "same-origin" }));

  // The API description and its browsable reference are public: they describe the
  // product, not anyone's data.
  app.doc31("/api/v1/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Lanes API",
      version: "1",
      description:
        "Boards, columns, tasks and their event log. Every change is an event; `If-Match` carries the seq your copy is based on, and a field someone else changed since answers 409 with the current values.",
    },
  });
  // The reference UI's script is served from this origin (see vite.config.ts), not a CDN.
  app.get(
    "/api/docs",
    Scalar({ url: "/api/v1/openapi.json", pageTitle: "Lanes API", cdn: "/vendor/scalar.js", withDefaultFonts: false }),
  );

  const api = new OpenAPIHono<AppEnv>();
  api.use("*", bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => errorResponse(c, tooLarge()) }));
  api.use("*", identifyActor);
  api.route("/", boardRoutes);
  api.route("/", columnRoutes);
  api.route("/", taskRoutes);
  api.route("/", logRoutes);
  api.route("/", operationsRoutes);
  api.route("/", searchRoutes);
  app.route("/api/v1", api);
  return app;
}

export type App = ReturnType<typeof createApp>;
