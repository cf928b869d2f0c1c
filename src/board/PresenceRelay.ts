import type { PresenceEntry } from "../domain/protocol";
import type { Hub, SessionData } from "./liveSessions";

/** Presence changes are sent together at most this often. */
export const PRESENCE_FLUSH_MS = 100;

interface SessionPresence {
  userId: string;
  name: string;
  taskKey: string | null;
  activity: PresenceEntry["activity"];
  /** When this session last said what it is doing; 0 when read back after a wake. */
  at: number;
}

/**
 * Who is on the board, by person: three tabs of one person are one avatar, showing
 * what the person last said they are doing. Changes are held back and sent together
 * at most every PRESENCE_FLUSH_MS, and only when a person's entry really changed,
 * so a thousand sockets arriving at once cost each session a few messages rather
 * than a thousand lists of a thousand.
 *
 * The table is a cache of the sockets' attachments (which survive hibernation),
 * read back from them on first use after a wake. What is held back lives in memory
 * only: presence is ephemeral, and if the board is evicted before a flush, the
 * next change or reconnect brings everyone up to date.
 */
export class PresenceRelay<S> {
  private table: Map<string, SessionPresence> | null = null;
  private readonly byUser = new Map<string, Set<string>>();
  /** What each session was last told of each person, as JSON. */
  private readonly announced = new Map<string, string>();
  private readonly pending = new Set<string>();
  private lastFlushAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly hub: Hub<S>) {}

  /** A session arrived or said what it is doing. Returns when the board must wake to send it, or null if sent. */
  changed(session: SessionData, now: number): number | null {
    this.put(session, now);
    this.pending.add(session.userId);
    return this.due(now);
  }

  /** A session has gone. */
  left(sessionId: string, now: number): number | null {
    const table = this.sessions();
    const gone = table.get(sessionId);
    if (!gone) return null;
    table.delete(sessionId);
    this.byUser.get(gone.userId)?.delete(sessionId);
    this.pending.add(gone.userId);
    return this.due(now);
  }

  /** Everyone here now, for a session that just arrived. */
  everyone(): PresenceEntry[] {
    this.sessions();
    const people: PresenceEntry[] = [];
    for (const userId of this.byUser.keys()) {
      const entry = this.entryOf(userId);
      if (entry) people.push(entry);
    }
    return people;
  }

  /** Sends what is held back to every session, if any person's entry changed. */
  flush(now: number): void {
    if (this.pending.size === 0) return;
    const people: PresenceEntry[] = [];
    const left: string[] = [];
    for (const userId of this.pending) {
      const entry = this.entryOf(userId);
      const text = entry ? JSON.stringify(entry) : null;
      if (text === (this.announced.get(userId) ?? null)) continue;
      if (entry && text) {
        people.push(entry);
        this.announced.set(userId, text);
      } else {
        left.push(userId);
        this.announced.delete(userId);
      }
    }
    this.pending.clear();
    this.lastFlushAt = now;
    if (people.length + left.length > 0) {
      this.hub.sendAll(this.hub.sessions(), { type: "presenceChanged", people, left });
    }
  }

  private due(now: number): number | null {
    const at = this.lastFlushAt + PRESENCE_FLUSH_MS;
    if (now < at) return at;
    this.flush(now);
    return null;
  }

  private sessions(): Map<string, SessionPresence> {
    if (this.table) return this.table;
    this.table = new Map();
    for (const socket of this.hub.sessions()) this.put(this.hub.data(socket), 0);
    return this.table;
  }

  private put(session: SessionData, at: number): void {
    const { sessionId, userId, name, presence } = session;
    this.sessions().set(sessionId, {
      userId,
      name,
      taskKey: presence?.taskKey ?? null,
      activity: presence?.activity ?? null,
      at,
    });
    const mine = this.byUser.get(userId) ?? new Set<string>();
    mine.add(sessionId);
    this.byUser.set(userId, mine);
  }

  /** A person's entry: what their most recently active session is doing; null when they have no session. */
  private entryOf(userId: string): PresenceEntry | null {
    const ids = this.byUser.get(userId);
    let latest: SessionPresence | null = null;
    for (const id of ids ?? []) {
      const s = this.table?.get(id);
      if (!s) continue;
      const busier = latest === null || (s.activity !== null && (latest.activity === null || s.at > latest.at));
      if (busier) latest = s;
    }
    if (!latest) {
      this.byUser.delete(userId);
      return null;
    }
    return { userId, name: latest.name, taskKey: latest.taskKey, activity: latest.activity };
  }
}
