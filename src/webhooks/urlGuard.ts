// The outbound URL guard: a webhook URL is a request our servers make on an
// owner's behalf, so it must not reach what sits next to them (loopback, private
// networks, cloud metadata at 169.254.169.254). Checked when a subscription is
// saved and again before every delivery, since the setting can change under it.
//
// What this cannot see: the address a name resolves to. fetch() resolves DNS
// inside the platform, after this check, so a public name pointing at a private
// address (or rebinding to one) passes here; Workers' fetch itself does not route
// to private networks, which is the guard behind this one.

export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

export interface GuardOptions {
  /** Development and tests: plain http and loopback or private targets are allowed. */
  allowLocal: boolean;
}

const MAX_URL_LENGTH = 2048;

/** Names that only ever mean "this machine" or "this private network". */
const LOCAL_SUFFIXES = [".localhost", ".local", ".internal", ".home.arpa", ".lan", ".intranet", ".corp"];

export function checkWebhookUrl(raw: string, options: GuardOptions): UrlVerdict {
  if (raw.length > MAX_URL_LENGTH) return refuse(`Use a URL of at most ${MAX_URL_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse("This is not a URL; give the full address, e.g. https://example.com/hooks/lanes.");
  }
  if (url.protocol !== "https:" && !(options.allowLocal && url.protocol === "http:")) {
    return refuse("Webhook URLs must use https.");
  }
  if (url.username || url.password) {
    return refuse("Put no user name or password in the URL; verify deliveries by their signature instead.");
  }
  if (options.allowLocal) return { ok: true, url };
  // The URL parser has already turned 2130706433, 0x7f.1 and friends into dotted quads.
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  if (host.startsWith("[")) {
    const why = privateIpv6(host.slice(1, -1));
    return why ? refuse(`${host} is ${why}; webhooks go to public addresses only.`) : { ok: true, url };
  }
  const v4 = parseIpv4(host);
  if (v4 !== null) {
    const why = privateIpv4(v4);
    return why ? refuse(`${host} is ${why}; webhooks go to public addresses only.`) : { ok: true, url };
  }
  if (host === "localhost" || LOCAL_SUFFIXES.some((suffix) => host.endsWith(suffix))) {
    return refuse(`${host} names a local or private machine; webhooks go to public addresses only.`);
  }
  if (!host.includes(".")) {
    return refuse(`${host} is not a public domain name; use a fully qualified name such as hooks.example.com.`);
  }
  return { ok: true, url };
}

function refuse(reason: string): UrlVerdict {
  return { ok: false, reason };
}

function parseIpv4(host: string): number[] | null {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.map(Number);
}

/** Why an IPv4 address is not a public one, or null when it is. */
function privateIpv4([a = 0, b = 0]: number[]): string | null {
  if (a === 127) return "a loopback address";
  if (a === 0) return "an unspecified address";
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return "a private (RFC 1918) address";
  if (a === 169 && b === 254) return "a link-local address (cloud metadata lives there)";
  if (a === 100 && b >= 64 && b <= 127) return "a carrier-grade NAT address";
  if (a === 198 && (b === 18 || b === 19)) return "a benchmarking network address";
  if (a >= 224) return "a multicast or reserved address";
  return null;
}

/** The eight 16-bit groups of an IPv6 address as the URL parser prints it (already compressed and valid). */
function ipv6Groups(text: string): number[] {
  const [head = "", tail] = text.split("::");
  const parse = (part: string) => (part ? part.split(":").map((g) => Number.parseInt(g, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...Array(8 - left.length - right.length).fill(0), ...right];
}

function privateIpv6(text: string): string | null {
  const g = ipv6Groups(text);
  const [g0 = 0, , , , , g5 = 0, g6 = 0, g7 = 0] = g;
  if (g.every((x) => x === 0)) return "an unspecified address";
  if (g.slice(0, 7).every((x) => x === 0) && g7 === 1) return "a loopback address";
  // ::ffff:a.b.c.d and 64:ff9b::a.b.c.d carry an IPv4 address: judge that one.
  const embedded = [g6 >> 8, g6 & 255, g7 >> 8, g7 & 255];
  if (g.slice(0, 5).every((x) => x === 0) && g5 === 0xffff) return privateIpv4(embedded) ?? null;
  if (g0 === 0x64 && g[1] === 0xff9b) return privateIpv4(embedded) ?? null;
  if ((g0 & 0xfe00) === 0xfc00) return "a unique-local address";
  if ((g0 & 0xffc0) === 0xfe80) return "a link-local address";
  if ((g0 & 0xff00) === 0xff00) return "a multicast address";
  return null;
}
