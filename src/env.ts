import type { BoardRoom } from "./board/BoardRoom";

// The Worker's bindings, as wrangler.toml declares them.
declare global {
  namespace Cloudflare {
    interface Env {
      DB: D1Database;
      BOARD_ROOM: DurableObjectNamespace<BoardRoom>;
      /** "1" only in local development (.dev.vars): demo conveniences, never in a deploy. */
      LANES_DEV: string;
      /** Sign-up and sign-in attempts: per address and per email. */
      AUTH_LIMITER: RateLimit;
      /** Changes through the API: per person. */
      WRITE_LIMITER: RateLimit;
      /** "off" turns rate limits off (the benchmark's own server); anything else keeps them on. */
      LANES_RATE_LIMITS?: string;
    }
    interface GlobalProps {
      mainModule: typeof import("./index");
      durableNamespaces: "BoardRoom";
    }
  }
  type Env = Cloudflare.Env;
}
