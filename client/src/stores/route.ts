import { createStore } from "solid-js/store";

// Where the person is, read from and written to the URL, so every screen, open task
// and quick filter can be linked to and survives a reload:
//   /                      projects
//   /p/WEB                 the board (…?mine=1&type=bug&label=seo&q=hero&lanes=assignee&at=120)
//   /p/WEB/WEB-42          the board with that task open
//   /p/WEB/backlog         backlog and sprint planning
//   /p/WEB/settings        the board's settings
//   /p/WEB/reports/cfd     one of the board's reports (…?from=2026-03-01&to=2026-03-31)
//   /time                  my time across every board (…?from&to)

export type Screen = "projects" | "board" | "backlog" | "settings" | "reports" | "time";

export interface Route {
  screen: Screen;
  boardKey: string | null;
  taskKey: string | null;
  /** The report on screen (reports only; null: the board's first report). */
  report: string | null;
  query: Record<string, string>;
}

function parse(): Route {
  const parts = location.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const query = Object.fromEntries(new URLSearchParams(location.search));
  const none = { boardKey: null, taskKey: null, report: null, query };
  if (parts[0] === "time" && parts.length === 1) return { ...none, screen: "time" };
  if (parts[0] !== "p" || !parts[1]) return { ...none, screen: "projects" };
  const boardKey = parts[1].toUpperCase();
  const rest = parts[2];
  const on = { boardKey, taskKey: null, report: null, query };
  if (rest === "backlog") return { ...on, screen: "backlog" };
  if (rest === "settings") return { ...on, screen: "settings" };
  if (rest === "reports") return { ...on, screen: "reports", report: parts[3] ?? null };
  return { ...on, screen: "board", taskKey: rest ? rest.toUpperCase() : null };
}

const [route, setRoute] = createStore<Route>(parse());

export { route };

window.addEventListener("popstate", () => setRoute(parse()));

/** Goes to `path` (with its query); `replace` keeps the back button for real navigation, not filter typing. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  setRoute(parse());
}

/** The current path with some query parameters changed (an empty value removes one). */
export function withQuery(changes: Record<string, string | null>, base = location.pathname): string {
  const params = new URLSearchParams(location.search);
  for (const [name, value] of Object.entries(changes)) {
    if (value === null || value === "") params.delete(name);
    else params.set(name, value);
  }
  const search = params.toString();
  return search ? `${base}?${search}` : base;
}

export function setQuery(changes: Record<string, string | null>, options: { replace?: boolean } = {}): void {
  navigate(withQuery(changes), options);
}

export function boardPath(boardKey: string, rest = ""): string {
  return `/p/${encodeURIComponent(boardKey)}${rest ? `/${rest}` : ""}`;
}
