import type { EarlySocket } from "../boot";
import type { Connection, Transport, TransportListener } from "./transport";

// The sync engine's connection in the browser: one WebSocket per connection, to the
// board's live endpoint on the page's own origin (the session cookie and Origin
// header go with it, which is how the Worker knows who is asking).

/** Keep-alive every 30 s: answered by the runtime without waking the board, and it keeps proxies from closing an idle socket. */
const PING_EVERY_MS = 30_000;

/**
 * `early`: the socket the page's first script opened to this board (boot.ts), used
 * for the first connection if it is still open or opening; what it heard meanwhile is
 * handed on first.
 */
export function browserTransport(
  boardId: string,
  early: EarlySocket | null = null,
  location: Pick<Location, "protocol" | "host"> = window.location,
): Transport {
  return socketTransport(`/api/v1/boards/${encodeURIComponent(boardId)}/ws`, location, early);
}

/** A live connection to any of the API's WebSocket addresses (a board's, the inbox's). */
export function socketTransport(
  path: string,
  location: Pick<Location, "protocol" | "host"> = window.location,
  early: EarlySocket | null = null,
): Transport {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const url = `${scheme}//${location.host}${path}`;
  let waiting = early;
  return {
    connect(listener: TransportListener): Connection {
      const adopted = waiting;
      waiting = null;
      let socket: WebSocket;
      if (adopted && adopted.socket.readyState <= WebSocket.OPEN) {
        socket = adopted.socket;
      } else {
        adopted?.socket.close(1000);
        try {
          socket = new WebSocket(url);
        } catch {
          // Refused outright (a content security policy, say): report it as a failed connection, later, as promised.
          setTimeout(() => listener.closed(), 0);
          return { send: () => {}, close: () => {} };
        }
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
      // An early socket already open is reported open right after connect returns (as
      // promised), with what it heard until then; the first script listens for it till then.
      let ours = !(adopted?.socket === socket && socket.readyState === WebSocket.OPEN);
      socket.addEventListener("message", (event) => {
        // The runtime's answer to the keep-alive is not a protocol message.
        if (ours && typeof event.data === "string" && event.data !== "pong") listener.received(event.data);
      });
      socket.addEventListener("close", (event) => close(event.code));
      if (adopted?.socket === socket) {
        if (ours) adopted.release();
        else
          queueMicrotask(() => {
            adopted.release();
            ours = true;
            if (closed) return;
            ping = setInterval(() => socket.readyState === WebSocket.OPEN && socket.send("ping"), PING_EVERY_MS);
            listener.opened();
            for (const data of adopted.heard) if (data !== "pong" && !closed) listener.received(data);
          });
      }
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
