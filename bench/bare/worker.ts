import { DurableObject } from "cloudflare:workers";

// The benchmark's baseline: what the platform costs with no product in it. A Worker
// takes an HTTP POST and hands the raw body to a SQLite-backed Durable Object over
// RPC (the same hop the board's REST routes take), which appends it to one table
// and answers JSON. Its projection path, used only for the lag baseline, is the
// board's subscriber path reduced to the platform: an alarm copies new rows to D1,
// and a Worker route reads D1.

interface BareEnv {
  LOG: DurableObjectNamespace<BareLog>;
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
