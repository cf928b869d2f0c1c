import type { Context } from "hono";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";

/**
 * What every live connection (a board's, the inbox's) checks before it is handed
 * on: that it is a WebSocket upgrade, and that it comes from the app's own pages.
 * Browsers send Origin on every WebSocket and a cookie rides along with it, so a
 * foreign page could otherwise open a socket as whoever visits it. Programs send no
 * Origin and sign in with a token.
 */
export function checkLiveUpgrade(c: Context<AppEnv>): void {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "websocket_required", "This address takes a WebSocket connection, not a plain request.");
  }
  const origin = c.req.header("origin");
  if (origin !== undefined && origin !== new URL(c.req.url).origin) {
    throw new ApiError(403, "cross_site_request", "Live connections must come from the Lanes app itself.");
  }
}
