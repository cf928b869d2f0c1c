import { createRoute } from "@hono/zod-openapi";
import { PROTOCOL_VERSION } from "../domain/protocol";
import { openBoard } from "./boardAccess";
import { checkLiveUpgrade } from "./liveUpgrade";
import { errorResponses, newRouter, type RoutesOf } from "./openapi";
import { boardParams } from "./schemas";

// The board's live connection. The Worker signs the person in and checks they are
// on the board, like every route, then hands the socket to the board's BoardRoom
// with who they are and their role; the board trusts only what the Worker passes.

export const liveRoutes = newRouter();
/** These routes as the web app's typed client sees them (see RoutesOf). */
export type LiveRoutes = RoutesOf<typeof liveRoute>;

const liveRoute = liveRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}/ws",
    tags: ["Live"],
    summary: "Open the board's live connection (WebSocket; protocol in src/domain/protocol.ts)",
    description: `The board may be named by its key (\`WEB\`) instead of its id, as the snapshot may. Send \`{"type":"hello","protocol":${PROTOCOL_VERSION},"since":<your seq>}\` first; the board answers with the events you missed (or a snapshot) and who is here, then every new event and presence change as it happens. Commands are \`{"type":"cmd","opId","baseSeq","command"}\`, answered by \`ack\` or \`reject\`.`,
    request: { params: boardParams },
    responses: {
      101: { description: "Switching to the WebSocket protocol" },
      426: { description: "Not a WebSocket upgrade" },
      ...errorResponses(401, 403, 404),
    },
  }),
  async (c) => {
    checkLiveUpgrade(c);
    const board = await openBoard(c, c.req.valid("param").boardId, "read", { orKey: true });
    const headers = new Headers(c.req.raw.headers);
    headers.set("x-lanes-user-id", c.var.actor.id);
    headers.set("x-lanes-user-name", c.var.actor.name);
    headers.set("x-lanes-role", c.var.actor.scope === "read" ? "viewer" : board.role);
    const upgraded = await board.room.fetch(new Request(c.req.raw, { headers }));
    // A fresh response, so the security headers middleware can still set its headers.
    return new Response(upgraded.body, { status: upgraded.status, webSocket: upgraded.webSocket ?? null });
  },
);
