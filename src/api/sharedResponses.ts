// What every change can be answered with, whichever route it is: a signed-in
// person's rights (a read-only token, a cross-site form), the body limit and the
// write rate limit are checked before any route's own code runs, so each route
// would otherwise have to repeat them. Added to the API document in one place.

type Operation = { requestBody?: unknown; responses?: Record<string, unknown> };
type Paths = Record<string, Record<string, Operation>>;

const UNSAFE = ["post", "put", "patch", "delete"];

const SHARED = {
  403: "Not allowed: a read-only API token, a cross-site request, or a role that cannot make this change",
  413: "Request body larger than the limit (1 MiB; 64 MiB for an imported board log)",
  429: "Too many changes at once; Retry-After says when to try again",
} as const;

export function withSharedResponses<D extends { paths?: object }>(doc: D): D {
  const paths = (doc.paths ?? {}) as Paths;
  const errorContent = findErrorContent(paths);
  for (const item of Object.values(paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!UNSAFE.includes(method)) continue;
      operation.responses ??= {};
      for (const [status, description] of Object.entries(SHARED)) {
        if (status === "413" && operation.requestBody === undefined) continue;
        operation.responses[status] ??= { description, ...(errorContent ? { content: errorContent } : {}) };
      }
    }
  }
  return doc;
}

/** The error body's content as the document already declares it (for 400 answers). */
function findErrorContent(paths: Paths): unknown {
  for (const item of Object.values(paths)) {
    for (const operation of Object.values(item)) {
      const bad = operation.responses?.["400"] as { content?: unknown } | undefined;
      if (bad?.content) return bad.content;
    }
  }
  return undefined;
}
