import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import type { DomainError, FieldConflict } from "../domain/errors";

// Every error that leaves the Worker has one shape: a code a program can branch on,
// a sentence a person can act on, and details where they help. Nothing internal
// (stack traces, SQL, exception text) ever reaches a client; it goes to the log.

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: "wip_limit_reached" }),
      message: z.string().meta({ example: '"In Progress" allows at most 3 task(s) and is full.' }),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: "Error" });

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function errorResponse(c: Context, error: ApiError): Response {
  const retryAfter = (error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
  if (error.status === 429 && retryAfter !== undefined) c.header("Retry-After", String(retryAfter));
  const body = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  };
  return c.json(body, error.status);
}

const STATUS_OF_KIND = { not_found: 404, forbidden: 403, rule: 422, invalid: 400 } as const;

export function fromDomain(error: DomainError): ApiError {
  return new ApiError(STATUS_OF_KIND[error.kind], error.code, error.message, error.details);
}

export function conflictError(conflicts: FieldConflict[]): ApiError {
  const fields = conflicts.map((c) => c.field).join(", ");
  return new ApiError(
    409,
    "conflict",
    `${fields} changed after the version your change was based on; review the current values and send your change again to confirm it.`,
    { conflicts },
  );
}

/**
 * Whether a failed D1 write broke a UNIQUE constraint. drizzle wraps the D1 error
 * (its message is "Failed query: …"), so the constraint is named only in a cause.
 */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e.message.includes("UNIQUE constraint failed")) return true;
  }
  return false;
}

export const notFoundError = (what: string) =>
  new ApiError(404, "not_found", `${what} does not exist, or you do not have access to it.`);

/** Turns a failed zod validation into a 400 listing each problem with its path. */
export function validationError(issues: readonly z.core.$ZodIssue[], where: string): ApiError {
  const problems = issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    const message =
      issue.code === "unrecognized_keys"
        ? `Unknown field(s): ${issue.keys.join(", ")}. Remove them; see /api/docs for the fields this accepts.`
        : issue.message;
    return { path, message };
  });
  const first = problems[0];
  return new ApiError(
    400,
    "invalid_request",
    first ? `Invalid ${where}: ${first.path ? `${first.path}: ` : ""}${first.message}` : `Invalid ${where}.`,
    { problems: problems.map((p) => ({ ...p, path: p.path ? `${where}.${p.path}` : where })) },
  );
}

/** The app's last line: known errors keep their shape, anything else becomes an opaque 500. */
export function handleError(error: unknown, c: Context): Response {
  if (error instanceof ApiError) return errorResponse(c, error);
  if (error instanceof HTTPException) {
    if (error.status === 400) {
      return errorResponse(
        c,
        new ApiError(400, "malformed_json", "The request body is not valid JSON; check quotes, commas and brackets."),
      );
    }
    if (error.status === 413) return errorResponse(c, tooLarge());
    return errorResponse(c, new ApiError(error.status as ContentfulStatusCode, "http_error", error.message));
  }
  console.error("unhandled error", c.req.method, c.req.path, error);
  return errorResponse(
    c,
    new ApiError(500, "internal_error", "Something went wrong on our side; nothing was changed. Try again shortly."),
  );
}

export function tooLarge(): ApiError {
  return new ApiError(413, "payload_too_large", "The request body is larger than 1 MiB; send less at once.");
}
