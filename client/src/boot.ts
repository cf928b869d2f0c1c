// The answers bootScript.ts asked for while the app's code loaded. Each is
// taken once, by the request it stands in for; after that, or once the session
// check says no one is signed in (the answers were asked for as no one), requests
// go out as usual.

export interface Boot {
  me?: Promise<Response>;
  boards?: Promise<Response>;
  snapshot?: { key: string; answer: Promise<Response> } | null;
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

/** Drops the early answers: someone signed in or out since they were asked for. */
export function forgetEarly(): void {
  delete window.lanesBoot;
}
