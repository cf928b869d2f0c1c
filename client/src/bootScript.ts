// The page's first requests, started before the app's code has arrived: who is
// signed in, their boards, and on a board's address (/p/WEB…) that board's snapshot,
// named by its key. The build writes this file into index.html's head (with its hash
// in the CSP, which allows no other inline script; see vite.config.ts), so the
// requests leave as soon as the page does. The app takes each answer once instead
// of asking again (boot.ts). It is a plain script, not a module: it imports nothing
// (window.lanesBoot is typed in boot.ts).

(() => {
  const ask = (path: string): Promise<Response> => {
    const answer = fetch(`/api/v1${path}`, { credentials: "same-origin" });
    // Taken later or never (signed out): a failure is the app's to report, not the console's.
    answer.catch(() => {});
    return answer;
  };
  const board = /^\/p\/([A-Za-z][A-Za-z0-9]{1,9})(?:\/|$)/.exec(location.pathname)?.[1]?.toUpperCase();
  window.lanesBoot = {
    me: ask("/me"),
    boards: ask("/boards"),
    snapshot: board ? { key: board, answer: ask(`/boards/${board}/snapshot?stamps=false`) } : null,
  };
})();
