// The page's first requests, started before the app's code has arrived: who is
// signed in, their boards, and on a board's address (/p/WEB…) that board's snapshot
// and live connection, both named by its key. It also opens the offline queue's
// database, slow to open under load. The build writes this file
// into index.html's head (with its hash in the CSP, which allows no other inline
// script; see vite.config.ts), so all this starts as soon as the page does. The app
// takes each thing once instead of starting it again (boot.ts). It is a plain
// script, not a module: it imports nothing (window.lanesBoot is typed in boot.ts).

(() => {
  const ask = (path: string): Promise<Response> => {
    const answer = fetch(`/api/v1${path}`, { credentials: "same-origin" });
    // Taken later or never (signed out): a failure is the app's to report, not the console's.
    answer.catch(() => {});
    return answer;
  };
  // A board's key as src/domain/commands.ts allows it, read from the address as stores/route.ts does.
  const board = /^\/p\/([A-Za-z][A-Za-z0-9]{1,9})(?:\/|$)/.exec(location.pathname)?.[1]?.toUpperCase();
  let socket = null;
  if (board) {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const live = new WebSocket(`${scheme}//${location.host}/api/v1/boards/${board}/ws`);
    const heard: string[] = [];
    const keep = (event: MessageEvent) => heard.push(String(event.data));
    live.addEventListener("message", keep);
    socket = { key: board, socket: live, heard, release: () => live.removeEventListener("message", keep) };
  }
  // The same database and store as client/src/sync/indexedDbPendingStore.ts, which
  // takes this connection. Refused (storage blocked), the store tries again and says so.
  const queueDatabase = new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open("lanes-sync", 1);
    request.onupgradeneeded = () => request.result.createObjectStore("pending");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  queueDatabase.catch(() => {});
  window.lanesBoot = {
    me: ask("/me"),
    boards: ask("/boards"),
    snapshot: board ? { key: board, answer: ask(`/boards/${board}/snapshot?stamps=false&tasks=columns`) } : null,
    socket,
    queueDatabase,
  };
})();
