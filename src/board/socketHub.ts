import type { Hub, SessionData } from "./liveSessions";

/**
 * The live sessions' hub over a Durable Object's hibernating WebSockets: the
 * sockets come from the runtime and each session's data from its attachment, so
 * nothing is lost when the board hibernates or restarts.
 */
export function hibernatingHub(ctx: DurableObjectState): Hub<WebSocket> {
  // Keep-alive pings are answered by the runtime without waking a hibernated board.
  ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  return {
    sessions: () => ctx.getWebSockets(),
    data: (ws) => ws.deserializeAttachment() as SessionData,
    setData: (ws, data) => ws.serializeAttachment(data),
    send: (ws, message) => {
      try {
        ws.send(JSON.stringify(message));
      } catch {
        // The socket is closing; its close handler tidies up.
      }
    },
    close: (ws, code, reason) => ws.close(code, reason),
  };
}
