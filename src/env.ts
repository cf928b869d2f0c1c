import type { BoardRoom } from "./board/BoardRoom";

// The Worker's bindings, as wrangler.toml declares them.
declare global {
  namespace Cloudflare {
    interface Env {
      DB: D1Database;
      BOARD_ROOM: DurableObjectNamespace<BoardRoom>;
      /** "1" only in local development (.dev.vars): demo conveniences, never in a deploy. */
      LANES_DEV: string;
    }
    interface GlobalProps {
      mainModule: typeof import("./index");
      durableNamespaces: "BoardRoom";
    }
  }
  type Env = Cloudflare.Env;
}
