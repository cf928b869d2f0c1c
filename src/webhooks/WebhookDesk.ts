import type { BoardEvent } from "../domain/events";
import type { BoardState } from "../domain/model";
import { taskView } from "../domain/views";
import { boardRef, eventEnvelope, messageId, pingEnvelope, taskKeyOf } from "./payload";
import { afterAttempt, DELIVERY_TIMEOUT_MS, LOG_RETENTION_MS, MAX_ATTEMPTS, wantsEvent } from "./policy";
import { type Sent, sendDelivery } from "./sender";
import { newSecret, ROTATION_OVERLAP_MS, signDelivery } from "./signing";
import { checkWebhookUrl } from "./urlGuard";

// A board's webhook subscriptions, kept in the board's own SQLite: each with its
// own cursor over the event log and its own retry schedule, its delivery log, and
// its secrets. The board's alarm calls `deliverDue`; a subscription sends one event
// at a time and the next waits until that one was accepted, so receivers see the
// board's order. While a delivery awaits its receiver (at most the timeout), the
// object keeps taking commands: an outbound fetch does not block its input.

export interface Webhook {
  id: string;
  url: string;
  events: string[];
  description: string;
  active: boolean;
  /** Why it stopped: "gone" (the receiver answered 410), "failing" (every retry failed), "url_refused", "owner". */
  disabledReason: string | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  /** Seq of the last event it delivered (or skipped, not wanting it). */
  cursor: number;
  /** Failed attempts at the event it is on. */
  failures: number;
  nextAttemptAt: number | null;
  lastError: string | null;
  /** Until when the secret before the last rotation still signs deliveries. */
  previousSecretUntil: number | null;
}

export interface Delivery {
  id: string;
  webhookId: string;
  messageId: string;
  seq: number | null;
  eventType: string;
  trigger: "event" | "test" | "redeliver";
  attempt: number;
  at: number;
  status: number | null;
  latencyMs: number;
  error: string | null;
  response: string;
  nextAttemptAt: number | null;
}

export interface WebhookFields {
  url: string;
  events: string[];
  description: string;
  active: boolean;
}

export interface DeskOptions {
  allowLocal: boolean;
  timeoutMs?: number;
  /**
   * The time retries are scheduled and logged by. Signatures and latencies use the
   * wall clock: a receiver checks webhook-timestamp against its own.
   */
  clock: () => number;
  /** Tells the board's owners that a subscription was switched off. */
  notifyDisabled: (webhook: Webhook, state: BoardState) => Promise<void>;
}

/**
 * Events one subscription may send in one alarm run, and the wall time after which
 * it sends no more in this run: a slow receiver that does answer must not keep the
 * alarm (and the projections and heartbeats it also serves) for minutes.
 */
const MAX_SENDS_PER_RUN = 25;
const RUN_BUDGET_MS = 1_000;
/** A subscription whose run failed unexpectedly (not a receiver's failure) is tried again after this. */
const UNEXPECTED_RETRY_MS = 30_000;
const SCAN_BATCH = 200;

type Row = Record<string, SqlStorageValue>;

export class WebhookDesk {
  #hooks: Webhook[] | null = null;
  private readonly timeoutMs: number;

  constructor(
    private readonly sql: SqlStorage,
    private readonly events: (after: number, limit: number) => BoardEvent[],
    private readonly options: DeskOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  }

  list(): Webhook[] {
    this.#hooks ??= this.sql.exec("SELECT * FROM webhooks ORDER BY created_at, id").toArray().map(toWebhook);
    return this.#hooks;
  }

  get(id: string): Webhook | null {
    return this.list().find((w) => w.id === id) ?? null;
  }

  /** Refuses a URL the guard refuses; the API has already checked the shape of everything else. */
  checkUrl(url: string): string | null {
    const verdict = checkWebhookUrl(url, this.options);
    return verdict.ok ? null : verdict.reason;
  }

  /** A new subscription hears of what happens from now on: its cursor starts at the board's seq. */
  create(fields: WebhookFields, actor: string, seq: number): { webhook: Webhook; secret: string } {
    const id = `whk_${crypto.randomUUID().replace(/-/g, "").slice(0, 24)}`;
    const secret = newSecret((b) => crypto.getRandomValues(b));
    const now = new Date(this.options.clock()).toISOString();
    this.sql.exec(
      `INSERT INTO webhooks (id, url, events, description, active, secret, created_at, created_by, updated_at, cursor)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      fields.url,
      JSON.stringify(fields.events),
      fields.description,
      fields.active ? 1 : 0,
      secret,
      now,
      actor,
      now,
      seq,
    );
    this.#hooks = null;
    return { webhook: this.get(id) as Webhook, secret };
  }

  /**
   * Changes a subscription. Switching one back on resumes from its cursor with a
   * clean slate of retries: the event it stopped at is the next one sent.
   */
  update(id: string, fields: Partial<WebhookFields>): Webhook | null {
    const hook = this.get(id);
    if (!hook) return null;
    const next = { ...hook, ...fields };
    const enabling = fields.active === true && !hook.active;
    const disabling = fields.active === false && hook.active;
    this.sql.exec(
      `UPDATE webhooks SET url = ?, events = ?, description = ?, active = ?, updated_at = ?,
         disabled_reason = ?, failures = ?, next_attempt_at = ?
       WHERE id = ?`,
      next.url,
      JSON.stringify(next.events),
      next.description,
      next.active ? 1 : 0,
      new Date(this.options.clock()).toISOString(),
      enabling ? null : disabling ? "owner" : hook.disabledReason,
      enabling ? 0 : hook.failures,
      enabling ? null : hook.nextAttemptAt,
      id,
    );
    this.#hooks = null;
    return this.get(id);
  }

  remove(id: string): boolean {
    const removed = this.sql.exec("DELETE FROM webhooks WHERE id = ?", id).rowsWritten > 0;
    this.sql.exec("DELETE FROM webhook_deliveries WHERE webhook_id = ?", id);
    this.#hooks = null;
    return removed;
  }

  /** A new secret, shown once; the old one keeps signing alongside it for 24 hours. */
  rotateSecret(id: string): string | null {
    const row = this.sql.exec("SELECT secret FROM webhooks WHERE id = ?", id).toArray()[0];
    if (!row) return null;
    const secret = newSecret((b) => crypto.getRandomValues(b));
    this.sql.exec(
      "UPDATE webhooks SET secret = ?, previous_secret = ?, previous_secret_until = ?, updated_at = ? WHERE id = ?",
      secret,
      String(row.secret),
      this.options.clock() + ROTATION_OVERLAP_MS,
      new Date(this.options.clock()).toISOString(),
      id,
    );
    this.#hooks = null;
    return secret;
  }

  /** The delivery log of a subscription, newest first; `before` pages on. */
  deliveries(id: string, limit: number, before?: string): Delivery[] {
    // rowid is the order attempts were logged in, even within one millisecond.
    const rows = before
      ? this.sql.exec(
          `SELECT * FROM webhook_deliveries WHERE webhook_id = ?1
             AND rowid < (SELECT rowid FROM webhook_deliveries WHERE id = ?2 AND webhook_id = ?1)
           ORDER BY rowid DESC LIMIT ?3`,
          id,
          before,
          limit,
        )
      : this.sql.exec("SELECT * FROM webhook_deliveries WHERE webhook_id = ? ORDER BY rowid DESC LIMIT ?", id, limit);
    return rows.toArray().map(toDelivery);
  }

  /**
   * Keeps the task as it is right after `event` for the subscriptions that will send
   * it: by the time a lagging subscription gets there, the task may have moved on.
   * Runs inside the command's transaction, and writes nothing without a subscriber.
   */
  recordAppend(event: BoardEvent, state: BoardState): void {
    if (!this.list().some((w) => w.cursor < event.seq && wantsEvent(w.events, event.type))) return;
    const key = taskKeyOf(event);
    const task = key ? state.tasks[key] : undefined;
    this.sql.exec(
      "INSERT OR REPLACE INTO webhook_outbox (seq, at, task) VALUES (?, ?, ?)",
      event.seq,
      Date.parse(event.at),
      task ? JSON.stringify(taskView(state, task)) : null,
    );
  }

  /** A signed ping to check the endpoint, logged like any delivery; the cursor is not touched. */
  async test(id: string, state: BoardState): Promise<Delivery | null> {
    const hook = this.get(id);
    if (!hook || !state.board) return null;
    const body = JSON.stringify(pingEnvelope(boardRef(state.board), id, new Date()));
    const sent = await this.send(hook, `msg_${crypto.randomUUID().replace(/-/g, "")}`, body);
    return this.log(
      hook.id,
      { messageId: sent.messageId, seq: null, eventType: "webhook.ping" },
      "test",
      1,
      sent,
      body,
      null,
    );
  }

  /** Sends a logged delivery again, as it was (same webhook-id and body), freshly signed. */
  async redeliver(id: string, deliveryId: string): Promise<Delivery | null> {
    const hook = this.get(id);
    const row = this.sql
      .exec("SELECT * FROM webhook_deliveries WHERE id = ? AND webhook_id = ?", deliveryId, id)
      .toArray()[0];
    if (!hook || !row) return null;
    const original = toDelivery(row);
    const body = String(row.body);
    const sent = await this.send(hook, original.messageId, body);
    return this.log(id, original, "redeliver", 1, sent, body, null);
  }

  /**
   * Sends what is due for every active subscription, side by side, and returns when
   * the alarm should come back (null: nothing pending). Old log entries go first.
   */
  async deliverDue(state: BoardState): Promise<number | null> {
    const now = this.options.clock();
    this.sql.exec("DELETE FROM webhook_deliveries WHERE at < ?", now - LOG_RETENTION_MS);
    this.pruneOutbox(now);
    const next = await Promise.all(
      this.list()
        .filter((w) => w.active)
        .map((w) =>
          this.deliverFor(w.id, state).catch((error: unknown) => {
            console.error("webhook delivery run failed", w.id, error);
            return this.options.clock() + UNEXPECTED_RETRY_MS;
          }),
        ),
    );
    const due = next.filter((t): t is number => t !== null);
    return due.length === 0 ? null : Math.min(...due);
  }

  private async deliverFor(id: string, state: BoardState): Promise<number | null> {
    const started = Date.now();
    for (let sends = 0; sends < MAX_SENDS_PER_RUN && Date.now() - started < RUN_BUDGET_MS; ) {
      const hook = this.get(id);
      if (!hook?.active || !state.board) return null;
      if (hook.nextAttemptAt !== null && hook.nextAttemptAt > this.options.clock()) return hook.nextAttemptAt;
      const batch = this.events(hook.cursor, SCAN_BATCH);
      const event = batch.find((e) => wantsEvent(hook.events, e.type));
      if (!event) {
        const last = batch.at(-1);
        if (!last) return null;
        this.moveCursor(id, hook.cursor, last.seq);
        continue;
      }
      // Events it does not want are passed over for good.
      if (event.seq - 1 > hook.cursor) this.moveCursor(id, hook.cursor, event.seq - 1);
      const refused = this.checkUrl(hook.url);
      if (refused) {
        await this.disable(id, "url_refused", refused, state);
        return null;
      }
      const body = JSON.stringify(eventEnvelope(boardRef(state.board), event, this.taskAfter(event, state)));
      const sent = await this.send(hook, messageId(id, event.seq), body);
      sends += 1;
      // The object took other calls while the receiver answered: read the subscription again.
      const now = this.get(id);
      if (!now?.active || now.cursor !== event.seq - 1) return null;
      const verdict = afterAttempt(sent, now.failures, this.options.clock());
      const ref = { messageId: sent.messageId, seq: event.seq, eventType: event.type };
      const retryAt = verdict.kind === "retry" ? verdict.at : null;
      this.log(id, ref, "event", now.failures + 1, sent, body, retryAt);
      if (verdict.kind === "delivered") {
        this.sql.exec(
          "UPDATE webhooks SET cursor = ?, failures = 0, next_attempt_at = NULL, last_error = NULL WHERE id = ?",
          event.seq,
          id,
        );
      } else if (verdict.kind === "retry") {
        this.sql.exec(
          "UPDATE webhooks SET failures = failures + 1, next_attempt_at = ?, last_error = ? WHERE id = ?",
          verdict.at,
          describe(sent),
          id,
        );
        this.#hooks = null;
        return verdict.at;
      } else {
        const why =
          verdict.reason === "gone"
            ? "The receiver answered 410 Gone."
            : `${MAX_ATTEMPTS} attempts failed; the last: ${describe(sent)}`;
        await this.disable(id, verdict.reason, why, state);
        return null;
      }
      this.#hooks = null;
    }
    // Its share of this run is used up: come back at once for the rest.
    return this.options.clock();
  }

  private moveCursor(id: string, from: number, to: number): void {
    this.sql.exec("UPDATE webhooks SET cursor = ? WHERE id = ? AND cursor = ?", to, id, from);
    this.#hooks = null;
  }

  private async disable(id: string, reason: string, why: string, state: BoardState): Promise<void> {
    this.sql.exec(
      "UPDATE webhooks SET active = 0, disabled_reason = ?, last_error = ?, next_attempt_at = NULL WHERE id = ?",
      reason,
      why,
      id,
    );
    this.#hooks = null;
    const hook = this.get(id);
    // The subscription is off either way; a lost notification must not undo or repeat that.
    if (hook) await this.options.notifyDisabled(hook, state).catch((error: unknown) => console.error("notify", error));
  }

  private taskAfter(event: BoardEvent, state: BoardState) {
    const kept = this.sql.exec("SELECT task FROM webhook_outbox WHERE seq = ?", event.seq).toArray()[0];
    if (kept) return kept.task === null ? null : JSON.parse(String(kept.task));
    // Not kept (the subscription was off for longer than the log is kept): the task as it is now.
    const key = taskKeyOf(event);
    const task = key ? state.tasks[key] : undefined;
    return task ? taskView(state, task) : null;
  }

  /** Drops kept tasks every subscription has passed, and any older than the log's retention. */
  private pruneOutbox(now: number): void {
    const lowest = Math.min(...this.list().map((w) => w.cursor), Number.MAX_SAFE_INTEGER);
    this.sql.exec("DELETE FROM webhook_outbox WHERE seq <= ? OR at < ?", lowest, now - LOG_RETENTION_MS);
  }

  private async send(hook: Webhook, id: string, body: string): Promise<Sent & { messageId: string }> {
    const row = this.sql
      .exec("SELECT secret, previous_secret, previous_secret_until FROM webhooks WHERE id = ?", hook.id)
      .one();
    const now = this.options.clock();
    const secrets = [String(row.secret)];
    if (row.previous_secret !== null && Number(row.previous_secret_until) > now)
      secrets.push(String(row.previous_secret));
    const headers = signDelivery(secrets, id, new Date(), body);
    const refused = this.checkUrl(hook.url);
    const sent = refused
      ? { status: null, retryAfter: null, latencyMs: 0, response: "", error: refused }
      : await sendDelivery(hook.url, headers, body, this.timeoutMs, Date.now);
    return { ...sent, messageId: id };
  }

  private log(
    webhookId: string,
    ref: { messageId: string; seq: number | null; eventType: string },
    trigger: Delivery["trigger"],
    attempt: number,
    sent: Sent,
    body: string,
    nextAttemptAt: number | null,
  ): Delivery {
    const id = `dlv_${crypto.randomUUID().replace(/-/g, "").slice(0, 24)}`;
    const at = this.options.clock();
    this.sql.exec(
      `INSERT INTO webhook_deliveries (id, webhook_id, message_id, seq, event_type, trigger, attempt, at, status,
         latency_ms, error, response, body, next_attempt_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      webhookId,
      ref.messageId,
      ref.seq,
      ref.eventType,
      trigger,
      attempt,
      at,
      sent.status,
      sent.latencyMs,
      sent.error,
      sent.response,
      body,
      nextAttemptAt,
    );
    return toDelivery(this.sql.exec("SELECT * FROM webhook_deliveries WHERE id = ?", id).one());
  }
}

function describe(sent: Sent): string {
  return sent.error ?? `HTTP ${sent.status}`;
}

const nullableNumber = (v: SqlStorageValue | undefined) => (v === null || v === undefined ? null : Number(v));
const nullableText = (v: SqlStorageValue | undefined) => (v === null || v === undefined ? null : String(v));

function toWebhook(row: Row): Webhook {
  return {
    id: String(row.id),
    url: String(row.url),
    events: JSON.parse(String(row.events)),
    description: String(row.description),
    active: Number(row.active) === 1,
    disabledReason: nullableText(row.disabled_reason),
    createdAt: String(row.created_at),
    createdBy: String(row.created_by),
    updatedAt: String(row.updated_at),
    cursor: Number(row.cursor),
    failures: Number(row.failures),
    nextAttemptAt: nullableNumber(row.next_attempt_at),
    lastError: nullableText(row.last_error),
    previousSecretUntil: nullableNumber(row.previous_secret_until),
  };
}

function toDelivery(row: Row): Delivery {
  return {
    id: String(row.id),
    webhookId: String(row.webhook_id),
    messageId: String(row.message_id),
    seq: nullableNumber(row.seq),
    eventType: String(row.event_type),
    trigger: row.trigger as Delivery["trigger"],
    attempt: Number(row.attempt),
    at: Number(row.at),
    status: nullableNumber(row.status),
    latencyMs: Number(row.latency_ms),
    error: nullableText(row.error),
    response: String(row.response),
    nextAttemptAt: nullableNumber(row.next_attempt_at),
  };
}
