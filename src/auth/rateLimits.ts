import { ApiError } from "../api/errors";

// Limits per key over a minute, kept by Cloudflare's rate-limiting binding (which
// also runs locally). A refused request changes nothing and says when to retry.

const WINDOW_SECONDS = 60;

export async function enforceLimit(env: Env, limiter: RateLimit, key: string, what: string): Promise<void> {
  if (env.LANES_RATE_LIMITS === "off") return;
  const { success } = await limiter.limit({ key });
  if (!success) {
    throw new ApiError(429, "rate_limited", `Too many ${what}; wait a minute and try again.`, {
      retryAfterSeconds: WINDOW_SECONDS,
    });
  }
}

/** The caller's address as Cloudflare saw it (locally there is none). */
export function clientAddress(headers: Headers): string {
  return headers.get("cf-connecting-ip") ?? "local";
}
