/**
 * A deep copy of plain data (objects, arrays, strings, numbers, booleans, null), as
 * the board's state is. Several times faster than structuredClone for it, which
 * serializes and reads back: copying a 5,000-task board is on the path of opening
 * it, and a row is copied for every change shown.
 */
export function plainCopy<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = plainCopy(value[i]);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = plainCopy((value as Record<string, unknown>)[key]);
  return out as T;
}
