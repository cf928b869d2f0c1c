// The rules a command can break. `kind` says how the transport should answer:
// not_found → 404 (also for things the caller may not see), forbidden → 403,
// rule → 422 (valid input that breaks a rule of the board), invalid → 400.

export type ErrorKind = "not_found" | "forbidden" | "rule" | "invalid";

export interface DomainError {
  code: string;
  kind: ErrorKind;
  message: string;
  details?: Record<string, unknown>;
}

export function notFound(code: string, message: string, details?: Record<string, unknown>): DomainError {
  return { code, kind: "not_found", message, ...(details ? { details } : {}) };
}

export function ruleBroken(code: string, message: string, details?: Record<string, unknown>): DomainError {
  return { code, kind: "rule", message, ...(details ? { details } : {}) };
}

export function forbidden(code: string, message: string): DomainError {
  return { code, kind: "forbidden", message };
}

export function invalid(code: string, message: string, details?: Record<string, unknown>): DomainError {
  return { code, kind: "invalid", message, ...(details ? { details } : {}) };
}

/** One field another person changed after the command's base: what the user re-confirms. */
export interface FieldConflict {
  field: string;
  yours: unknown;
  current: unknown;
  changedBy: string;
  changedAt: string;
  seq: number;
}
