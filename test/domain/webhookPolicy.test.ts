import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { messageId } from "../../src/webhooks/payload";
import {
  afterAttempt,
  isKnownFilter,
  MAX_ATTEMPTS,
  RETRY_SCHEDULE_MS,
  retryAfterMs,
  wantsEvent,
} from "../../src/webhooks/policy";
import { newSecret, signDelivery } from "../../src/webhooks/signing";
import { checkWebhookUrl } from "../../src/webhooks/urlGuard";

// The webhook delivery policy without a network: the retry schedule, which events
// a subscription wants, the outbound URL guard, and signatures checked by the
// reference Standard Webhooks library.

const NOW = Date.parse("2026-11-20T12:00:00Z");
const failed = (status: number | null, retryAfter: string | null = null) => ({ status, retryAfter });

describe("the retry schedule", () => {
  it("waits 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h, then gives up", () => {
    const waits = [];
    for (let failures = 0; ; failures++) {
      const verdict = afterAttempt(failed(500), failures, NOW);
      if (verdict.kind !== "retry") {
        expect(verdict).toEqual({ kind: "disable", reason: "failing" });
        break;
      }
      waits.push((verdict.at - NOW) / 1000);
    }
    expect(waits).toEqual([5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]);
    expect(MAX_ATTEMPTS).toBe(10);
    expect(RETRY_SCHEDULE_MS).toHaveLength(9);
  });

  it("treats any 2xx as delivered, and 3xx, 4xx, 5xx and no answer as failures", () => {
    for (const status of [200, 201, 204, 299])
      expect(afterAttempt(failed(status), 3, NOW)).toEqual({ kind: "delivered" });
    for (const status of [301, 302, 400, 401, 404, 500, 502, null]) {
      expect(afterAttempt(failed(status), 0, NOW)).toEqual({ kind: "retry", at: NOW + 5_000 });
    }
  });

  it("disables at once on 410 Gone, whatever the count", () => {
    expect(afterAttempt(failed(410), 0, NOW)).toEqual({ kind: "disable", reason: "gone" });
  });

  it("honours Retry-After on 429 and 503, in seconds or as a date, within 1 s to 24 h", () => {
    expect(afterAttempt(failed(429, "120"), 0, NOW)).toEqual({ kind: "retry", at: NOW + 120_000 });
    expect(afterAttempt(failed(503, "Fri, 20 Nov 2026 13:00:00 GMT"), 4, NOW)).toEqual({
      kind: "retry",
      at: NOW + 3_600_000,
    });
    expect(retryAfterMs("0", NOW)).toBe(1_000);
    expect(retryAfterMs("999999999", NOW)).toBe(24 * 3_600_000);
    expect(retryAfterMs("soon", NOW)).toBeNull();
    // Unreadable, or on another status: the schedule decides.
    expect(afterAttempt(failed(429, "soon"), 1, NOW)).toEqual({ kind: "retry", at: NOW + 300_000 });
    expect(afterAttempt(failed(500, "120"), 1, NOW)).toEqual({ kind: "retry", at: NOW + 300_000 });
    // Retry-After does not buy extra attempts.
    expect(afterAttempt(failed(429, "5"), 9, NOW)).toEqual({ kind: "disable", reason: "failing" });
  });
});

describe("event filters", () => {
  it("matches all, a kind, or exact types", () => {
    expect(wantsEvent(["*"], "task.moved")).toBe(true);
    expect(wantsEvent(["task.*"], "task.moved")).toBe(true);
    expect(wantsEvent(["task.*"], "comment.added")).toBe(false);
    expect(wantsEvent(["task.moved", "comment.added"], "comment.added")).toBe(true);
    expect(wantsEvent(["task.moved"], "task.movedx")).toBe(false);
  });

  it("knows which entries name something", () => {
    for (const ok of ["*", "task.*", "sprint.*", "task.created", "comment.added", "worklog.added", "sprint.started"])
      expect(isKnownFilter(ok), ok).toBe(true);
    for (const bad of ["", "task", "tasks.*", "task.exploded", "*.*", "webhook.ping"])
      expect(isKnownFilter(bad), bad).toBe(false);
  });
});

describe("the outbound URL guard", () => {
  const deployed = { allowLocal: false };
  const accepted = [
    "https://hooks.example.com/lanes",
    "https://example.com:8443/a?b=c",
    "https://8.8.8.8/hook",
    "https://[2606:4700:4700::1111]/hook",
    "https://xn--bcher-kva.example/hook",
  ];
  const refused: [string, RegExp][] = [
    ["http://hooks.example.com/lanes", /https/],
    ["ftp://example.com/", /https/],
    ["not a url", /not a URL/],
    ["https://user:pw@example.com/", /password/],
    ["https://localhost/hook", /local/],
    ["https://LOCALHOST./hook", /local/],
    ["https://api.localhost/hook", /local/],
    ["https://printer.local/hook", /local/],
    ["https://metadata.google.internal/computeMetadata", /local/],
    ["https://intranet/hook", /fully qualified/],
    ["https://127.0.0.1/hook", /loopback/],
    ["https://127.1.2.3/hook", /loopback/],
    ["https://2130706433/hook", /loopback/],
    ["https://0x7f.0.0.1/hook", /loopback/],
    ["https://0.0.0.0/hook", /unspecified/],
    ["https://10.1.2.3/hook", /RFC 1918/],
    ["https://172.16.0.1/hook", /RFC 1918/],
    ["https://172.31.255.255/hook", /RFC 1918/],
    ["https://192.168.1.10/hook", /RFC 1918/],
    ["https://169.254.169.254/latest/meta-data", /link-local/],
    ["https://100.64.0.1/hook", /carrier-grade NAT/],
    ["https://100.127.255.254/hook", /carrier-grade NAT/],
    ["https://224.0.0.1/hook", /multicast/],
    ["https://[::1]/hook", /loopback/],
    ["https://[::]/hook", /unspecified/],
    ["https://[fc00::1]/hook", /unique-local/],
    ["https://[fd12:3456::1]/hook", /unique-local/],
    ["https://[fe80::1]/hook", /link-local/],
    ["https://[::ffff:127.0.0.1]/hook", /loopback/],
    ["https://[::ffff:10.0.0.1]/hook", /RFC 1918/],
    ["https://[64:ff9b::a9fe:a9fe]/hook", /link-local/],
    [`https://example.com/${"a".repeat(2100)}`, /at most 2048/],
  ];

  it.each(accepted)("accepts %s", (url) => {
    expect(checkWebhookUrl(url, deployed)).toMatchObject({ ok: true });
  });

  it.each(refused)("refuses %s", (url, why) => {
    const verdict = checkWebhookUrl(url, deployed);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toMatch(why);
  });

  it("allows http and loopback targets only under the development setting", () => {
    const dev = { allowLocal: true };
    expect(checkWebhookUrl("http://127.0.0.1:8791/hooks/a", dev)).toMatchObject({ ok: true });
    expect(checkWebhookUrl("http://localhost:3000/", dev)).toMatchObject({ ok: true });
    expect(checkWebhookUrl("http://127.0.0.1:8791/hooks/a", deployed)).toMatchObject({ ok: false });
    // Still a URL, still no credentials, still http(s).
    expect(checkWebhookUrl("file:///etc/passwd", dev)).toMatchObject({ ok: false });
    expect(checkWebhookUrl("http://a:b@localhost/", dev)).toMatchObject({ ok: false });
  });
});

describe("signatures", () => {
  const random = (b: Uint8Array) => {
    for (let i = 0; i < b.length; i++) b[i] = (i * 37 + 11) & 255;
    return b;
  };

  it("makes whsec_ secrets of 32 random bytes", () => {
    const secret = newSecret(random);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(atob(secret.slice(6))).toHaveLength(32);
  });

  it("signs so the Standard Webhooks library verifies it, with each secret while two are valid", () => {
    const current = newSecret(random);
    const previous = newSecret((b) => b.fill(7));
    const body = JSON.stringify({ type: "task.moved", timestamp: "2026-11-20T12:00:00.000Z", data: {} });
    const headers = signDelivery([current, previous], "msg_1_42", new Date(), body);
    expect(headers["webhook-id"]).toBe("msg_1_42");
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    expect(new Webhook(current).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(new Webhook(previous).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(() => new Webhook(newSecret((b) => b.fill(9))).verify(body, { ...headers })).toThrow(/signature/i);
    expect(() => new Webhook(current).verify(`${body} `, { ...headers })).toThrow(/signature/i);
  });

  it("gives an event the same webhook-id for a subscription on every attempt, another for another subscription", () => {
    expect(messageId("whk_abc", 42)).toBe(messageId("whk_abc", 42));
    expect(messageId("whk_abc", 42)).not.toBe(messageId("whk_abd", 42));
    expect(messageId("whk_abc", 42)).not.toBe(messageId("whk_abc", 43));
  });
});
