import { OpenAPIHono } from "@hono/zod-openapi";
import type { ExtractSchema } from "hono/types";
import type { z } from "zod";
import type { AppEnv } from "./context";
import { errorSchema, validationError } from "./errors";

// Small helpers so each route declares its request and responses once: the same
// declaration validates the request and documents it in /api/v1/openapi.json.

/** A router whose invalid requests answer 400 with every problem listed, in the API's error shape. */
export function newRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw validationError(result.error.issues, result.target === "json" ? "body" : result.target);
      }
    },
  });
}

/**
 * The routes a file registers, as the web app's typed client (`hc`) sees them. Routes
 * are registered as statements on one router, each keeping what it returns (the router
 * typed with that one route) in a const; this merges those types into the schema a
 * chain of `.openapi()` calls would have had, without nesting every route in a chain.
 * A route left out of the list still answers and is documented; the web app just
 * cannot call it through the typed client.
 */
export type RoutesOf<Registered> = ExtractSchema<Registered>;

export function jsonBody<T extends z.ZodType>(schema: T) {
  // required: without it, a body sent with another Content-Type would skip validation.
  return { content: { "application/json": { schema } }, required: true };
}

export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { content: { "application/json": { schema } }, description };
}

const ERROR_DESCRIPTIONS = {
  400: "Malformed or invalid request",
  401: "Not signed in",
  403: "Signed in, but not allowed",
  404: "Not found, or not visible to you",
  409: "Conflict: someone changed the same field first (current values in details)",
  413: "Request body larger than 1 MiB",
  422: "Valid request that breaks a rule of the board",
  429: "Too many requests; Retry-After says when to try again",
} as const;

export function errorResponses<S extends keyof typeof ERROR_DESCRIPTIONS>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      { content: { "application/json": { schema: errorSchema } }, description: ERROR_DESCRIPTIONS[s] },
    ]),
  ) as unknown as Record<S, { content: { "application/json": { schema: typeof errorSchema } }; description: string }>;
}
