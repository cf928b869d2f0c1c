import { createStore, produce } from "solid-js/store";
import {
  INBOX_PROTOCOL_VERSION,
  type InboxNotification,
  type InboxServerMessage,
  type NotificationKind,
} from "../../../src/domain/notifications";
import { api } from "../api";
import { reconnectDelay } from "../sync/backoff";
import { socketTransport } from "../sync/browserTransport";
import type { Connection } from "../sync/transport";
import { boardPath, navigate } from "./route";
import { toast } from "./toasts";

// The signed-in person's notifications, from every board. One live connection to
// their inbox stays open whatever screen is shown: each new notification and every
// change of the unread count (read in another tab, say) arrives on it. A dropped
// connection comes back with backoff and asks for what it missed (`since`), as the
// board's sync engine does.

interface InboxState {
  /** Unread first, newest first within each: the order the list shows. */
  notifications: InboxNotification[];
  unread: number;
  nextCursor: string | null;
  muted: NotificationKind[];
  loaded: boolean;
  live: boolean;
}

const [state, setState] = createStore<InboxState>({
  notifications: [],
  unread: 0,
  nextCursor: null,
  muted: [],
  loaded: false,
  live: false,
});

export const inboxStore = state;

let connection: Connection | null = null;
let retry: ReturnType<typeof setTimeout> | undefined;
let attempt = 0;
let running = false;

const byUnreadThenNewest = (a: InboxNotification, b: InboxNotification) =>
  Number(a.readAt !== null) - Number(b.readAt !== null) || b.id - a.id;

/** Adds or replaces notifications by id, keeping the list's order. */
function merge(incoming: InboxNotification[]): void {
  setState("notifications", (list) => {
    const byId = new Map(list.map((n) => [n.id, n]));
    for (const n of incoming) byId.set(n.id, n);
    return [...byId.values()].sort(byUnreadThenNewest);
  });
}

const newestId = () => state.notifications.reduce((max, n) => Math.max(max, n.id), 0);

/** Loads the first page and keeps the inbox live until `stopInbox`. */
export async function startInbox(): Promise<void> {
  if (running) return;
  running = true;
  attempt = 0;
  try {
    const page = await api.inbox(null);
    if (!running) return;
    setState({ notifications: [], nextCursor: page.nextCursor, unread: page.unread, loaded: true });
    merge(page.notifications);
  } catch {
    // The socket's hello brings the newest ones and the count; the list can be loaded later.
    setState("loaded", true);
  }
  if (running) connect();
}

export function stopInbox(): void {
  running = false;
  clearTimeout(retry);
  connection?.close();
  connection = null;
  setState({ notifications: [], unread: 0, nextCursor: null, muted: [], loaded: false, live: false });
}

function connect(): void {
  const opened = socketTransport("/api/v1/inbox/ws").connect({
    opened() {
      opened.send(JSON.stringify({ type: "hello", protocol: INBOX_PROTOCOL_VERSION, since: newestId() }));
    },
    received(data) {
      let message: InboxServerMessage;
      try {
        message = JSON.parse(data) as InboxServerMessage;
      } catch {
        return;
      }
      if (message.type === "notifications") {
        attempt = 0;
        setState("live", true);
        merge(message.notifications);
        setState("unread", message.unread);
      } else if (message.type === "unread") {
        setState("unread", message.unread);
        // Read elsewhere (another tab, another device): everything is read when the count is 0.
        if (message.unread === 0) markAllLocally();
      } else if (message.code === "protocol_mismatch") {
        running = false;
        toast(message.message);
      }
    },
    closed() {
      if (connection === opened) connection = null;
      setState("live", false);
      if (!running) return;
      const wait = reconnectDelay(attempt++, Math.random);
      retry = setTimeout(() => running && connect(), wait);
    },
  });
  connection = opened;
}

function markAllLocally(): void {
  const at = new Date().toISOString();
  setState(
    produce((s) => {
      for (const n of s.notifications) n.readAt ??= at;
      s.notifications.sort(byUnreadThenNewest);
    }),
  );
}

export async function loadMore(): Promise<void> {
  if (!state.nextCursor) return;
  try {
    const page = await api.inbox(state.nextCursor);
    setState("nextCursor", page.nextCursor);
    merge(page.notifications);
  } catch (error) {
    toast((error as Error).message);
  }
}

/** The address a notification leads to: its task on its board, or the board itself. */
export function notificationPath(n: InboxNotification, boardKeyOf: (boardId: string) => string | undefined): string {
  const key = boardKeyOf(n.boardId) ?? n.taskKey?.slice(0, n.taskKey.lastIndexOf("-"));
  if (!key) return "/";
  return boardPath(key, n.taskKey ?? "");
}

/** Opens what the notification is about and marks it read. */
export function openNotification(n: InboxNotification, boardKeyOf: (boardId: string) => string | undefined): void {
  navigate(notificationPath(n, boardKeyOf));
  void markRead(n);
}

export async function markRead(n: InboxNotification): Promise<void> {
  if (n.readAt !== null) return;
  const at = new Date().toISOString();
  // Shown read at once; the server's count arrives on the socket.
  setState(
    produce((s) => {
      const found = s.notifications.find((x) => x.id === n.id);
      if (found) found.readAt = at;
      s.notifications.sort(byUnreadThenNewest);
      s.unread = Math.max(0, s.unread - 1);
    }),
  );
  try {
    await api.markRead(n.id);
  } catch (error) {
    toast((error as Error).message);
  }
}

export async function markAllRead(): Promise<void> {
  markAllLocally();
  setState("unread", 0);
  try {
    await api.markAllRead();
  } catch (error) {
    toast((error as Error).message);
  }
}

export async function loadPreferences(): Promise<void> {
  try {
    setState("muted", (await api.inboxPreferences()).muted);
  } catch (error) {
    toast((error as Error).message);
  }
}

export async function setMuted(kind: NotificationKind, muted: boolean): Promise<void> {
  const next = muted ? [...new Set([...state.muted, kind])] : state.muted.filter((k) => k !== kind);
  try {
    setState("muted", (await api.setInboxPreferences(next)).muted);
  } catch (error) {
    toast((error as Error).message);
  }
}
