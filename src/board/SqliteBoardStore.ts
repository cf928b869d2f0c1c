import type { BoardEvent, StoredEvent } from "../domain/events";
import { upcast } from "../domain/events";
import { evolve, noneTouched, replay, type Touched } from "../domain/evolve";
import {
  type BoardState,
  type Comment,
  DEFAULT_BOARD_SETTINGS,
  emptyState,
  type Sprint,
  type Task,
  type Worklog,
} from "../domain/model";
import { rankForNumber } from "../domain/ranks";
import type { Attempt, BoardStore, CommandResult } from "./engine";
import type { Cursor, CursorStore, RebuildProgress } from "./subscribers";

// The board's SQLite storage inside its Durable Object: the append-only event log,
// the commands that appended nothing, and the materialized board, which is written
// row by row from the folded state in the same transaction as the event.

const SCHEMA_VERSION = 6;

/** How long new events wait to be delivered together (projections stay well within a second). */
const DELIVERY_DELAY_MS = 100;

/** What turns a board stored at version `v - 1` into version `v`. */
const MIGRATIONS: Record<number, string[]> = {
  // v2 keeps a fingerprint of each command with its opId, to refuse a reused opId.
  2: ["ALTER TABLE events ADD COLUMN command_hash TEXT", "ALTER TABLE attempts ADD COLUMN command_hash TEXT"],
  // v3 names the task an event is about in the event row itself: a task's history
  // reads it through an index, and event_tasks keeps only the other tasks an event
  // changed (one row fewer written per move).
  3: ["ALTER TABLE events ADD COLUMN task_key TEXT", "CREATE INDEX events_by_task ON events (task_key, seq)"],
  // v4 adds time tracking (estimates and time spent on tasks, the worklogs) and Scrum
  // (each task's sprint and backlog rank, the sprints, the board's settings). A task
  // from before has no backlog rank stored: `toTask` gives it the one replay gives it.
  4: [
    "ALTER TABLE tasks ADD COLUMN sprint_id TEXT",
    "ALTER TABLE tasks ADD COLUMN backlog_rank TEXT",
    "ALTER TABLE board ADD COLUMN settings TEXT",
    "CREATE TABLE timers (user_id TEXT PRIMARY KEY, task_key TEXT NOT NULL, started_at TEXT NOT NULL)",
    `CREATE TABLE sprints (
       id TEXT PRIMARY KEY, number INTEGER NOT NULL, name TEXT NOT NULL, state TEXT NOT NULL,
       body TEXT NOT NULL)`,
    "ALTER TABLE tasks ADD COLUMN original_estimate_seconds INTEGER",
    "ALTER TABLE tasks ADD COLUMN remaining_estimate_seconds INTEGER",
    "ALTER TABLE tasks ADD COLUMN time_spent_seconds INTEGER NOT NULL DEFAULT 0",
    `CREATE TABLE worklogs (
       id TEXT PRIMARY KEY, task_key TEXT NOT NULL, author_id TEXT NOT NULL, started_at TEXT NOT NULL,
       time_spent_seconds INTEGER NOT NULL, comment TEXT NOT NULL, created_at TEXT NOT NULL,
       updated_at TEXT NOT NULL)`,
    "CREATE INDEX worklogs_by_task ON worklogs (task_key, started_at)",
  ],
  // v5 adds webhooks (src/webhooks/WebhookDesk.ts): each subscription with its secrets
  // and its own cursor over the log, the log of delivery attempts (kept 30 days),
  // and the task as it was right after each event a subscription has yet to send.
  5: [
    `CREATE TABLE webhooks (
       id TEXT PRIMARY KEY, url TEXT NOT NULL, events TEXT NOT NULL, description TEXT NOT NULL,
       active INTEGER NOT NULL, disabled_reason TEXT, secret TEXT NOT NULL, previous_secret TEXT,
       previous_secret_until INTEGER, created_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_at TEXT NOT NULL,
       cursor INTEGER NOT NULL, failures INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER, last_error TEXT)`,
    `CREATE TABLE webhook_deliveries (
       id TEXT PRIMARY KEY, webhook_id TEXT NOT NULL, message_id TEXT NOT NULL, seq INTEGER,
       event_type TEXT NOT NULL, trigger TEXT NOT NULL, attempt INTEGER NOT NULL, at INTEGER NOT NULL,
       status INTEGER, latency_ms INTEGER NOT NULL, error TEXT, response TEXT NOT NULL, body TEXT NOT NULL,
       next_attempt_at INTEGER)`,
    "CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries (webhook_id, at)",
    "CREATE INDEX webhook_deliveries_by_age ON webhook_deliveries (at)",
    "CREATE TABLE webhook_outbox (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, task TEXT)",
  ],
  // v6 keeps a rebuild's progress beside its subscriber's cursor (JSON, src/board/subscribers.ts),
  // so a rebuild spans alarms and restarts. A rebuild asked for before (cursor -1, the
  // whole log at once) starts over as one of these, readers keeping the rows they had.
  // The reports projection is rebuilt too: it now keeps sprints' sub-tasks and
  // archived tasks in their scope (report_boards.scope_version 2), as the sprints
  // folded again by refoldSprints do.
  6: [
    "ALTER TABLE subscribers ADD COLUMN rebuild TEXT",
    `UPDATE subscribers SET cursor = 0,
       rebuild = json_object('target', (SELECT coalesce(max(seq), 0) FROM events), 'through', 0, 'pages', 0)
     WHERE cursor = -1`,
    `UPDATE subscribers
       SET rebuild = json_object('target', (SELECT coalesce(max(seq), 0) FROM events), 'through', 0, 'pages', 0)
     WHERE name = 'reports' AND rebuild IS NULL AND cursor > 0`,
  ],
};

const SCHEMA = [
  // seq is the rowid (INTEGER PRIMARY KEY): AUTOINCREMENT would write sqlite_sequence
  // on every append, and seqs are never reused because events are never deleted.
  `CREATE TABLE IF NOT EXISTS events (
     seq INTEGER PRIMARY KEY, op_id TEXT NOT NULL UNIQUE, actor TEXT NOT NULL, at TEXT NOT NULL,
     type TEXT NOT NULL, v INTEGER NOT NULL, payload TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS event_tasks (
     task_key TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (task_key, seq)) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS attempts (
     op_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL,
     base_seq INTEGER NOT NULL, task_key TEXT, command TEXT NOT NULL, outcome TEXT NOT NULL,
     result TEXT NOT NULL)`,
  "CREATE INDEX IF NOT EXISTS attempts_by_task ON attempts (task_key, seq)",
  `CREATE TABLE IF NOT EXISTS board (
     id TEXT PRIMARY KEY, name TEXT NOT NULL, key TEXT NOT NULL, mode TEXT NOT NULL,
     created_at TEXT NOT NULL, created_by TEXT NOT NULL, deleted_at TEXT, next_number INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS columns (
     id TEXT PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL, wip_limit INTEGER,
     wip_mode TEXT NOT NULL, rank TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS tasks (
     key TEXT PRIMARY KEY, number INTEGER NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL,
     type TEXT NOT NULL, parent_key TEXT, column_id TEXT NOT NULL, rank TEXT NOT NULL,
     assignee_id TEXT, reporter_id TEXT NOT NULL, priority TEXT NOT NULL, labels TEXT NOT NULL,
     story_points REAL, due_date TEXT, watchers TEXT NOT NULL, created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL, resolved_at TEXT, archived_at TEXT, stamps TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS comments (
     id TEXT PRIMARY KEY, task_key TEXT NOT NULL, author_id TEXT NOT NULL, body TEXT NOT NULL,
     created_at TEXT NOT NULL, edited_at TEXT)`,
  "CREATE TABLE IF NOT EXISTS members (user_id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL)",
  // Durable cursors of the subscribers that read the log (D1 projections, webhooks).
  `CREATE TABLE IF NOT EXISTS subscribers (
     name TEXT PRIMARY KEY, cursor INTEGER NOT NULL DEFAULT 0, failures INTEGER NOT NULL DEFAULT 0,
     next_attempt_at INTEGER, last_error TEXT)`,
  "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
];

type Row = Record<string, SqlStorageValue>;

export class SqliteBoardStore implements BoardStore, CursorStore {
  #loaded: BoardState | null = null;
  /** When the alarm is known to fire next; null when unknown or none (after a restart). */
  #alarmAt: number | null = null;
  /** Rows this object has written since it started: what a command costs in storage. */
  #rowsWritten = 0;
  /** Told of each appended event inside its transaction, with the board right after it (the webhooks' outbox). */
  afterAppend: ((event: BoardEvent, state: BoardState) => void) | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly storage: DurableObjectStorage,
  ) {
    storage.transactionSync(() => {
      // SCHEMA creates the tables as version 1 had them; the migrations bring any
      // board, new or old, to the current version.
      const existing = sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").toArray();
      const stored = existing.length
        ? Number(sql.exec("SELECT value FROM meta WHERE name = 'schema_version'").toArray()[0]?.value ?? 1)
        : 1;
      for (const statement of SCHEMA) sql.exec(statement);
      for (let v = stored + 1; v <= SCHEMA_VERSION; v++)
        for (const statement of MIGRATIONS[v] ?? []) sql.exec(statement);
      if (stored < 6) {
        this.refoldSprints();
        if (sql.exec("SELECT 1 FROM subscribers WHERE rebuild IS NOT NULL").toArray().length > 0) {
          this.scheduleDelivery(Date.now());
        }
      }
      sql.exec("INSERT OR REPLACE INTO meta (name, value) VALUES ('schema_version', ?)", String(SCHEMA_VERSION));
    });
  }

  /**
   * Since v6, archiving a task while its sprint runs takes it out of the sprint's
   * scope and restoring it brings it back, and a sprint keeps its sub-tasks'
   * comings and goings (src/domain/evolve.ts): sprints stored before lack those, so
   * they are folded again from the log, once. Only a board with sprints pays for it.
   */
  private refoldSprints(): void {
    if (this.sql.exec("SELECT 1 FROM sprints LIMIT 1").toArray().length === 0) return;
    const replayed = replay(this.eventsUpTo(Number.MAX_SAFE_INTEGER));
    const touched = noneTouched();
    for (const sprint of Object.values(replayed.sprints)) {
      this.state.sprints[sprint.id] = sprint;
      touched.sprints.add(sprint.id);
    }
    this.writeRows(touched);
  }

  /** Storage figures for the board's owners and the benchmark. */
  diagnostics(): { seq: number; rowsWritten: number; databaseBytes: number; logBytes: number; events: number } {
    const log = this.sql.exec("SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(payload)), 0) AS bytes FROM events").one();
    return {
      seq: this.state.seq,
      rowsWritten: this.#rowsWritten,
      databaseBytes: this.sql.databaseSize,
      logBytes: Number(log.bytes),
      events: Number(log.n),
    };
  }

  /**
   * Inserts a row or updates it in place. (INSERT OR REPLACE would delete and
   * re-insert the row, writing it and every index twice.)
   */
  private upsert(table: string, key: string, values: Record<string, SqlStorageValue>): void {
    const columns = Object.keys(values);
    const updates = columns.filter((c) => c !== key).map((c) => `${c} = excluded.${c}`);
    this.write(
      `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})
       ON CONFLICT(${key}) DO UPDATE SET ${updates.join(", ")}`,
      ...Object.values(values),
    );
  }

  private write(query: string, ...bindings: SqlStorageValue[]): void {
    this.#rowsWritten += this.sql.exec(query, ...bindings).rowsWritten;
  }

  get state(): BoardState {
    this.#loaded ??= this.load();
    return this.#loaded;
  }

  transaction<T>(work: () => T): T {
    try {
      return this.storage.transactionSync(work);
    } catch (error) {
      // The in-memory board may hold a change SQLite just rolled back: reload it.
      this.#loaded = null;
      throw error;
    }
  }

  findResult(opId: string): { result: CommandResult; commandHash: string | null } | null {
    const event = this.sql.exec("SELECT * FROM events WHERE op_id = ?", opId).toArray()[0];
    if (event) {
      const parsed = toEvent(event);
      return {
        result: { status: "applied", seq: parsed.seq, event: parsed },
        commandHash: nullable(event.command_hash),
      };
    }
    const attempt = this.sql.exec("SELECT result, command_hash FROM attempts WHERE op_id = ?", opId).toArray()[0];
    if (!attempt) return null;
    return { result: JSON.parse(String(attempt.result)) as CommandResult, commandHash: nullable(attempt.command_hash) };
  }

  append(event: BoardEvent, touched: Touched, commandHash: string | null = null): void {
    const subject = subjectOf(event);
    this.write(
      `INSERT INTO events (seq, op_id, actor, at, type, v, payload, command_hash, task_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      event.seq,
      event.opId,
      event.actor,
      event.at,
      event.type,
      event.v,
      JSON.stringify(event.payload),
      commandHash,
      subject,
    );
    for (const key of touched.tasks) {
      if (key !== subject)
        this.write("INSERT OR IGNORE INTO event_tasks (task_key, seq) VALUES (?, ?)", key, event.seq);
    }
    this.writeRows(touched);
    this.afterAppend?.(event, this.state);
  }

  /**
   * Appends a log recorded elsewhere (an import) to this board, each event as it
   * was recorded (seq, opId, actor, time, version, payload), folding each one and
   * writing the rows it touched exactly as `append` does, in one transaction. A log
   * comes in pages: the first only to an empty board (its seqs and opIds would
   * collide with the board's own), each next one right after the previous. The
   * subscribers hear of it with the last page, so a log given up halfway (see
   * `discardImport`) reached no projection.
   */
  importLog(events: readonly StoredEvent[], page: { first: boolean; last: boolean }): void {
    this.transaction(() => {
      const importing = this.sql.exec("SELECT 1 FROM meta WHERE name = 'importing'").toArray().length > 0;
      if (page.first && (this.state.seq !== 0 || this.state.board !== null)) {
        throw new Error(`board already holds ${this.state.seq} events; a log is imported into a new board only`);
      }
      // The last page may be empty: a log that already says the importer owns the board, alone, needs nothing added.
      const goesOn = events.length === 0 || events[0]?.seq === this.state.seq + 1;
      if (!page.first && (!importing || !goesOn)) {
        throw new Error(`the board is not importing a log that goes on at seq ${events[0]?.seq}`);
      }
      for (const stored of events) {
        const event = upcast(stored);
        const touched = noneTouched();
        evolve(this.state, event, touched);
        this.append({ ...event, v: stored.v, payload: stored.payload } as BoardEvent, touched);
      }
      if (page.last) {
        this.sql.exec("DELETE FROM meta WHERE name = 'importing'");
        this.scheduleDelivery();
      } else if (!importing) {
        this.sql.exec("INSERT INTO meta (name, value) VALUES ('importing', '1')");
      }
    });
  }

  /** Whether an import into this board has begun and not finished. */
  importing(): boolean {
    return this.sql.exec("SELECT 1 FROM meta WHERE name = 'importing'").toArray().length > 0;
  }

  /**
   * Makes sure the board's alarm fires by `at` to hand new events to the subscribers.
   * Called in the command's transaction, so the event and its delivery are kept together.
   * By default delivery waits a moment, so a busy board hands its subscribers one
   * batch per moment instead of one D1 write per command.
   */
  scheduleDelivery(at: number = Date.now() + DELIVERY_DELAY_MS): void {
    if (this.#alarmAt !== null && this.#alarmAt <= at) return;
    void this.storage.setAlarm(at);
    this.#alarmAt = at;
  }

  /** The alarm is running: whatever it was set for has been consumed. */
  alarmFired(): void {
    this.#alarmAt = null;
  }

  recordAttempt(attempt: Attempt, commandHash: string): void {
    this.write(
      `INSERT INTO attempts (op_id, seq, actor, at, base_seq, task_key, command, outcome, result, command_hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      attempt.opId,
      attempt.seq,
      attempt.actor,
      attempt.at,
      attempt.baseSeq,
      attempt.taskKey,
      JSON.stringify(attempt.command),
      attempt.result.status,
      JSON.stringify(attempt.result),
      commandHash,
    );
  }

  cursor(name: string): Cursor {
    const row = this.sql.exec("SELECT * FROM subscribers WHERE name = ?", name).toArray()[0];
    if (!row) return { name, cursor: 0, failures: 0, nextAttemptAt: null, lastError: null, rebuild: null };
    return {
      name,
      cursor: Number(row.cursor),
      failures: Number(row.failures),
      nextAttemptAt: row.next_attempt_at === null ? null : Number(row.next_attempt_at),
      lastError: nullable(row.last_error),
      rebuild: row.rebuild === null ? null : (JSON.parse(String(row.rebuild)) as RebuildProgress),
    };
  }

  cursors(): Cursor[] {
    return this.sql
      .exec("SELECT name FROM subscribers ORDER BY name")
      .toArray()
      .map((row) => this.cursor(String(row.name)));
  }

  saveCursor(c: Cursor): void {
    // An update writes one row; an upsert on an existing row counts two.
    const rebuild = c.rebuild === null ? null : JSON.stringify(c.rebuild);
    const values = [c.cursor, c.failures, c.nextAttemptAt, c.lastError, rebuild, c.name];
    const updated = this.sql.exec(
      "UPDATE subscribers SET cursor = ?, failures = ?, next_attempt_at = ?, last_error = ?, rebuild = ? WHERE name = ?",
      ...values,
    ).rowsWritten;
    this.#rowsWritten += updated;
    if (updated === 0) {
      this.write(
        "INSERT INTO subscribers (cursor, failures, next_attempt_at, last_error, rebuild, name) VALUES (?, ?, ?, ?, ?, ?)",
        ...values,
      );
    }
  }

  /** The log after `after`, at most `limit` events, in seq order. */
  events(after: number, limit: number): BoardEvent[] {
    return this.sql
      .exec("SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?", after, limit)
      .toArray()
      .map(toEvent);
  }

  /** The log from the start up to and including `seq`. */
  *eventsUpTo(seq: number): Iterable<BoardEvent> {
    for (const row of this.sql.exec("SELECT * FROM events WHERE seq <= ? ORDER BY seq", seq)) {
      yield toEvent(row);
    }
  }

  /** Every event that concerned a task, and every attempt on it that appended nothing. */
  taskTrail(key: string): { events: BoardEvent[]; attempts: Attempt[] } {
    const events = this.sql
      .exec(
        `SELECT * FROM events WHERE task_key = ?1
         UNION SELECT e.* FROM event_tasks t JOIN events e ON e.seq = t.seq WHERE t.task_key = ?1
         ORDER BY seq`,
        key,
      )
      .toArray()
      .map(toEvent);
    const attempts = this.sql
      .exec("SELECT * FROM attempts WHERE task_key = ? AND outcome != 'unchanged' ORDER BY seq, at", key)
      .toArray()
      .map(
        (row): Attempt => ({
          opId: String(row.op_id),
          seq: Number(row.seq),
          actor: String(row.actor),
          at: String(row.at),
          baseSeq: Number(row.base_seq),
          taskKey: row.task_key === null ? null : String(row.task_key),
          command: JSON.parse(String(row.command)),
          result: JSON.parse(String(row.result)),
        }),
      );
    return { events, attempts };
  }

  /** The board as the tables hold it, without the log: what a restarted object starts from. */
  load(): BoardState {
    const state = emptyState();
    const board = this.sql.exec("SELECT * FROM board").toArray()[0];
    if (!board) return state;
    state.board = {
      id: String(board.id),
      name: String(board.name),
      key: String(board.key),
      mode: board.mode as "kanban" | "scrum",
      createdAt: String(board.created_at),
      createdBy: String(board.created_by),
      deletedAt: nullable(board.deleted_at),
    };
    state.nextNumber = Number(board.next_number);
    state.settings = { ...DEFAULT_BOARD_SETTINGS, ...(board.settings ? JSON.parse(String(board.settings)) : {}) };
    for (const row of this.sql.exec("SELECT * FROM timers")) {
      const userId = String(row.user_id);
      state.timers[userId] = { userId, taskKey: String(row.task_key), startedAt: String(row.started_at) };
    }
    for (const row of this.sql.exec("SELECT body FROM sprints")) {
      const sprint = JSON.parse(String(row.body)) as Sprint;
      // Stored before v6 folded sprints again (see refoldSprints), by a board that had none then.
      sprint.subtaskChanges ??= [];
      state.sprints[sprint.id] = sprint;
    }
    state.seq = Number(this.sql.exec("SELECT COALESCE(MAX(seq), 0) AS seq FROM events").one().seq);
    for (const row of this.sql.exec("SELECT * FROM columns")) {
      state.columns[String(row.id)] = {
        id: String(row.id),
        name: String(row.name),
        category: row.category as "todo",
        wipLimit: row.wip_limit === null ? null : Number(row.wip_limit),
        wipMode: row.wip_mode as "soft",
        rank: String(row.rank),
      };
    }
    for (const row of this.sql.exec("SELECT * FROM tasks")) {
      const task = toTask(row);
      state.tasks[task.key] = task;
    }
    for (const row of this.sql.exec("SELECT * FROM comments")) {
      const comment: Comment = {
        id: String(row.id),
        taskKey: String(row.task_key),
        authorId: String(row.author_id),
        body: String(row.body),
        createdAt: String(row.created_at),
        editedAt: nullable(row.edited_at),
      };
      state.comments[comment.id] = comment;
    }
    for (const row of this.sql.exec("SELECT * FROM worklogs")) {
      const worklog: Worklog = {
        id: String(row.id),
        taskKey: String(row.task_key),
        authorId: String(row.author_id),
        startedAt: String(row.started_at),
        timeSpentSeconds: Number(row.time_spent_seconds),
        comment: String(row.comment),
        createdAt: String(row.created_at),
        updatedAt: String(row.updated_at),
      };
      state.worklogs[worklog.id] = worklog;
    }
    for (const row of this.sql.exec("SELECT * FROM members")) {
      const userId = String(row.user_id);
      state.members[userId] = { userId, name: String(row.name), role: row.role as "owner" };
    }
    return state;
  }

  private writeRows(touched: Touched): void {
    const state = this.state;
    if (touched.board && state.board) {
      const b = state.board;
      this.upsert("board", "id", {
        id: b.id,
        name: b.name,
        key: b.key,
        mode: b.mode,
        created_at: b.createdAt,
        created_by: b.createdBy,
        deleted_at: b.deletedAt,
        next_number: state.nextNumber,
        settings: JSON.stringify(state.settings),
      });
    }
    for (const id of touched.columns) {
      const c = state.columns[id];
      if (!c) this.write("DELETE FROM columns WHERE id = ?", id);
      else {
        this.upsert("columns", "id", {
          id: c.id,
          name: c.name,
          category: c.category,
          wip_limit: c.wipLimit,
          wip_mode: c.wipMode,
          rank: c.rank,
        });
      }
    }
    for (const key of touched.tasks) {
      const t = state.tasks[key];
      if (!t) this.write("DELETE FROM tasks WHERE key = ?", key);
      else {
        this.upsert("tasks", "key", {
          key: t.key,
          number: t.number,
          title: t.title,
          description: t.description,
          type: t.type,
          parent_key: t.parentKey,
          column_id: t.columnId,
          rank: t.rank,
          sprint_id: t.sprintId,
          backlog_rank: t.backlogRank,
          assignee_id: t.assigneeId,
          reporter_id: t.reporterId,
          priority: t.priority,
          labels: JSON.stringify(t.labels),
          story_points: t.storyPoints,
          due_date: t.dueDate,
          watchers: JSON.stringify(t.watchers),
          original_estimate_seconds: t.originalEstimateSeconds,
          remaining_estimate_seconds: t.remainingEstimateSeconds,
          time_spent_seconds: t.timeSpentSeconds,
          created_at: t.createdAt,
          updated_at: t.updatedAt,
          resolved_at: t.resolvedAt,
          archived_at: t.archivedAt,
          stamps: JSON.stringify(t.stamps),
        });
      }
    }
    for (const id of touched.comments) {
      const c = state.comments[id];
      if (!c) this.write("DELETE FROM comments WHERE id = ?", id);
      else {
        this.upsert("comments", "id", {
          id: c.id,
          task_key: c.taskKey,
          author_id: c.authorId,
          body: c.body,
          created_at: c.createdAt,
          edited_at: c.editedAt,
        });
      }
    }
    for (const userId of touched.timers) {
      const t = state.timers[userId];
      if (!t) this.write("DELETE FROM timers WHERE user_id = ?", userId);
      else this.upsert("timers", "user_id", { user_id: t.userId, task_key: t.taskKey, started_at: t.startedAt });
    }
    for (const id of touched.sprints) {
      const sprint = state.sprints[id];
      if (!sprint) this.write("DELETE FROM sprints WHERE id = ?", id);
      else {
        this.upsert("sprints", "id", {
          id: sprint.id,
          number: sprint.number,
          name: sprint.name,
          state: sprint.state,
          body: JSON.stringify(sprint),
        });
      }
    }
    for (const id of touched.worklogs) {
      const w = state.worklogs[id];
      if (!w) this.write("DELETE FROM worklogs WHERE id = ?", id);
      else {
        this.upsert("worklogs", "id", {
          id: w.id,
          task_key: w.taskKey,
          author_id: w.authorId,
          started_at: w.startedAt,
          time_spent_seconds: w.timeSpentSeconds,
          comment: w.comment,
          created_at: w.createdAt,
          updated_at: w.updatedAt,
        });
      }
    }
    for (const userId of touched.members) {
      const m = state.members[userId];
      if (!m) this.write("DELETE FROM members WHERE user_id = ?", userId);
      else this.upsert("members", "user_id", { user_id: m.userId, name: m.name, role: m.role });
    }
  }
}

/** The task an event is about, if any. */
function subjectOf(event: BoardEvent): string | null {
  if ("key" in event.payload) return event.payload.key;
  if (event.type === "task.created") return event.payload.task.key;
  return null;
}

function nullable(value: SqlStorageValue | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

function toEvent(row: Row): BoardEvent {
  const stored: StoredEvent = {
    seq: Number(row.seq),
    opId: String(row.op_id),
    actor: String(row.actor),
    at: String(row.at),
    type: row.type as StoredEvent["type"],
    v: Number(row.v),
    payload: JSON.parse(String(row.payload)),
  };
  return upcast(stored);
}

function toTask(row: Row): Task {
  return {
    key: String(row.key),
    number: Number(row.number),
    title: String(row.title),
    description: String(row.description),
    type: row.type as Task["type"],
    parentKey: nullable(row.parent_key),
    columnId: String(row.column_id),
    rank: String(row.rank),
    sprintId: nullable(row.sprint_id),
    backlogRank: row.backlog_rank === null ? rankForNumber(Number(row.number)) : String(row.backlog_rank),
    assigneeId: nullable(row.assignee_id),
    reporterId: String(row.reporter_id),
    priority: row.priority as Task["priority"],
    labels: JSON.parse(String(row.labels)),
    storyPoints: row.story_points === null ? null : Number(row.story_points),
    dueDate: nullable(row.due_date),
    watchers: JSON.parse(String(row.watchers)),
    originalEstimateSeconds: row.original_estimate_seconds === null ? null : Number(row.original_estimate_seconds),
    remainingEstimateSeconds: row.remaining_estimate_seconds === null ? null : Number(row.remaining_estimate_seconds),
    timeSpentSeconds: Number(row.time_spent_seconds),
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
    resolvedAt: nullable(row.resolved_at),
    archivedAt: nullable(row.archived_at),
    stamps: JSON.parse(String(row.stamps)),
  };
}
