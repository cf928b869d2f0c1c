import { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import { identify } from "../auth/identify";
import { authRoutes } from "./auth";
import { boardRoutes } from "./boards";
import { columnRoutes } from "./columns";
import type { AppEnv } from "./context";
import { ApiError, errorResponse, handleError, tooLarge } from "./errors";
import { inboxRoutes } from "./inbox";
import { liveRoutes } from "./live";
import { logRoutes } from "./log";
import { memberRoutes } from "./members";
import { operationsRoutes } from "./operations";
import { reportRoutes } from "./reports";
import { searchRoutes } from "./search";
import { withSharedResponses } from "./sharedResponses";
import { sprintRoutes } from "./sprints";
import { taskRoutes } from "./tasks";
import { tokenRoutes } from "./tokens";
import { IMPORT_PATH, transferRoutes } from "./transfer";
import { webhookRoutes } from "./webhooks";
import { worklogRoutes } from "./worklogs";

export const MAX_BODY_BYTES = 1024 * 1024;
const API_BASE = "/api/v1";

export function createApp() {
  const app = new OpenAPIHono<AppEnv>();
  app.onError(handleError);
  app.notFound((c) =>
    errorResponse(c, new ApiError(404, "route_not_found", `There is no ${c.req.method} ${c.req.path}; see /api/docs.`)),
  );
  // JSON answers load nothing and may not be framed; the reference page runs its own
  // bundle (served from this origin) with the inline configuration it renders.
  app.use(
    "/api/v1/*",
    secureHeaders({
      crossOriginResourcePolicy: "same-origin",
      xFrameOptions: "DENY",
      contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    }),
  );
  app.use(
    "/api/docs",
    secureHeaders({
      xFrameOptions: "DENY",
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
        fontSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
      },
    }),
  );

  // The API description and its browsable reference are public: they describe the
  // product, not anyone's data.
  app.openAPIRegistry.registerComponent("securitySchemes", "session", {
    type: "apiKey",
    in: "cookie",
    name: "lanes_session",
    description: "Set by signing up or in; the web app's way in.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "token", {
    type: "http",
    scheme: "bearer",
    description: "An API token (`lanes_…`) made in the app, for programs.",
  });
  app.get("/api/v1/openapi.json", (c) =>
    c.json(
      withSharedResponses(
        app.getOpenAPI31Document({
          openapi: "3.1.0",
          security: [{ session: [] }, { token: [] }],
          info: {
            title: "Lanes API",
            version: "1",
            description:
              "Boards, columns, tasks and their event log. Every change is an event; `If-Match` carries the seq your copy is based on, and a field someone else changed since answers 409 with the current values.",
          },
        }),
      ),
    ),
  );
  // The reference UI's script is served from this origin (see vite.config.ts), not a CDN.
  app.get(
    "/api/docs",
    Scalar({ url: "/api/v1/openapi.json", pageTitle: "Lanes API", cdn: "/vendor/scalar.js", withDefaultFonts: false }),
  );

  const api = new OpenAPIHono<AppEnv>();
  const defaultLimit = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => errorResponse(c, tooLarge()) });
  // Every body is small except an imported board log, which is a whole board's history:
  // the import streams it and counts its bytes itself (a body limit would hold it whole).
  api.use("*", (c, next) =>
    c.req.method === "POST" && c.req.path === `${API_BASE}${IMPORT_PATH}` ? next() : defaultLimit(c, next),
  );
  api.use("*", identify);
  api.route("/", authRoutes);
  api.route("/", tokenRoutes);
  api.route("/", boardRoutes);
  api.route("/", memberRoutes);
  api.route("/", columnRoutes);
  api.route("/", taskRoutes);
  api.route("/", worklogRoutes);
  api.route("/", sprintRoutes);
  api.route("/", logRoutes);
  api.route("/", liveRoutes);
  api.route("/", operationsRoutes);
  api.route("/", searchRoutes);
  api.route("/", reportRoutes);
  api.route("/", transferRoutes);
  api.route("/", webhookRoutes);
  api.route("/", inboxRoutes);
  app.route(API_BASE, api);
  return app;
}

export type App = ReturnType<typeof createApp>;
