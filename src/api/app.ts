import { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import { identify } from "../auth/identify";
import { type AuthRoutes, authRoutes } from "./auth";
import { type BoardRoutes, boardRoutes } from "./boards";
import { type ColumnRoutes, columnRoutes } from "./columns";
import type { AppEnv } from "./context";
import { ApiError, errorResponse, handleError, tooLarge } from "./errors";
import { type InboxRoutes, inboxRoutes } from "./inbox";
import { type LiveRoutes, liveRoutes } from "./live";
import { type LogRoutes, logRoutes } from "./log";
import { type MemberRoutes, memberRoutes } from "./members";
import { type OperationsRoutes, operationsRoutes } from "./operations";
import { type ReportRoutes, reportRoutes } from "./reports";
import { type SearchRoutes, searchRoutes } from "./search";
import { withSharedResponses } from "./sharedResponses";
import { type SprintRoutes, sprintRoutes } from "./sprints";
import { type TaskRoutes, taskRoutes } from "./tasks";
import { type TokenRoutes, tokenRoutes } from "./tokens";
import { IMPORT_PATH, type TransferRoutes, transferRoutes } from "./transfer";
import { type WebhookRoutes, webhookRoutes } from "./webhooks";
import { type WorklogRoutes, worklogRoutes } from "./worklogs";

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

/**
 * The API's routes, mounted below /api/v1, as the web app's typed client sees them:
 * `hc<AppType>("/api/v1")`. Every router is mounted at the API's root, so their paths
 * are the client's as they stand. The list follows the routers mounted above.
 */
export type AppType = OpenAPIHono<
  AppEnv,
  AuthRoutes &
    TokenRoutes &
    BoardRoutes &
    MemberRoutes &
    ColumnRoutes &
    TaskRoutes &
    WorklogRoutes &
    SprintRoutes &
    LogRoutes &
    LiveRoutes &
    OperationsRoutes &
    SearchRoutes &
    ReportRoutes &
    TransferRoutes &
    WebhookRoutes &
    InboxRoutes
>;
