// What bootScript.ts started while the app's code loaded: the first requests, and on
// a board's address the board's live connection. Each is taken once, by what it
// stands in for; after that, or once the session check says no one is signed in (it
// was all asked for as no one), everything goes out as usual.

/** A board's socket opened by the page's first script, with what it heard before the app took it. */
export interface EarlySocket {
  key: string;
  socket: WebSocket;
  heard: string[];
  /** Stops the first script keeping what the socket hears: the taker listens from now on. */
  release(): void;
}

export interface Boot {
  me?: Promise<Response>;
  boards?: Promise<Response>;
  snapshot?: { key: string; answer: Promise<Response> } | null;
  socket?: EarlySocket | null;
  queueDatabase?: Promise<IDBDatabase>;
}

declare global {
  interface Window {
    lanesBoot?: Boot;
  }
}

/** What the first script left under `name`, taken: nobody finds it again. */
function take<K extends keyof Boot>(name: K): NonNullable<Boot[K]> | null {
  const boot = window.lanesBoot;
  const value = boot?.[name] ?? null;
  if (boot) delete boot[name];
  return value;
}

/** The early answer for `/me` or `/boards`, once. */
export function early(name: "me" | "boards"): Promise<Response> | null {
  return take(name);
}

/** The early snapshot, once, when it is of the board asked for. */
export function earlySnapshot(boardIdOrKey: string): Promise<Response> | null {
  if (window.lanesBoot?.snapshot?.key !== boardIdOrKey) return null;
  return take("snapshot")?.answer ?? null;
}

/** The early socket when it is to the board with this key, once; one to another board is closed. */
export function earlySocket(key: string): EarlySocket | null {
  if (window.lanesBoot?.socket?.key === key) return take("socket");
  dropEarlySocket();
  return null;
}

/** Closes the early socket if nothing took it. */
export function dropEarlySocket(): void {
  take("socket")?.socket.close(1000);
}

/** The offline queue's database as the first script opened it, once. */
export function earlyQueueDatabase(): Promise<IDBDatabase> | null {
  return take("queueDatabase");
}

/** Drops what the first script started: someone signed in or out since. */
export function forgetEarly(): void {
  dropEarlySocket();
  delete window.lanesBoot;
}
