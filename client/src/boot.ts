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

/** The early answer for `/me` or `/boards`, once. */
export function early(name: "me" | "boards"): Promise<Response> | null {
  const boot = window.lanesBoot;
  const answer = boot?.[name] ?? null;
  if (boot) delete boot[name];
  return answer;
}

/** The early snapshot, once, when it is of the board asked for. */
export function earlySnapshot(boardIdOrKey: string): Promise<Response> | null {
  const snapshot = window.lanesBoot?.snapshot;
  if (!snapshot || snapshot.key !== boardIdOrKey) return null;
  delete window.lanesBoot?.snapshot;
  return snapshot.answer;
}

/** The early socket when it is to the board with this key, once; one to another board is closed. */
export function earlySocket(key: string): EarlySocket | null {
  const early = window.lanesBoot?.socket ?? null;
  if (early?.key === key) {
    delete window.lanesBoot?.socket;
    return early;
  }
  dropEarlySocket();
  return null;
}

/** Closes the early socket if nothing took it. */
export function dropEarlySocket(): void {
  window.lanesBoot?.socket?.socket.close(1000);
  delete window.lanesBoot?.socket;
}

/** The offline queue's database as the first script opened it, once. */
export function earlyQueueDatabase(): Promise<IDBDatabase> | null {
  const database = window.lanesBoot?.queueDatabase ?? null;
  delete window.lanesBoot?.queueDatabase;
  return database;
}

/** Drops what the first script started: someone signed in or out since. */
export function forgetEarly(): void {
  dropEarlySocket();
  delete window.lanesBoot;
}
