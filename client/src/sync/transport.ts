// The two narrow doors between the sync engine and its platform: a connection to
// the board, and a clock. The browser plugs in a WebSocket and the window's timers;
// tests plug in scripted sockets and a clock they advance by hand.

/** What a connection reports to the engine. Called only after `connect` has returned, as WebSocket events are. */
export interface TransportListener {
  opened(): void;
  received(data: string): void;
  /** The connection is gone (closed by either side, or never opened); `code` is the WebSocket close code when known. */
  closed(code?: number): void;
}

/** One live connection. A connection that closed stays closed: the engine asks for a new one. */
export interface Connection {
  send(data: string): void;
  close(): void;
}

export interface Transport {
  /** Opens a new connection to the board's live endpoint. */
  connect(listener: TransportListener): Connection;
}

export type TimerHandle = unknown;

export interface Clock {
  now(): number;
  setTimeout(run: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => globalThis.setTimeout(run, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};
