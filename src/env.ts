import type { BoardRoom } from "./board/BoardRoom";
import type { Inbox } from "./inbox/Inbox";

// The Worker's bindings, as wrangler.toml declares them.
declare global {
  namespace Cloudflare {
    interface Env {
      DB: D1Database;
      BOARD_ROOM: DurableObjectNamespace<BoardRoom>;
      INBOX: DurableObjectNamespace<Inbox>;
      /** "1" only in local development (.dev.vars): demo conveniences, never in a deploy. */
      LANES_DEV: string;
      /** Sign-up and sign-in attempts: per address and per email. */
      AUTH_LIMITER: RateLimit;
      /** Changes through the API: per person. */
      WRITE_LIMITER: RateLimit;
      /** "off" turns rate limits off (the benchmark's own server); anything else keeps them on. */
      LANES_RATE_LIMITS?: string;
      /** "1" lets webhooks go to http and loopback or private addresses: `npm run dev` and the tests only. */
      LANES_ALLOW_LOCAL_WEBHOOKS?: string;
      /** How long a webhook receiver may take to answer, in ms (15000 unless set; the tests shorten it). */
      LANES_WEBHOOK_TIMEOUT_MS?: string;
      /** Events a projection rebuild replays per page (1000 unless set; the tests make it small to see the pages). */
      LANES_REBUILD_PAGE_EVENTS?: string;
      /** Pages a rebuild replays per alarm run at most (10 unless set; a run also ends after 0.5 s). */
      LANES_REBUILD_PAGES_PER_RUN?: string;
      /** Events an import hands the board per page (5000 unless set; the tests make it small to see the pages). */
      LANES_IMPORT_PAGE_EVENTS?: string;
    }
    interface GlobalProps {
      mainModule: typeof import("./index");
      durableNamespaces: "BoardRoom" | "Inbox";
    }
  }
  type Env = Cloudflare.Env;
}
