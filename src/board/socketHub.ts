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
    // A socket this board closed stays listed until its peer answers, which a vanished peer never does.
    sessions: () => ctx.getWebSockets().filter((ws) => ws.readyState === WebSocket.OPEN),
    data: (ws) => ws.deserializeAttachment() as SessionData,
    setData: (ws, data) => ws.serializeAttachment(data),
    send: (ws, message) => deliver(ws, JSON.stringify(message)),
    sendAll: (sockets, message) => {
      const text = JSON.stringify(message);
      for (const ws of sockets) deliver(ws, text);
    },
    close: (ws, code, reason) => {
      try {
        ws.close(code, reason);
      } catch {
        // Already closing.
      }
    },
    lastPing: (ws) => ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? null,
  };
}

function deliver(ws: WebSocket, text: string): void {
  try {
    ws.send(text);
  } catch {
    // The socket is closing; its close handler tidies up.
  }
}
