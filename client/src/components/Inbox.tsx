import { createSignal, For, onCleanup, Show } from "solid-js";
import { NOTIFICATION_KINDS, type NotificationKind } from "../../../src/domain/notifications";
import { when } from "../format";
import { boardsStore } from "../stores/boards";
import {
  inboxStore,
  loadMore,
  loadPreferences,
  markAllRead,
  notificationPath,
  openNotification,
  setMuted,
} from "../stores/inbox";

// The bell in the header: the unread count, and a panel with the list (unread
// first), "mark all read" and which kinds of notification to mute.

const KIND_LABELS: Record<NotificationKind, string> = {
  assigned: "Assigned to me",
  mentioned: "Mentions of me",
  commented: "Comments on my tasks",
  moved: "Moves of my tasks",
  sprint_changed: "My tasks changing sprint",
  sprint_started: "Sprints starting",
  sprint_completed: "Sprints completing",
  webhook_disabled: "My webhooks being disabled",
};

const boardKeyOf = (boardId: string) => boardsStore.boards.find((b) => b.id === boardId)?.key;

export function Bell() {
  const [open, setOpen] = createSignal(false);
  const [preferences, setPreferences] = createSignal(false);
  let root!: HTMLDivElement;
  let button!: HTMLButtonElement;
  const close = (focusBell: boolean) => {
    setOpen(false);
    setPreferences(false);
    if (focusBell) button.focus();
  };
  const onDocumentClick = (e: MouseEvent) => {
    if (open() && !root.contains(e.target as Node)) close(false);
  };
  document.addEventListener("click", onDocumentClick);
  onCleanup(() => document.removeEventListener("click", onDocumentClick));

  // Escape closes the panel first (focus on the bell or in the panel), not the task beneath.
  const onEscape = (e: KeyboardEvent) => {
    if (e.key === "Escape" && open()) {
      e.preventDefault();
      close(true);
    }
  };

  const label = () => (inboxStore.unread === 0 ? "Notifications" : `Notifications, ${inboxStore.unread} unread`);

  return (
    <div class="bell" ref={root}>
      <button
        ref={button}
        type="button"
        class="icon bell-button"
        aria-label={label()}
        aria-expanded={open()}
        aria-controls="inbox-panel"
        data-unread={inboxStore.unread}
        onClick={() => setOpen(!open())}
        onKeyDown={onEscape}
      >
        <svg class="bell-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
          <path
            fill="currentColor"
            d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z"
          />
        </svg>
        <Show when={inboxStore.unread > 0}>
          <span class="badge" aria-hidden="true">
            {inboxStore.unread > 99 ? "99+" : inboxStore.unread}
          </span>
        </Show>
      </button>
      <Show when={open()}>
        <section id="inbox-panel" class="inbox-panel" aria-label="Notifications" onKeyDown={onEscape}>
          <div class="inbox-head">
            <h2>Notifications</h2>
            <button type="button" disabled={inboxStore.unread === 0} onClick={() => void markAllRead()}>
              Mark all read
            </button>
            <button
              type="button"
              aria-expanded={preferences()}
              onClick={() => {
                if (!preferences()) void loadPreferences();
                setPreferences(!preferences());
              }}
            >
              Preferences
            </button>
          </div>
          <Show when={preferences()}>
            <fieldset class="inbox-preferences">
              <legend>Tell me about</legend>
              <For each={NOTIFICATION_KINDS}>
                {(kind) => (
                  <label class="inline">
                    <input
                      type="checkbox"
                      checked={!inboxStore.muted.includes(kind)}
                      onChange={(e) => void setMuted(kind, !e.currentTarget.checked)}
                    />
                    {KIND_LABELS[kind]}
                  </label>
                )}
              </For>
            </fieldset>
          </Show>
          <Show
            when={inboxStore.notifications.length > 0}
            fallback={<p class="muted">{inboxStore.loaded ? "Nothing yet." : "Loading…"}</p>}
          >
            <ul class="inbox-list">
              <For each={inboxStore.notifications}>
                {(n) => (
                  <li classList={{ unread: n.readAt === null }}>
                    <a
                      href={notificationPath(n, boardKeyOf)}
                      onClick={(e) => {
                        e.preventDefault();
                        openNotification(n, boardKeyOf);
                        close(false);
                      }}
                    >
                      <Show when={n.readAt === null}>
                        <span class="sr-only">Unread: </span>
                      </Show>
                      <span class="inbox-text">{n.text}</span>
                      <span class="inbox-meta">
                        {n.boardName} · {when(n.at)}
                      </span>
                    </a>
                  </li>
                )}
              </For>
            </ul>
            <Show when={inboxStore.nextCursor}>
              <button type="button" onClick={() => void loadMore()}>
                Show older
              </button>
            </Show>
          </Show>
        </section>
      </Show>
    </div>
  );
}
