import { clientCommandSchema } from "../../../src/domain/commands";
import type { FieldConflict } from "../../../src/domain/errors";
import type { BoardEvent } from "../../../src/domain/events";
import { evolve, noneTouched } from "../../../src/domain/evolve";
import type { BoardState, Role } from "../../../src/domain/model";
import {
  type ClientMessage,
  MAX_CLIENT_MESSAGE_BYTES,
  type PRESENCE_ACTIVITIES,
  PROTOCOL_VERSION,
  type PresenceEntry,
  type ServerMessage,
} from "../../../src/domain/protocol";
import { type BackoffOptions, DEFAULT_BACKOFF, reconnectDelay } from "./backoff";
import { boardEventFrom, boardStateFromSnapshot, fieldConflictsFrom, parseServerMessage } from "./boardMessages";
import { OptimisticView, type ViewChanges } from "./OptimisticView";
import type { Actor } from "./optimisticState";
import { memoryPendingStore, type PendingCommand, type PendingStore, pendingCommandSchema } from "./pendingStore";
import { type ClientCommand, type TaskKeyField, taskKeysOf, withTaskKeys } from "./taskKeys";
import { type Clock, type Connection, systemClock, type TimerHandle, type Transport } from "./transport";

export type { ClientCommand };

/**
 * Where the engine stands with the board. `outdated` and `closed` are final: the app
 * must reload (another protocol or event version), or the board is gone for this
 * person (removed, or the board deleted).
 */
export type SyncStatus = "idle" | "connecting" | "syncing" | "online" | "offline" | "stopped" | "outdated" | "closed";

export type PresenceActivity = (typeof PRESENCE_ACTIVITIES)[number];

/** A command the board refused because someone changed the same field first. */
export interface ConflictReport {
  readonly opId: string;
  readonly command: ClientCommand;
  readonly conflicts: readonly FieldConflict[];
  /** Sends the same change again as a new command (new opId) based on the board as it is now; its opId, or null if already settled. */
  reapply(): string | null;
  /** Drops the change. */
  discard(): void;
}

/** A command the board refused for any other reason (a rule, a permission), or that could not be sent. */
export interface FailureReport {
  readonly opId: string;
  readonly command: ClientCommand;
  readonly code: string;
  readonly message: string;
  dismiss(): void;
}

/** How one submitted command ended: what the fuzz test and telemetry count. */
export type Settlement =
  | { opId: string; command: ClientCommand; outcome: "acked"; seq: number }
  | { opId: string; command: ClientCommand; outcome: "conflict"; conflicts: FieldConflict[] }
  | { opId: string; command: ClientCommand; outcome: "failed"; code: string; message: string };

export interface SyncEngineOptions {
  transport: Transport;
  /** Where the pending queue survives reloads; in memory when absent. */
  pendingStore?: PendingStore;
  clock?: Clock;
  /** In [0, 1); jitters the reconnect delays. */
  random?: () => number;
  /** A fresh idempotency key (at least 8 characters). */
  newOpId?: () => string;
  /** Who is signed in, for the optimistic view until the board's welcome says so. */
  actor?: Actor;
  /**
   * The board as the app already loaded it (say, over REST): the engine starts from
   * it and asks only for what happened since, and reports changes relative to it.
   * The engine keeps this object and folds events into it: it is the engine's from
   * then on, so give it a copy of what anything else holds.
   */
  initial?: BoardState;
  backoff?: BackoffOptions;
  /** Presence is sent at most once per this many milliseconds (the latest value wins). */
  presenceIntervalMs?: number;
  /** How long to wait before resending a command the board refused as rate-limited. */
  rateLimitRetryMs?: number;
  /**
   * Sends a command too large for the live connection some other way (the REST
   * `POST …/commands`) and answers as the board would over the socket. Throws when
   * the request did not get through: the command is retried with its opId, so a
   * command that did land is not applied twice. Without it, such a command fails.
   */
  sendLarge?: (message: Extract<ClientMessage, { type: "cmd" }>) => Promise<CommandAnswer>;
  onSettled?: (settlement: Settlement) => void;
}

/** A large command whose request failed goes again after this long. */
const LARGE_RETRY_MS = 2_000;

/** The board's answer to one command, whichever way it was sent. */
export type CommandAnswer = Extract<ServerMessage, { type: "ack" } | { type: "reject" }>;

/** Close codes after which reconnecting cannot help (see src/board/liveSessions.ts). */
const FINAL_CLOSES: Record<number, { status: SyncStatus; problem: string }> = {
  4002: { status: "outdated", problem: "This board speaks a newer version of Lanes; reload the page." },
  4003: { status: "closed", problem: "You were removed from this board." },
  4004: { status: "closed", problem: "This board was deleted." },
};

interface Link {
  connection: Connection | null;
}

interface PresenceUpdate {
  taskKey: string | null;
  activity: PresenceActivity | null;
}

/** How long after catching up the view copies the board (see OptimisticView.prepare): after the first screen is drawn. */
const PREPARE_AFTER_MS = 500;

const utf8 = new TextEncoder();

/**
 * The client half of the sync protocol for one board. It holds the board as the
 * server confirmed it (with its seq) and a FIFO queue of the person's pending
 * commands, and shows the confirmed state with the queue applied optimistically.
 *
 * One command is in flight at a time, and the next leaves only once the confirmed
 * state has caught up with the previous one's ack: a command is based on a state
 * that holds its predecessor, because the board's conflict rule counts every change
 * after a command's base, the sender's own included. A command keeps its opId for
 * life, so resending it after a lost connection is answered with its first result.
 */
export class SyncEngine {
  private readonly transport: Transport;
  private readonly store: PendingStore;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly newOpId: () => string;
  private readonly backoff: BackoffOptions;
  private readonly presenceIntervalMs: number;
  private readonly sendLarge: SyncEngineOptions["sendLarge"];
  private readonly rateLimitRetryMs: number;
  private readonly onSettled: ((settlement: Settlement) => void) | undefined;

  private actor: Actor;
  private confirmedState: BoardState | null = null;
  private queue: PendingCommand[] = [];
  private inFlight: string | null = null;
  /** The highest seq the board acked one of this person's commands at. */
  private lastAckSeq = 0;
  private link: Link | null = null;
  /** The current connection has delivered its catch-up (snapshot or events). */
  private synced = false;
  private running = false;
  private attempts = 0;
  private reconnectTimer: TimerHandle | null = null;
  private retryTimer: TimerHandle | null = null;
  private currentStatus: SyncStatus = "idle";
  private lastProblem: string | null = null;
  private sessionInfo: { sessionId: string; userId: string; role: Role } | null = null;
  private conflictList: ConflictReport[] = [];
  private failureList: FailureReport[] = [];
  private presenceList: PresenceEntry[] = [];
  private presenceWanted: PresenceUpdate | null = null;
  private presenceSent: PresenceUpdate | null = null;
  private presenceSentAt = Number.NEGATIVE_INFINITY;
  private presenceTimer: TimerHandle | null = null;
  private readonly view = new OptimisticView();
  /** Rows confirmed events changed since the view was last brought up to date. */
  private confirmedRows: ViewChanges = noneTouched();
  private readonly listeners = new Set<(changes: ViewChanges) => void>();
  private saving: Promise<void> = Promise.resolve();
  private restored = false;
  /** Something the view is made of may have changed since it was last brought up to date. */
  private stale = true;
  /** A hello asking from before the confirmed seq is out, for the keys of tasks created here (see recallKeys). */
  private recalling = false;

  constructor(options: SyncEngineOptions) {
    this.transport = options.transport;
    this.store = options.pendingStore ?? memoryPendingStore();
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.newOpId = options.newOpId ?? (() => crypto.randomUUID());
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.presenceIntervalMs = options.presenceIntervalMs ?? 250;
    this.sendLarge = options.sendLarge;
    this.rateLimitRetryMs = options.rateLimitRetryMs ?? 200;
    this.onSettled = options.onSettled;
    this.actor = options.actor ?? { userId: "", role: "member" };
    if (options.initial) {
      this.confirmedState = options.initial;
      this.view.seed(options.initial);
    }
  }

  // ---- what the app reads ---------------------------------------------------

  /**
   * The board as the person sees it: confirmed plus pending. Null until the first
   * snapshot. Updated in place, row by row (the listeners are told which rows): read,
   * never keep or change.
   */
  get state(): BoardState | null {
    return this.visible();
  }

  /** The board as the server confirmed it. Live and folded in place: read, never keep or change. */
  get confirmed(): Readonly<BoardState> | null {
    return this.confirmedState;
  }

  get pending(): readonly PendingCommand[] {
    return this.queue;
  }

  get conflicts(): readonly ConflictReport[] {
    return this.conflictList;
  }

  get failures(): readonly FailureReport[] {
    return this.failureList;
  }

  /** Everyone on the board and what they are working on, as the board last said. */
  get presence(): readonly PresenceEntry[] {
    return this.presenceList;
  }

  get status(): SyncStatus {
    return this.currentStatus;
  }

  /** Who the board says this connection is, once welcomed. */
  get session(): { sessionId: string; userId: string; role: Role } | null {
    return this.sessionInfo;
  }

  /** The last thing that went wrong that the person may need to know (a failed save, an unreadable message). */
  get problem(): string | null {
    return this.lastProblem;
  }

  /**
   * Calls `listener` after every change of anything above, with the rows of `state`
   * changed since the previous call; returns the unsubscribe function.
   */
  subscribe(listener: (changes: ViewChanges) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once every change to the pending queue so far is saved. */
  flushed(): Promise<void> {
    return this.saving;
  }

  // ---- what the app does ----------------------------------------------------

  /** Loads the saved queue and connects. Commands submitted before it resolves queue behind the saved ones. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    // The connection opens, and the board catches up, while the saved queue is read
    // (and the caller draws the board). Commands wait for the queue: saved ones go
    // first. A saved one waiting for its task's key asks from further back after.
    this.connect();
    let stored: unknown[] = [];
    try {
      stored = await this.store.load();
    } catch (error) {
      this.lastProblem = `Changes saved for offline use could not be read: ${String(error)}`;
    }
    if (!this.running) return;
    const known = new Set(this.queue.map((entry) => entry.opId));
    const loaded: PendingCommand[] = [];
    for (const raw of stored) {
      const parsed = pendingCommandSchema.safeParse(raw);
      if (parsed.success && !known.has(parsed.data.opId)) loaded.push(parsed.data);
    }
    this.queue = [...loaded, ...this.queue];
    this.restored = true;
    this.persist();
    if (this.synced) {
      this.retireAcked();
      if (!this.recallKeys()) this.pump();
    }
    this.changed();
  }

  /** Closes the connection and stops reconnecting; the queue is kept. */
  stop(): void {
    this.running = false;
    this.dropLink();
    this.clearTimer("reconnectTimer");
    this.setStatus("stopped");
    this.changed();
  }

  /** Tries at once instead of waiting out the backoff (say, when the browser reports it is online again). */
  reconnectNow(): void {
    if (!this.running || this.link !== null) return;
    this.clearTimer("reconnectTimer");
    this.attempts = 0;
    this.connect();
    this.changed();
  }

  /**
   * Queues a command, shows it at once and sends it when its turn comes; returns its
   * opId. A command the protocol cannot carry is reported as a failure at once.
   */
  submit(command: ClientCommand): string {
    const opId = this.newOpId();
    const parsed = clientCommandSchema.safeParse(command);
    if (!parsed.success) {
      const hint = parsed.error.issues[0];
      this.reportFailure(
        opId,
        command,
        "invalid_command",
        `This change cannot be sent${hint ? ` (${hint.path.join(".") || "command"}: ${hint.message})` : ""}.`,
      );
      this.changed();
      return opId;
    }
    const provisional: Partial<Record<TaskKeyField, string>> = {};
    let keyFrom: number | undefined;
    this.visible();
    for (const [field, key] of Object.entries(taskKeysOf(parsed.data)) as [TaskKeyField, string][]) {
      const creator = this.view.provisionalKeys.get(key);
      if (creator === undefined) continue;
      provisional[field] = creator;
      // Already acked, its event still on the way: the key is in the event at that seq.
      const ackedAt = this.queue.find((entry) => entry.opId === creator)?.ackedAt;
      if (ackedAt !== undefined) keyFrom = Math.min(keyFrom ?? ackedAt, ackedAt);
    }
    this.queue.push({
      opId,
      baseSeq: Math.max(this.confirmedState?.seq ?? 0, this.lastAckSeq),
      command: parsed.data,
      provisional,
      ...(keyFrom === undefined ? {} : { keyFrom }),
    });
    this.persist();
    this.pump();
    this.changed();
    return opId;
  }

  /** Tells the others which task this person is on; throttled, the latest value wins. */
  setPresence(taskKey: string | null, activity: PresenceActivity | null): void {
    this.presenceWanted = { taskKey, activity };
    this.sharePresence();
  }

  // ---- the connection -------------------------------------------------------

  private connect(): void {
    this.reconnectTimer = null;
    const link: Link = { connection: null };
    this.link = link;
    this.setStatus("connecting");
    link.connection = this.transport.connect({
      opened: () => {
        if (this.link === link) this.opened();
      },
      received: (data) => {
        if (this.link !== link) return;
        this.received(data);
        this.changed();
      },
      closed: (code) => {
        if (this.link !== link) return;
        this.lost(code);
        this.changed();
      },
    });
  }

  private opened(): void {
    const since = this.neededSince();
    // Asking from before the confirmed seq is itself the recall of a missing key (see recallKeys).
    this.recalling = since < (this.confirmedState?.seq ?? 0);
    this.send({ type: "hello", protocol: PROTOCOL_VERSION, since });
    this.setStatus("syncing");
    this.changed();
  }

  /** The connection is gone: whatever was in flight is resent, with its opId, on the next one. */
  private lost(code?: number): void {
    this.dropLink();
    const final = code === undefined ? undefined : FINAL_CLOSES[code];
    if (final) {
      this.halt(final.status, final.problem);
      return;
    }
    if (!this.running) return;
    this.setStatus("offline");
    this.clearTimer("reconnectTimer");
    const delay = reconnectDelay(this.attempts, this.random, this.backoff);
    this.attempts += 1;
    this.reconnectTimer = this.clock.setTimeout(() => {
      this.connect();
      this.changed();
    }, delay);
  }

  /** Starts over from the confirmed seq on a new connection: the way out of a gap. */
  private resync(): void {
    this.lost();
  }

  /** Stops for good: nothing this client can send would be understood, or it is no longer on the board. */
  private halt(status: SyncStatus, problem: string): void {
    this.running = false;
    this.dropLink();
    this.clearTimer("reconnectTimer");
    this.lastProblem = problem;
    this.setStatus(status);
  }

  private dropLink(): void {
    const connection = this.link?.connection;
    this.link = null;
    this.synced = false;
    this.inFlight = null;
    this.presenceSent = null;
    this.clearTimer("retryTimer");
    this.clearTimer("presenceTimer");
    connection?.close();
  }

  private send(message: ClientMessage): void {
    this.link?.connection?.send(JSON.stringify(message));
  }

  // ---- what the board says --------------------------------------------------

  private received(data: string): void {
    const message = parseServerMessage(data);
    if (message === null) {
      this.lastProblem = "The board sent a message this version of the app does not understand.";
      return;
    }
    switch (message.type) {
      case "welcome":
        this.sessionInfo = { sessionId: message.sessionId, userId: message.userId, role: message.role };
        this.actor = { userId: message.userId, role: message.role };
        break;
      case "snapshot": {
        const state = boardStateFromSnapshot(message.seq, message.snapshot);
        if (state === null) {
          this.halt("outdated", "The board sent a state this app cannot read; reload the page.");
          break;
        }
        this.confirmedState = state;
        this.confirmedRows = "all";
        this.caughtUp();
        break;
      }
      case "events":
        // Only ever the answer to hello, which is always sent with a since past 0 here.
        if (this.confirmedState === null) this.resync();
        else if (message.events.every((raw) => this.fold(raw))) this.caughtUp();
        break;
      case "event":
        // Events broadcast before the answer to hello are part of that answer.
        if (this.synced && this.fold(message.event)) {
          this.retireAcked();
          this.pump();
        }
        break;
      case "ack":
        this.acked(message.opId, message.seq);
        break;
      case "reject":
        this.rejected(message);
        break;
      case "presence":
        this.presenceList = message.people;
        break;
      case "presenceChanged": {
        const changed = new Set([...message.left, ...message.people.map((person) => person.userId)]);
        this.presenceList = [...this.presenceList.filter((person) => !changed.has(person.userId)), ...message.people];
        break;
      }
      case "error":
        if (message.code === "protocol_mismatch") this.halt("outdated", message.message);
        else this.lastProblem = message.message;
        break;
    }
  }

  /**
   * Folds the next event into the confirmed state. A repeat is ignored; a gap means
   * events were missed, and the engine resyncs. False when it had to stop reading.
   */
  private fold(raw: unknown): boolean {
    const state = this.confirmedState;
    if (state === null) return false;
    const event = boardEventFrom(raw);
    if (event === null) {
      this.halt("outdated", "The board sent a change this version of the app cannot read; reload the page.");
      return false;
    }
    if (event.seq <= state.seq) {
      // Already folded, but it may be news about this person's own queue (see acked).
      this.landed(event);
      return true;
    }
    if (event.seq !== state.seq + 1) {
      this.resync();
      return false;
    }
    evolve(state, event, this.confirmedRows === "all" ? noneTouched() : this.confirmedRows);
    this.landed(event);
    return true;
  }

  /** One of this person's commands may be in the event: it needs no resend, and its new task's key is known. */
  private landed(event: BoardEvent): void {
    let touched = false;
    if (event.type === "task.created") {
      const key = event.payload.task.key;
      for (const entry of this.queue) {
        for (const [field, creator] of Object.entries(entry.provisional) as [TaskKeyField, string][]) {
          if (creator !== event.opId) continue;
          entry.command = withTaskKeys(entry.command, { [field]: key });
          delete entry.provisional[field];
          if (Object.keys(entry.provisional).length === 0) delete entry.keyFrom;
          touched = true;
        }
      }
    }
    const index = this.queue.findIndex((entry) => entry.opId === event.opId);
    const entry = this.queue[index];
    if (entry) {
      // Sent on an earlier connection, applied, and the ack lost with that connection.
      this.queue.splice(index, 1);
      if (this.inFlight === entry.opId) this.inFlight = null;
      if (entry.ackedAt === undefined) this.noteAck(entry, event.seq);
      touched = true;
    }
    if (touched) this.persist();
  }

  private caughtUp(): void {
    this.synced = true;
    this.attempts = 0;
    this.setStatus("online");
    // A moment after catching up, the view takes its own copy of the board, so that the first change shows without waiting for it.
    this.clock.setTimeout(() => this.view.prepare(), PREPARE_AFTER_MS);
    this.retireAcked();
    if (this.recallKeys()) return;
    this.sharePresence();
    this.pump();
  }

  private acked(opId: string, seq: number): void {
    const entry = this.queue[0];
    if (opId !== this.inFlight || entry?.opId !== opId) return;
    this.inFlight = null;
    entry.ackedAt = seq;
    this.noteAck(entry, seq);
    this.retireAcked();
    this.persist();
    if (!this.recallKeys()) this.pump();
  }

  /** The board holds the command at `seq`: the commands behind it are based on at least that. */
  private noteAck(entry: PendingCommand, seq: number): void {
    this.lastAckSeq = Math.max(this.lastAckSeq, seq);
    for (const other of this.queue) {
      other.baseSeq = Math.max(other.baseSeq, seq);
      // A command waiting for this new task's key: the key is in the event at `seq`.
      if (Object.values(other.provisional).includes(entry.opId)) other.keyFrom = Math.min(other.keyFrom ?? seq, seq);
    }
    this.onSettled?.({ opId: entry.opId, command: entry.command, outcome: "acked", seq });
  }

  /** Drops acked commands the confirmed state now holds: they no longer need showing on top of it. */
  private retireAcked(): void {
    const seq = this.confirmedState?.seq ?? 0;
    let retired = false;
    while (this.queue[0]?.ackedAt !== undefined && this.queue[0].ackedAt <= seq) {
      this.queue.shift();
      retired = true;
    }
    if (retired) this.persist();
  }

  /**
   * A task this person created is in the confirmed state, but its event (and so its
   * key) was never seen: the state came from a snapshot taken after it (its ack was
   * lost, then the page reloaded), and commands queued for it wait on that key. Asks
   * again from just before it, since the events carry the key; true while that
   * answer is awaited. If the answer did not carry it either (a snapshot, for a
   * client far behind), those commands cannot be matched and fail when their turn comes.
   */
  private recallKeys(): boolean {
    const seq = this.confirmedState?.seq ?? 0;
    const since = this.neededSince();
    if (since >= seq) {
      this.recalling = false;
      return false;
    }
    if (this.recalling) {
      for (const entry of this.queue) if (entry.keyFrom !== undefined && entry.keyFrom <= seq) delete entry.keyFrom;
      this.recalling = false;
      this.persist();
      return false;
    }
    this.recalling = true;
    this.synced = false;
    this.send({ type: "hello", protocol: PROTOCOL_VERSION, since });
    return true;
  }

  /**
   * The seq to catch up from: the confirmed one, or earlier when queued commands still
   * wait for the key of a task whose creation the board acked (its event, a repeat
   * for the confirmed state, is where the key is). 0 without a board: a snapshot.
   */
  private neededSince(): number {
    const seq = this.confirmedState?.seq ?? 0;
    if (seq === 0) return 0;
    const waiting = this.queue.flatMap((entry) => (entry.keyFrom === undefined ? [] : [entry.keyFrom - 1]));
    return Math.max(1, Math.min(seq, ...waiting));
  }

  private rejected(message: Extract<ServerMessage, { type: "reject" }>): void {
    const entry = this.queue[0];
    if (message.opId !== this.inFlight || entry?.opId !== message.opId) return;
    this.inFlight = null;
    if (message.code === "rate_limited") {
      // Nothing was recorded: the same command goes again, after a pause.
      const delay = reconnectDelay(0, this.random, { initialMs: this.rateLimitRetryMs, maxMs: this.rateLimitRetryMs });
      this.retryTimer = this.clock.setTimeout(() => {
        this.retryTimer = null;
        this.pump();
        this.changed();
      }, delay);
      return;
    }
    this.queue.shift();
    if (message.code === "conflict") {
      this.reportConflict(entry, fieldConflictsFrom(message.conflicts));
    } else {
      this.reportFailure(entry.opId, entry.command, message.code, message.message);
    }
    this.persist();
    this.pump();
  }

  // ---- sending --------------------------------------------------------------

  /** Sends the head of the queue if its turn has come. */
  private pump(): void {
    const connection = this.link?.connection;
    const state = this.confirmedState;
    if (!connection || !this.synced || !this.restored || state === null) return;
    if (this.inFlight !== null || this.retryTimer !== null) return;
    // The previous command's event has not arrived yet: the next must be based on it.
    if (state.seq < this.lastAckSeq) return;
    let dropped = false;
    for (let entry = this.queue[0]; entry !== undefined; entry = this.queue[0]) {
      if (entry.ackedAt !== undefined) break;
      if (Object.keys(entry.provisional).length > 0) {
        // Its task's creation was refused, or landed while this client only got a snapshot.
        this.queue.shift();
        this.reportFailure(
          entry.opId,
          entry.command,
          "task_not_created",
          "This change was for a task created offline that the board did not create or could not be matched; check the board and make the change again.",
        );
        dropped = true;
        continue;
      }
      const message: ClientMessage = {
        type: "cmd",
        opId: entry.opId,
        baseSeq: Math.min(entry.baseSeq, state.seq),
        command: entry.command,
      };
      const text = JSON.stringify(message);
      if (utf8.encode(text).length > MAX_CLIENT_MESSAGE_BYTES && this.sendLarge) {
        this.inFlight = entry.opId;
        this.sendAside(this.sendLarge, message);
        break;
      }
      if (utf8.encode(text).length > MAX_CLIENT_MESSAGE_BYTES) {
        this.queue.shift();
        this.reportFailure(
          entry.opId,
          entry.command,
          "message_too_large",
          `This change is larger than the ${MAX_CLIENT_MESSAGE_BYTES / 1024} KiB the live connection carries; shorten it and try again.`,
        );
        dropped = true;
        continue;
      }
      this.inFlight = entry.opId;
      connection.send(text);
      break;
    }
    if (dropped) this.persist();
  }

  /** A command too large for the socket goes by the other road; its answer is taken like the socket's. */
  private sendAside(
    send: NonNullable<SyncEngineOptions["sendLarge"]>,
    message: Extract<ClientMessage, { type: "cmd" }>,
  ): void {
    send(message).then(
      (answer) => {
        if (answer.type === "ack") this.acked(answer.opId, answer.seq);
        else this.rejected(answer);
        this.changed();
      },
      () => {
        // It may or may not have landed: the same opId goes again after a pause.
        if (this.inFlight !== message.opId) return;
        this.inFlight = null;
        this.retryTimer = this.clock.setTimeout(() => {
          this.retryTimer = null;
          this.pump();
          this.changed();
        }, LARGE_RETRY_MS);
      },
    );
  }

  private sharePresence(): void {
    const wanted = this.presenceWanted;
    if (!this.link?.connection || !this.synced || wanted === null || this.presenceTimer !== null) return;
    const sent = this.presenceSent;
    if (sent !== null && sent.taskKey === wanted.taskKey && sent.activity === wanted.activity) return;
    const wait = this.presenceSentAt + this.presenceIntervalMs - this.clock.now();
    if (wait > 0) {
      this.presenceTimer = this.clock.setTimeout(() => {
        this.presenceTimer = null;
        this.sharePresence();
      }, wait);
      return;
    }
    this.send({ type: "presence", taskKey: wanted.taskKey, activity: wanted.activity });
    this.presenceSent = wanted;
    this.presenceSentAt = this.clock.now();
  }

  // ---- reports --------------------------------------------------------------

  private reportConflict(entry: PendingCommand, conflicts: FieldConflict[]): void {
    const report: ConflictReport = {
      opId: entry.opId,
      command: entry.command,
      conflicts,
      reapply: () => (this.removeConflict(report) ? this.submit(entry.command) : null),
      discard: () => {
        if (this.removeConflict(report)) this.changed();
      },
    };
    this.conflictList = [...this.conflictList, report];
    this.onSettled?.({ opId: entry.opId, command: entry.command, outcome: "conflict", conflicts });
  }

  private removeConflict(report: ConflictReport): boolean {
    const before = this.conflictList.length;
    this.conflictList = this.conflictList.filter((r) => r !== report);
    return this.conflictList.length < before;
  }

  private reportFailure(opId: string, command: ClientCommand, code: string, message: string): void {
    const report: FailureReport = {
      opId,
      command,
      code,
      message,
      dismiss: () => {
        const before = this.failureList.length;
        this.failureList = this.failureList.filter((r) => r !== report);
        if (this.failureList.length < before) this.changed();
      },
    };
    this.failureList = [...this.failureList, report];
    this.onSettled?.({ opId, command, outcome: "failed", code, message });
  }

  // ---- bookkeeping ----------------------------------------------------------

  /** The view, brought up to date if anything changed since. */
  private visible(): BoardState | null {
    if (this.confirmedState === null) return null;
    if (this.stale) {
      this.view.update(
        this.confirmedState,
        this.confirmedRows,
        this.queue,
        this.actor,
        new Date(this.clock.now()).toISOString(),
      );
      this.confirmedRows = noneTouched();
      this.stale = false;
    }
    return this.view.state;
  }

  /** Saves the queue as it is now; saves run one after another, so the last one wins. */
  private persist(): void {
    // Until the saved queue is read, saving would overwrite it: start() saves once it has merged.
    if (!this.restored) return;
    const queue = structuredClone(this.queue);
    this.saving = this.saving
      .then(() => this.store.save(queue))
      .catch((error) => {
        this.lastProblem = `Changes could not be saved for offline use: ${String(error)}`;
      });
  }

  private setStatus(status: SyncStatus): void {
    this.currentStatus = status;
  }

  private clearTimer(name: "reconnectTimer" | "retryTimer" | "presenceTimer"): void {
    const handle = this[name];
    if (handle !== null) this.clock.clearTimeout(handle);
    this[name] = null;
  }

  private changed(): void {
    this.stale = true;
    if (this.listeners.size === 0) return;
    this.visible();
    const changes = this.view.takeChanges();
    for (const listener of this.listeners) listener(changes);
  }
}
