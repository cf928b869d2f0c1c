import { DurableObject } from "cloudflare:workers";
import {
  INBOX_PROTOCOL_VERSION,
  type InboxNotification,
  type InboxServerMessage,
  inboxClientMessage,
  NOTIFICATION_KINDS,
  type Notice,
  type NotificationKind,
} from "../domain/notifications";

// One person's notifications, whatever board they come from. A Durable Object per
// user, like a board per board: its SQLite keeps the list (so it survives reloads
// and is the same on every device), and its hibernating sockets push each new one
// to every open tab at once. Boards deliver through their subscriber cursors, at
// least once; the notice's key makes a repeat change nothing.

const MAX_PAGE = 100;
/** Notifications a reconnecting socket is sent at most; older ones are in the list. */
const MAX_CATCH_UP = 200;
/** Read notifications are kept this long; unread ones until they are read. */
const READ_RETENTION_MS = 90 * 24 * 3_600_000;

export interface InboxPage {
  notifications: InboxNotification[];
  unread: number;
  /** Pass as `cursor` for the next page; null at the end. */
  nextCursor: string | null;
}

type Row = Record<string, SqlStorageValue>;

export class Inbox extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    // An app's keep-alive is answered without waking the object, as on a board.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    ctx.storage.transactionSync(() => {
      this.sql.exec(`CREATE TABLE IF NOT EXISTS notifications (
        id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, board_id TEXT NOT NULL,
        board_name TEXT NOT NULL, task_key TEXT, title TEXT, actor_id TEXT NOT NULL, actor_name TEXT NOT NULL,
        seq INTEGER, at TEXT NOT NULL, text TEXT NOT NULL, read_at TEXT)`);
      this.sql.exec("CREATE INDEX IF NOT EXISTS notifications_unread ON notifications (read_at, id)");
      this.sql.exec("CREATE TABLE IF NOT EXISTS muted (kind TEXT PRIMARY KEY)");
    });
  }

  /** Keeps the notices not seen before, as the first reason their person has not muted; returns how many. */
  deliver(notices: Notice[]): number {
    const muted = new Set(this.muted());
    const added: InboxNotification[] = [];
    this.ctx.storage.transactionSync(() => {
      const old = new Date(Date.now() - READ_RETENTION_MS).toISOString();
      this.sql.exec("DELETE FROM notifications WHERE read_at IS NOT NULL AND read_at < ?", old);
      for (const notice of notices) {
        const kind = notice.kinds.find((k) => !muted.has(k));
        if (!kind) continue;
        const row = this.sql
          .exec(
            `INSERT INTO notifications (key, kind, board_id, board_name, task_key, title, actor_id, actor_name, seq, at, text)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING RETURNING *`,
            notice.key,
            kind,
            notice.boardId,
            notice.boardName,
            notice.taskKey,
            notice.title,
            notice.actorId,
            notice.actorName,
            notice.seq,
            notice.at,
            notice.text,
          )
          .toArray()[0];
        if (row) added.push(toNotification(row));
      }
    });
    if (added.length > 0) this.broadcast({ type: "notifications", notifications: added, unread: this.unread() });
    return added.length;
  }

  /** Unread first, then read; newest first within each. */
  page(limit: number, cursor: string | null): InboxPage {
    const size = Math.min(MAX_PAGE, Math.max(1, limit));
    const [part, id] = cursor ? [cursor[0], Number(cursor.slice(2))] : ["u", Number.MAX_SAFE_INTEGER];
    const rows = this.sql
      .exec(
        part === "u"
          ? `SELECT * FROM notifications WHERE (read_at IS NULL AND id < ?1) OR read_at IS NOT NULL
             ORDER BY read_at IS NOT NULL, id DESC LIMIT ?2`
          : "SELECT * FROM notifications WHERE read_at IS NOT NULL AND id < ?1 ORDER BY id DESC LIMIT ?2",
        id,
        size + 1,
      )
      .toArray()
      .map(toNotification);
    const notifications = rows.slice(0, size);
    const last = notifications.at(-1);
    const nextCursor = rows.length > size && last ? `${last.readAt === null ? "u" : "r"}:${last.id}` : null;
    return { notifications, unread: this.unread(), nextCursor };
  }

  /** Marks one notification read (false when there is none with that id). */
  markRead(id: number, at: string): boolean {
    const known = this.sql.exec("SELECT 1 FROM notifications WHERE id = ?", id).toArray().length > 0;
    if (!known) return false;
    this.sql.exec("UPDATE notifications SET read_at = ? WHERE id = ? AND read_at IS NULL", at, id);
    this.broadcast({ type: "unread", unread: this.unread() });
    return true;
  }

  markAllRead(at: string): number {
    // rowsWritten counts the index's rows too: count the notifications themselves.
    const unread = this.unread();
    this.sql.exec("UPDATE notifications SET read_at = ? WHERE read_at IS NULL", at);
    this.broadcast({ type: "unread", unread: 0 });
    return unread;
  }

  muted(): NotificationKind[] {
    return this.sql
      .exec("SELECT kind FROM muted ORDER BY kind")
      .toArray()
      .map((r) => r.kind as NotificationKind)
      .filter((k) => NOTIFICATION_KINDS.includes(k));
  }

  setMuted(kinds: NotificationKind[]): NotificationKind[] {
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM muted");
      for (const kind of new Set(kinds)) this.sql.exec("INSERT INTO muted (kind) VALUES (?)", kind);
    });
    return this.muted();
  }

  /** The live connection; the Worker has signed its person in and checked the Origin. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade") !== "websocket") {
      return new Response("Expected a WebSocket upgrade from the Lanes API.", { status: 426 });
    }
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** `hello {since}` is answered with every notification after `since` and the unread count. */
  override webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): void {
    const answer = this.answer(raw);
    send(ws, answer);
  }

  private answer(raw: string | ArrayBuffer): InboxServerMessage {
    let parsed: ReturnType<typeof inboxClientMessage.safeParse>;
    try {
      parsed = inboxClientMessage.safeParse(JSON.parse(typeof raw === "string" ? raw : new TextDecoder().decode(raw)));
    } catch {
      return { type: "error", code: "malformed_message", message: "Send JSON messages only." };
    }
    if (!parsed.success) {
      return { type: "error", code: "invalid_message", message: 'Send {"type":"hello","protocol":1,"since":<id>}.' };
    }
    if (parsed.data.protocol !== INBOX_PROTOCOL_VERSION) {
      return { type: "error", code: "protocol_mismatch", message: "This app is out of date; reload the page." };
    }
    const missed = this.sql
      .exec("SELECT * FROM notifications WHERE id > ? ORDER BY id LIMIT ?", parsed.data.since, MAX_CATCH_UP)
      .toArray()
      .map(toNotification);
    return { type: "notifications", notifications: missed, unread: this.unread() };
  }

  private unread(): number {
    return Number(this.sql.exec("SELECT COUNT(*) AS n FROM notifications WHERE read_at IS NULL").one().n);
  }

  private broadcast(message: InboxServerMessage): void {
    for (const ws of this.ctx.getWebSockets()) send(ws, message);
  }
}

function send(ws: WebSocket, message: InboxServerMessage): void {
  try {
    ws.send(JSON.stringify(message));
  } catch {
    // A socket closing as we speak hears nothing; it asks again on reconnect.
  }
}

function toNotification(row: Row): InboxNotification {
  const text = (v: SqlStorageValue | undefined) => (v === null || v === undefined ? null : String(v));
  return {
    id: Number(row.id),
    kind: row.kind as NotificationKind,
    boardId: String(row.board_id),
    boardName: String(row.board_name),
    taskKey: text(row.task_key),
    title: text(row.title),
    actorId: String(row.actor_id),
    actorName: String(row.actor_name),
    seq: row.seq === null ? null : Number(row.seq),
    at: String(row.at),
    text: String(row.text),
    readAt: text(row.read_at),
  };
}
