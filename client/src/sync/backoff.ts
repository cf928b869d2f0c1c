// How long to wait before reconnecting. Exponential, so a board that is down is not
// hammered; jittered, so a thousand tabs that lost the same board do not all come
// back in the same millisecond. Written here rather than taken from a package
// because the engine's timers must be injectable (tests control time) and the
// schedule itself is two lines.

export interface BackoffOptions {
  /** The delay before the first retry, before jitter. */
  initialMs: number;
  /** No retry waits longer than this. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

/**
 * The wait before retry number `attempt` (0 for the first): the exponential cap
 * `initialMs · 2^attempt` (at most `maxMs`), of which a random half is kept
 * ("equal jitter": never less than half the cap, never more than the cap).
 */
export function reconnectDelay(
  attempt: number,
  random: () => number,
  options: BackoffOptions = DEFAULT_BACKOFF,
): number {
  const cap = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(cap / 2 + (cap / 2) * random());
}
