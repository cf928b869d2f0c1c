import type { CommandEnvelope } from "../domain/commands";
import type { StoredEvent } from "../domain/events";
import type { Board, Member, Role } from "../domain/model";
import { type TaskView, taskView } from "../domain/views";
import { inboxSubscriber, notifyWebhookDisabled } from "../inbox/inboxSubscriber";
import { directorySubscriber } from "../reporting/directoryProjector";
import { reportSubscriber } from "../reporting/reportProjector";
import { taskIndexSubscriber } from "../reporting/taskIndexProjector";
import { WebhookAdmin } from "../webhooks/WebhookAdmin";
import { WebhookDesk } from "../webhooks/WebhookDesk";
import { BoardViews } from "./BoardViews";
import { type CommandResult, executeCommand, subjectTask } from "./engine";
import {
  announce,
  CommandBudget,
  closeSilentSessions,
  HEARTBEAT_CHECK_MS,
  type LiveBoard,
  receive,
  type SessionData,
} from "./liveSessions";
import { PresenceRelay } from "./PresenceRelay";
import { hibernatingHub } from "./socketHub";
import { type Cursor, deliverAll, type RebuildLimits, rebuildLimits, type Subscriber } from "./subscribers";

/**
 * One board. A Durable Object because a board needs exactly one writer: every
 * command for the board is decided here, one at a time, against the state the
 * previous command left, and appended to this object's SQLite log in the same
 * synchronous transaction that updates the board's tables. The Worker in front
 * has already checked who is asking and what they may do; this object trusts it.
 */
export class BoardRoom extends BoardViews {
  private readonly subscribers: Subscriber[];
  private readonly live: LiveBoard<WebSocket>;
  private readonly desk: WebhookDesk;
  private readonly rebuildLimits: RebuildLimits;
  /** The time webhook retries are scheduled by; a test moves it forward instead of waiting hours. */
  private clock: () => number = Date.now;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.subscribers = [
      taskIndexSubscriber(env.DB),
      directorySubscriber(env.DB),
      inboxSubscriber(env.INBOX, Date.now),
      reportSubscriber(env.DB),
    ];
    this.rebuildLimits = rebuildLimits({
      pageEvents: env.LANES_REBUILD_PAGE_EVENTS,
      pagesPerRun: env.LANES_REBUILD_PAGES_PER_RUN,
    });
    const hub = hibernatingHub(ctx);
    this.desk = new WebhookDesk(ctx.storage.sql, (after, limit) => this.store.events(after, limit), {
      allowLocal: env.LANES_ALLOW_LOCAL_WEBHOOKS === "1",
      timeoutMs: Number(env.LANES_WEBHOOK_TIMEOUT_MS) || undefined,
      clock: () => this.clock(),
      notifyDisabled: (hook, state) => notifyWebhookDisabled(env.INBOX, hook, state, Date.now()),
    });
    // Each event's task, as it was, for the webhooks that will send it later.
    this.store.afterAppend = (event, state) => this.desk.recordAppend(event, state);
    this.live = {
      hub,
      store: this.store,
      budget: new CommandBudget(env.LANES_RATE_LIMITS === "off"),
      presence: new PresenceRelay(hub),
    };
  }

  /**
   * Accepts a WebSocket for someone the Worker has signed in and found on the
   * board. Accepted through the hibernation API: an idle board costs nothing, and
   * each session's identity lives in its attachment, not in this object's memory.
   */
  override async fetch(request: Request): Promise<Response> {
    const who = request.headers;
    const session: SessionData = {
      sessionId: crypto.randomUUID(),
      userId: who.get("x-lanes-user-id") ?? "",
      name: who.get("x-lanes-user-name") ?? "",
      role: (who.get("x-lanes-role") ?? "viewer") as Role,
      presence: null,
      seenAt: Date.now(),
    };
    if (request.headers.get("upgrade") !== "websocket" || !session.userId) {
      return new Response("Expected a WebSocket upgrade from the Lanes API.", { status: 426 });
    }
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [`user:${session.userId}`]);
    server.serializeAttachment(session);
    // While anyone is here, the alarm checks now and then for sessions that went silent.
    this.store.scheduleDelivery(Date.now() + HEARTBEAT_CHECK_MS);
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    receive(this.live, ws, message, Date.now());
  }

  override webSocketClose(ws: WebSocket): void {
    const session = this.live.hub.data(ws);
    this.live.budget.forget(session.sessionId);
    this.live.presence.left(session);
  }

  override webSocketError(ws: WebSocket): void {
    this.webSocketClose(ws);
  }

  /**
   * Hands new events to every subscriber. Alarms are at least once, and one may
   * repeat: delivery is cursor-based and subscribers are idempotent, so a repeat
   * changes nothing.
   */
  override async alarm(): Promise<void> {
    this.store.alarmFired();
    const check = closeSilentSessions(this.live, Date.now());
    // Webhooks beside the other subscribers: a receiver slow to answer holds up neither them nor commands.
    const [next, hooks] = await Promise.all([
      deliverAll(this.store, this.subscribers, Date.now, this.rebuildLimits),
      this.desk.deliverDue(this.store.state),
    ]);
    for (const at of [check, next, hooks]) if (at !== null) this.store.scheduleDelivery(at);
  }

  /** The board's webhook subscriptions (src/webhooks), for the owners the Worker has let through. */
  webhooks(): WebhookAdmin {
    return new WebhookAdmin(this.desk, {
      state: () => this.store.state,
      wake: () => this.store.scheduleDelivery(Date.now()),
    });
  }

  /** Each subscriber's cursor and health, for the board's owners. */
  subscriberStates(): { seq: number; subscribers: Cursor[] } {
    const known = new Map(this.store.cursors().map((c) => [c.name, c]));
    return {
      seq: this.store.state.seq,
      subscribers: this.subscribers.map((s) => known.get(s.name) ?? this.store.cursor(s.name)),
    };
  }

  /**
   * Replays the whole log into a subscriber's projection, from the first event: into
   * fresh rows swapped in at the end where the subscriber can (src/board/subscribers.ts),
   * or else by delivering the log again from seq 0.
   */
  rebuild(name: string): boolean {
    const subscriber = this.subscribers.find((s) => s.name === name);
    if (!subscriber) return false;
    const cursor = this.store.cursor(name);
    const target = this.store.state.seq;
    this.store.saveCursor({
      ...cursor,
      cursor: subscriber.rebuild ? cursor.cursor : 0,
      failures: 0,
      nextAttemptAt: null,
      lastError: null,
      rebuild: subscriber.rebuild ? { target, through: 0, pages: 0 } : null,
    });
    this.store.scheduleDelivery();
    return true;
  }

  /**
   * Runs one command as `actor`, and reads back the task it concerns so a REST
   * write answers in one round trip. The time is the board's: commands are ordered here.
   */
  command(
    envelope: CommandEnvelope,
    caller: { id: string; role: Role },
  ): { result: CommandResult; task: TaskView | null } {
    const before = this.store.state.seq;
    const result = executeCommand(this.store, envelope, {
      actor: caller.id,
      role: caller.role,
      at: new Date().toISOString(),
    });
    // A retried opId is answered with its first result: its event went out back then.
    if (result.status === "applied" && result.seq > before) announce(this.live.hub, result.event);
    const key = subjectTask(envelope, result);
    const task = key === null ? undefined : this.store.state.tasks[key];
    return { result, task: task ? taskView(this.store.state, task) : null };
  }

  /**
   * Makes this new, empty board out of an exported log, a page at a time: every
   * event appended as it was recorded, each page in one transaction, and the
   * subscribers catch up from seq 0 after the last page as after any append. The
   * Worker has read and checked the log (src/domain/boardLog.ts) up to each page.
   */
  importLog(
    events: StoredEvent[],
    page: { first: boolean; last: boolean } = { first: true, last: true },
  ): { seq: number; board: Board | null; members: Member[] } {
    this.store.importLog(events, page);
    const state = this.store.state;
    return { seq: state.seq, board: state.board, members: Object.values(state.members) };
  }

  /**
   * Forgets an import given up halfway (a bad line further on in the file): the
   * board was never announced, and nothing of it reached a projection. Refused for
   * any board not in the middle of an import.
   */
  async discardImport(): Promise<boolean> {
    if (!this.store.importing()) return false;
    // Its id is never given out again (an import makes a new one each time), so nothing reaches this object after.
    await this.ctx.storage.deleteAll();
    return true;
  }
}
