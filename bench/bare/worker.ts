import { DurableObject } from "cloudflare:workers";

// The benchmark's baseline: what the platform costs with no product in it. A Worker
// takes an HTTP POST and hands the raw body to a SQLite-backed Durable Object over
// RPC (the same hop the board's REST routes take), which appends it to one table
// and answers JSON. Its projection path, used only for the lag baseline, is the
// board's subscriber path reduced to the platform: an alarm copies new rows to D1,
// and a Worker route reads D1.

interface BareEnv {
  LOG: DurableObjectNamespace<BareLog>;
  ROOM: DurableObjectNamespace<BareRoom>;
  DB: D1Database;
}

const BATCH = 200;

export class BareLog extends DurableObject<BareEnv> {
  constructor(ctx: DurableObjectState, env: BareEnv) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS cursor (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL)");
  }

  /** One INSERT; `rowsWritten` is SQLite's own count, the figure the board's rows are compared with. */
  append(body: string, project: boolean): { seq: number; rowsWritten: number } {
    const cursor = this.ctx.storage.sql.exec("INSERT INTO log (body) VALUES (?) RETURNING seq", body);
    const seq = Number(cursor.one().seq);
    if (project) void this.ctx.storage.setAlarm(Date.now());
    return { seq, rowsWritten: cursor.rowsWritten };
  }

  override async alarm(): Promise<void> {
    const sql = this.ctx.storage.sql;
    const done = sql.exec("SELECT seq FROM cursor WHERE id = 1").toArray()[0];
    const rows = sql
      .exec("SELECT seq, body FROM log WHERE seq > ? ORDER BY seq LIMIT ?", Number(done?.seq ?? 0), BATCH)
      .toArray();
    const last = rows.at(-1);
    if (!last) return;
    const db = this.env.DB;
    await projectionTable(db);
    const insert = db.prepare("INSERT OR REPLACE INTO projected (name, seq, body) VALUES (?, ?, ?)");
    await db.batch(rows.map((r) => insert.bind(this.ctx.id.toString(), r.seq, r.body)));
    sql.exec("INSERT OR REPLACE INTO cursor (id, seq) VALUES (1, ?)", last.seq);
    if (rows.length === BATCH) await this.ctx.storage.setAlarm(Date.now());
  }
}

/**
 * The live baseline: a relay with hibernating WebSockets and nothing of Lanes. A
 * message is appended raw to one table, acknowledged to its sender with its seq,
 * and broadcast to every socket, serialized once. `hello` answers the rows after
 * `since`, as a board answers a reconnecting client.
 */
export class BareRoom extends DurableObject<BareEnv> {
  constructor(ctx: DurableObjectState, env: BareEnv) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  }

  override fetch(): Response {
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    const text = typeof message === "string" ? message : new TextDecoder().decode(message);
    const sql = this.ctx.storage.sql;
    if (text.startsWith('{"type":"hello"')) {
      const since = Number((JSON.parse(text) as { since: number }).since);
      const rows = sql.exec("SELECT seq, body FROM log WHERE seq > ? ORDER BY seq LIMIT 500", since).toArray();
      ws.send(JSON.stringify({ type: "events", events: rows }));
      return;
    }
    const seq = Number(sql.exec("INSERT INTO log (body) VALUES (?) RETURNING seq", text).one().seq);
    ws.send(JSON.stringify({ type: "ack", seq }));
    const event = JSON.stringify({ type: "event", seq, body: text });
    for (const socket of this.ctx.getWebSockets()) socket.send(event);
  }
}

let table: Promise<unknown> | null = null;
function projectionTable(db: D1Database): Promise<unknown> {
  table ??= db.exec(
    "CREATE TABLE IF NOT EXISTS projected (name TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (name, seq))",
  );
  return table;
}

export default {
  async fetch(request: Request, env: BareEnv): Promise<Response> {
    const url = new URL(request.url);
    const append = /^\/append\/([\w-]{1,64})$/.exec(url.pathname);
    if (append?.[1] && request.method === "POST") {
      const room = env.LOG.get(env.LOG.idFromName(append[1]));
      return Response.json(await room.append(await request.text(), url.searchParams.has("project")));
    }
    const room = /^\/room\/([\w-]{1,64})$/.exec(url.pathname);
    if (room?.[1] && request.headers.get("upgrade") === "websocket") {
      return env.ROOM.get(env.ROOM.idFromName(room[1])).fetch(request);
    }
    if (url.pathname === "/projected" && request.method === "GET") {
      await projectionTable(env.DB);
      const row = await env.DB.prepare("SELECT seq FROM projected WHERE body = ?")
        .bind(url.searchParams.get("body") ?? "")
        .first();
      return Response.json({ found: row !== null });
    }
    if (url.pathname === "/health") return Response.json({ ok: true });
    return Response.json({ error: "not found" }, { status: 404 });
  },
};
