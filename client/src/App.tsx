import {
  createEffect,
  createMemo,
  createSignal,
  For,
  lazy,
  Match,
  on,
  onCleanup,
  onMount,
  Show,
  Suspense,
  Switch,
} from "solid-js";
import { Backlog } from "./components/Backlog";
import { BoardScreen } from "./components/BoardScreen";
import { ConflictDialog } from "./components/ConflictDialog";
import { Avatar, Loading, Modal } from "./components/common";
import { Bell } from "./components/Inbox";
import { Projects } from "./components/Projects";
import { Settings } from "./components/Settings";
import { SignIn } from "./components/SignIn";
import { boardsStore, closeBoard, loadBoards, openBoardByKey } from "./stores/boards";
import { startInbox, stopInbox } from "./stores/inbox";

// The reports and their charting library load when first opened: the board, what
// most people open first, does not wait for them.
const Reports = lazy(() => import("./components/Reports").then((m) => ({ default: m.Reports })));
const MyTime = lazy(() => import("./components/Timesheet").then((m) => ({ default: m.MyTime })));

import { boardPath, navigate, route, withQuery } from "./stores/route";
import { checkSession, sessionStore, signOut } from "./stores/session";
import { dismissToast, toastStore } from "./stores/toasts";

export function App() {
  onMount(() => void checkSession());
  return (
    <Show when={sessionStore.checked} fallback={<Loading what="Lanes" />}>
      <Show when={sessionStore.user} fallback={<SignIn />}>
        <Workspace />
      </Show>
    </Show>
  );
}

/** When the inbox starts even if the board is not live yet (offline, say). */
const INBOX_START_AT_LATEST_MS = 1500;

export const SHORTCUTS: [string, string][] = [
  ["c", "Create a task"],
  ["/", "Search the board"],
  ["?", "Show these shortcuts"],
  ["j / ↓, k / ↑", "Next / previous card"],
  ["← / →", "Card in the column to the left / right"],
  ["Enter", "Open the focused card"],
  ["Space", "Pick up the focused card; arrows move it; Space drops; Escape cancels"],
  ["Escape", "Close the task or dialog"],
];

function Workspace() {
  const [announcement, setAnnouncement] = createSignal("");
  const [help, setHelp] = createSignal(false);
  const [creating, setCreating] = createSignal(false);
  const announce = (text: string) => {
    // Cleared first so the same words twice are still read out.
    setAnnouncement("");
    requestAnimationFrame(() => setAnnouncement(text));
  };

  void loadBoards();
  // The inbox stays live whatever board is shown, for as long as someone is signed in.
  // It starts once the board in the address is live (or failed, or there is none), or
  // after a moment: its request and socket do not compete with the board's first load.
  const startLater = setTimeout(() => void startInbox(), INBOX_START_AT_LATEST_MS);
  createEffect(() => {
    if (!route.boardKey || boardsStore.live.status === "online" || boardsStore.error) void startInbox();
  });
  onCleanup(() => {
    clearTimeout(startLater);
    stopInbox();
  });
  createEffect(
    on(
      () => route.boardKey,
      (key) => {
        if (key) void openBoardByKey(key);
        else closeBoard();
      },
    ),
  );

  const onKey = (e: KeyboardEvent) => {
    const target = e.target as HTMLElement;
    if (e.key === "Escape" && route.taskKey && !document.querySelector("dialog[open]") && !e.defaultPrevented) {
      // Closes the open task wherever focus is, and gives focus back to its card.
      const key = route.taskKey;
      e.preventDefault();
      navigate(withQuery({}, boardPath(route.boardKey ?? "")));
      requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-key="${key}"]`)?.focus());
      return;
    }
    const typing =
      target instanceof HTMLInputElement ||
      target instanceof HTMLTextAreaElement ||
      target instanceof HTMLSelectElement ||
      target.isContentEditable;
    if (typing || e.ctrlKey || e.metaKey || e.altKey || document.querySelector("dialog[open]")) return;
    if (e.key === "?") {
      e.preventDefault();
      setHelp(true);
    } else if (e.key === "/" && route.screen === "board") {
      e.preventDefault();
      document.getElementById("search")?.focus();
    } else if (e.key === "c" && route.screen === "board" && boardsStore.live.role !== "viewer" && !route.query.at) {
      e.preventDefault();
      setCreating(true);
    } else if ((e.key === "j" || e.key === "k") && !target.closest("[data-key]")) {
      const first = document.querySelector<HTMLElement>("[data-cell] [data-key]");
      if (first) {
        e.preventDefault();
        first.focus();
      }
    }
  };
  document.addEventListener("keydown", onKey);
  onCleanup(() => document.removeEventListener("keydown", onKey));

  const boardKey = () => route.boardKey;
  const summary = createMemo(() => boardsStore.boards.find((b) => b.key === boardKey()));
  const others = createMemo(() => {
    const seen = new Set<string>();
    return boardsStore.live.presence.filter((p) => {
      if (p.userId === sessionStore.user?.id || seen.has(p.userId)) return false;
      seen.add(p.userId);
      return true;
    });
  });
  const link = (path: string, label: string, current: boolean) => (
    <a
      href={path}
      aria-current={current ? "page" : undefined}
      onClick={(e) => {
        e.preventDefault();
        navigate(path);
      }}
    >
      {label}
    </a>
  );

  // The open task sits below the header, never over it (the bell, the sign-out stay
  // reachable): the header's height, which wraps to several rows on a phone, is known to CSS.
  let app!: HTMLDivElement;
  let header!: HTMLElement;
  onMount(() => {
    const observer = new ResizeObserver(() => app.style.setProperty("--top-height", `${header.offsetHeight}px`));
    observer.observe(header);
    onCleanup(() => observer.disconnect());
  });

  return (
    <div class="app" ref={app}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top" ref={header}>
        <a
          class="logo"
          href="/"
          onClick={(e) => {
            e.preventDefault();
            navigate("/");
          }}
        >
          Lanes
        </a>
        <Show when={summary()}>
          {(b) => (
            <nav aria-label="Board">
              <span class="board-name">
                <span class="key">{b().key}</span> {b().name}
              </span>
              {link(boardPath(b().key), "Board", route.screen === "board")}
              <Show when={b().mode === "scrum"}>
                {link(boardPath(b().key, "backlog"), "Backlog", route.screen === "backlog")}
              </Show>
              {link(boardPath(b().key, "reports"), "Reports", route.screen === "reports")}
              {link(boardPath(b().key, "settings"), "Settings", route.screen === "settings")}
            </nav>
          )}
        </Show>
        <span class="spacer" />
        <Show when={route.boardKey && boardsStore.board}>
          <section class="presence" aria-label="Also on this board">
            <For each={others()}>{(p) => <Avatar userId={p.userId} name={p.name} />}</For>
          </section>
          <SyncIndicator />
        </Show>
        {link("/time", "My time", route.screen === "time")}
        <Bell />
        <button type="button" class="icon" aria-label="Keyboard shortcuts" onClick={() => setHelp(true)}>
          ?
        </button>
        <span class="who">{sessionStore.user?.name}</span>
        <button type="button" onClick={() => void signOut().then(() => navigate("/"))}>
          Sign out
        </button>
      </header>
      <div id="main" class="main" tabindex="-1">
        <Show when={boardsStore.error && route.boardKey}>
          <p role="alert" class="error">
            {boardsStore.error} {link("/", "Go to your projects", false)}
          </p>
        </Show>
        <Switch>
          <Match when={route.screen === "projects"}>
            <Projects />
          </Match>
          <Match when={route.screen === "board" && !boardsStore.error}>
            <BoardScreen announce={announce} creating={creating()} setCreating={setCreating} />
          </Match>
          <Match when={route.screen === "backlog" && !boardsStore.error}>
            <Backlog announce={announce} />
          </Match>
          <Match when={route.screen === "settings" && !boardsStore.error}>
            <Settings announce={announce} />
          </Match>
          <Match when={route.screen === "reports" && !boardsStore.error}>
            <Suspense fallback={<Loading what="the reports" />}>
              <Reports />
            </Suspense>
          </Match>
          <Match when={route.screen === "time"}>
            <Suspense fallback={<Loading what="your time" />}>
              <MyTime />
            </Suspense>
          </Match>
        </Switch>
      </div>
      <div class="sr-only" aria-live="assertive" aria-atomic="true" data-testid="announcer">
        {announcement()}
      </div>
      <div class="toasts" aria-live="polite">
        <For each={toastStore.toasts}>
          {(t) => (
            <div class={`toast ${t.tone}`} role="alert">
              <span>{t.message}</span>
              <button type="button" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
                ✕
              </button>
            </div>
          )}
        </For>
      </div>
      <ConflictDialog />
      <Show when={help()}>
        <Modal title="Keyboard shortcuts" onClose={() => setHelp(false)}>
          <table class="shortcuts">
            <tbody>
              <For each={SHORTCUTS}>
                {([keys, what]) => (
                  <tr>
                    <th scope="row">
                      <kbd>{keys}</kbd>
                    </th>
                    <td>{what}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
          <div class="actions">
            <button type="button" class="primary" onClick={() => setHelp(false)}>
              Close
            </button>
          </div>
        </Modal>
      </Show>
    </div>
  );
}

function SyncIndicator() {
  const live = () => boardsStore.live;
  const text = () => {
    const { status, pending } = live();
    const waiting = pending === 1 ? "1 change waiting" : `${pending} changes waiting`;
    if (status === "offline" || status === "connecting" || status === "idle")
      return pending > 0 ? `Offline · ${waiting}` : "Offline";
    if (status === "syncing") return pending > 0 ? `Reconnecting · ${waiting}` : "Reconnecting…";
    if (status === "outdated" || status === "closed" || status === "stopped") return "Not live: reload the page";
    return pending > 0 ? `Saving ${pending}…` : "Live";
  };
  return (
    <span
      class="sync"
      classList={{ offline: live().status !== "online" }}
      role="status"
      data-status={live().status}
      data-pending={live().pending}
    >
      <span class="dot" aria-hidden="true" /> {text()}
    </span>
  );
}
