import { generateKeyBetween, generateNKeysBetween } from "fractional-indexing";

// Ranks are fractional indexes: strings that sort lexicographically, so placing a
// task between two others writes one row and never renumbers a column.

export type Placement =
  | { kind: "top" }
  | { kind: "bottom" }
  | { kind: "before"; rank: string; previous: string | null }
  | { kind: "after"; rank: string; next: string | null };

/** A rank that sorts between `below` and `above` (either may be open). */
export function rankBetween(below: string | null, above: string | null): string {
  return generateKeyBetween(below, above);
}

/**
 * The rank for a placement in an ordered list of ranks (the moving item already
 * left out of `ordered`).
 */
export function rankFor(ordered: readonly string[], placement: Placement): string {
  switch (placement.kind) {
    case "top":
      return rankBetween(null, ordered[0] ?? null);
    case "bottom":
      return rankBetween(ordered.at(-1) ?? null, null);
    case "before":
      return rankBetween(placement.previous, placement.rank);
    case "after":
      return rankBetween(placement.rank, placement.next);
  }
}

/** `n` ranks after `last`, in order: used when a column's tasks move to the bottom of another. */
export function ranksAfter(last: string | null, n: number): string[] {
  return generateNKeysBetween(last, null, n);
}
