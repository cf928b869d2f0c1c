import type { Connection, Transport, TransportListener } from "./transport";

// The sync engine's connection in the browser: one WebSocket per connection, to the
// board's live endpoint on the page's own origin (the session cookie and Origin
// header go with it, which is how the Worker knows who is asking).

/** Keep-alive every 30 s: answered by the runtime without waking the board, and it keeps proxies from closing an idle socket. */
const PING_EVERY_MS = 30_000;

export function browserTransport(
  boardId: string,
  location: Pick<Location, "protocol" | "host"> = window.location,
): Transport {
  return socketTransport(`/api/v1/boards/${encodeURIComponent(boardId)}/ws`, location);
}

/** A live connection to any of the API's WebSocket addresses (a board's, the inbox's). */
export function socketTransport(
  path: string,
  location: Pick<Location, "protocol" | "host"> = window.location,
): Transport {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const url = `${scheme}//${location.host}${path}`;
  return {
    connect(listener: TransportListener): Connection {
      let socket: WebSocket;
      try {
        socket = new WebSocket(url);
      } catch {
        // Refused outright (a content security policy, say): report it as a failed connection, later, as promised.
        setTimeout(() => listener.closed(), 0);
        return { send: () => {}, close: () => {} };
      }
      let ping: ReturnType<typeof setInterval> | undefined;
      let closed = false;
      const close = (code?: number) => {
        if (closed) return;
        closed = true;
        clearInterval(ping);
        listener.closed(code);
      };
      socket.addEventListener("open", () => {
        ping = setInterval(() => socket.readyState === WebSocket.OPEN && socket.send("ping"), PING_EVERY_MS);
        listener.opened();
      });
      socket.addEventListener("message", (event) => {
        // The runtime's answer to the keep-alive is not a protocol message.
        if (typeof event.data === "string" && event.data !== "pong") listener.received(event.data);
      });
      socket.addEventListener("close", (event) => close(event.code));
      // An error is always followed by close; reporting it there keeps one path.
      return {
        send: (data) => {
          if (socket.readyState === WebSocket.OPEN) socket.send(data);
        },
        close: () => {
          if (socket.readyState === WebSocket.CONNECTING || socket.readyState === WebSocket.OPEN) socket.close(1000);
          clearInterval(ping);
        },
      };
    },
  };
}
