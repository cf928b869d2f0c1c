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

/** `n` ranks between `below` and `above`, in order: a selection moved together keeps its order. */
export function ranksBetween(below: string | null, above: string | null, n: number): string[] {
  return generateNKeysBetween(below, above, n);
}

const DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/**
 * The n-th integer rank of fractional-indexing's own format ("a" and one base-62
 * digit, then "b" and two…), increasing with n: the backlog rank of a task created
 * before backlogs had ranks, so such boards list their backlog in creation order.
 */
export function rankForNumber(n: number): string {
  let rest = n;
  for (let digits = 1; digits <= 26; digits++) {
    const size = DIGITS.length ** digits;
    if (rest < size) {
      let text = "";
      for (let i = 0; i < digits; i++) {
        text = DIGITS[rest % DIGITS.length] + text;
        rest = Math.floor(rest / DIGITS.length);
      }
      return String.fromCharCode("a".charCodeAt(0) + digits - 1) + text;
    }
    rest -= size;
  }
  throw new Error(`no rank for ${n}`);
}
