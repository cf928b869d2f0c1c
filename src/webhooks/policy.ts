import { EVENT_VERSIONS, type EventType } from "../domain/events";

// When a webhook delivery is tried again, when a subscription gives up, and which
// events a subscription wants. Plain functions of their inputs (the clock comes in
// as a number), so the whole policy is tested without a network.

/**
 * Waits before each retry, as Standard Webhooks recommends: the first attempt is
 * immediate, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h. A
 * delivery that still fails after the last retry disables its subscription.
 */
export const RETRY_SCHEDULE_MS = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  14 * 3_600_000,
  20 * 3_600_000,
  24 * 3_600_000,
] as const;

/** Attempts in all: the first one plus every retry. */
export const MAX_ATTEMPTS = RETRY_SCHEDULE_MS.length + 1;
/** A receiver's Retry-After is honoured up to the longest wait of the schedule. */
const MAX_RETRY_AFTER_MS = 24 * 3_600_000;
export const DELIVERY_TIMEOUT_MS = 15_000;
/** Delivery log entries, and the payloads kept for them, are kept this long. */
export const LOG_RETENTION_MS = 30 * 24 * 3_600_000;

/** What came back from one attempt. `status` is null when no HTTP answer arrived (timeout, refused). */
export interface AttemptResult {
  status: number | null;
  retryAfter: string | null;
}

export type Verdict =
  | { kind: "delivered" }
  | { kind: "retry"; at: number }
  | { kind: "disable"; reason: "gone" | "failing" };

/**
 * The subscription's next step after an attempt. `failures` counts the failed
 * attempts of this event before this one.
 */
export function afterAttempt(result: AttemptResult, failures: number, now: number): Verdict {
  const { status } = result;
  if (status !== null && status >= 200 && status < 300) return { kind: "delivered" };
  // 410 Gone: the receiver says this endpoint no longer exists.
  if (status === 410) return { kind: "disable", reason: "gone" };
  const wait = RETRY_SCHEDULE_MS[failures];
  if (wait === undefined) return { kind: "disable", reason: "failing" };
  const asked = status === 429 || status === 503 ? retryAfterMs(result.retryAfter, now) : null;
  return { kind: "retry", at: now + (asked ?? wait) };
}

/** Retry-After as delay-seconds or an HTTP date, clamped to [1 s, 24 h]; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (header === null) return null;
  const text = header.trim();
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return null;
    ms = at - now;
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(1_000, ms));
}

/** Every type a subscription can ask for; `*` is all of them, `task.*` all of one kind. */
export const WEBHOOK_EVENT_TYPES = Object.keys(EVENT_VERSIONS) as EventType[];
/** Sent by "send test event" only; never part of the board's log. */
export const PING_EVENT = "webhook.ping";

/** Whether a filter entry is something a subscription may ask for. */
export function isKnownFilter(entry: string): boolean {
  if (entry === "*") return true;
  if (entry.endsWith(".*")) return WEBHOOK_EVENT_TYPES.some((t) => t.startsWith(entry.slice(0, -1)));
  return (WEBHOOK_EVENT_TYPES as string[]).includes(entry);
}

export function wantsEvent(filter: readonly string[], type: string): boolean {
  return filter.some(
    (entry) => entry === "*" || entry === type || (entry.endsWith(".*") && type.startsWith(entry.slice(0, -1))),
  );
}
