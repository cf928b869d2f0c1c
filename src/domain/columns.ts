import { z } from "zod";

// Rows as columns: each field's values in one array, a row being the values at one
// index. A large board's tasks this way are less than half the bytes (each field's
// name is written once) and quicker to read and check.

/** The schema of columns of rows of `shape`: each field's schema, as an array. */
export function columnsOf<S extends z.ZodRawShape>(shape: S) {
  const columns = {} as { [K in keyof S]: z.ZodArray<S[K]> };
  for (const field of Object.keys(shape) as (keyof S)[]) columns[field] = z.array(shape[field]);
  return z.object(columns);
}

type Columns<S extends z.ZodRawShape> = { [K in keyof S]: z.output<S[K]>[] };

/**
 * Checks columns of rows of `shape` (`optional` fields may have no column), as
 * `columnsOf(shape)` does, answering the columns of `shape`'s fields (others are
 * dropped) or null. Quicker on a large table: a column of a plain field (a string,
 * a number, a boolean, one of an enum, an array of those, or one of those or null,
 * none with further checks) is checked by one loop over its values, where the
 * schema runs once per value; any other field's column goes through its schema.
 */
export function checkColumns<S extends z.ZodRawShape, O extends keyof S = never>(
  shape: S,
  value: unknown,
  optional: readonly O[] = [],
): (Omit<Columns<S>, O> & Partial<Pick<Columns<S>, O>>) | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const given = value as Record<string, unknown>;
  const out: Partial<Columns<S>> = {};
  for (const field of Object.keys(shape) as (keyof S & string)[]) {
    const column = given[field];
    if (column === undefined && (optional as readonly (keyof S)[]).includes(field)) continue;
    if (!Array.isArray(column)) return null;
    const plain = plainTest(shape[field] as z.ZodType);
    if (plain) {
      for (let i = 0; i < column.length; i++) if (!plain(column[i])) return null;
      out[field] = column;
    } else {
      const parsed = z.array(shape[field] as z.ZodType).safeParse(column);
      if (!parsed.success) return null;
      out[field] = parsed.data as Columns<S>[typeof field];
    }
  }
  return out as Omit<Columns<S>, O> & Partial<Pick<Columns<S>, O>>;
}

/** A test for values of a plain schema (see checkColumns), or null when the schema is not plain. */
function plainTest(schema: z.ZodType): ((value: unknown) => boolean) | null {
  const def = schema._zod.def as { type: string; checks?: unknown[] } & Record<string, unknown>;
  if (def.checks && def.checks.length > 0) return null;
  switch (def.type) {
    case "string":
      return (v) => typeof v === "string";
    case "number":
      return (v) => typeof v === "number" && Number.isFinite(v);
    case "boolean":
      return (v) => typeof v === "boolean";
    case "enum": {
      const allowed = new Set(Object.values(def.entries as Record<string, unknown>));
      return (v) => allowed.has(v);
    }
    case "nullable": {
      const inner = plainTest(def.innerType as z.ZodType);
      return inner && ((v) => v === null || inner(v));
    }
    case "array": {
      const element = plainTest(def.element as z.ZodType);
      return element && ((v) => Array.isArray(v) && v.every(element));
    }
    default:
      return null;
  }
}

/** The rows of columns in their order; null when the columns are not all as long. */
export function rowsFromColumns<T extends object>(columns: { [K in keyof T]: T[K][] }): T[] | null {
  const fields = Object.keys(columns) as (keyof T)[];
  const count = fields.length === 0 ? 0 : (columns[fields[0] as keyof T]?.length ?? 0);
  if (fields.some((field) => columns[field]?.length !== count)) return null;
  const rows = new Array<T>(count);
  for (let i = 0; i < count; i++) {
    const row = {} as T;
    for (const field of fields) row[field] = (columns[field] as T[keyof T][])[i] as T[keyof T];
    rows[i] = row;
  }
  return rows;
}

/** `rows` as columns of the given fields. */
export function columnsFromRows<T extends object, F extends keyof T>(
  rows: readonly T[],
  fields: readonly F[],
): { [K in F]: T[K][] } {
  const columns = {} as { [K in F]: T[K][] };
  for (const field of fields) columns[field] = rows.map((row) => row[field]);
  return columns;
}
