import type { PresenceEntry } from "../domain/protocol";
import type { Hub, SessionData } from "./liveSessions";

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
 * what the person last said they are doing. A change goes to every session at once,
 * and only when a person's entry really changed: a thousand sockets of a team
 * reconnecting after a deploy cost nothing but their own hello, and a newcomer gets
 * one list of people rather than everyone getting a list per arrival. (Clients
 * throttle what they send: one presence message per person per 250 ms at most.)
 *
 * The table is a cache of the sockets' attachments, which survive hibernation, read
 * back from them on first use after a wake.
 */
export class PresenceRelay<S> {
  private table: Map<string, SessionPresence> | null = null;
  private readonly byUser = new Map<string, Set<string>>();
  /** What every session has been told, by person. */
  private readonly announced = new Map<string, PresenceEntry>();

  constructor(private readonly hub: Hub<S>) {}

  /** A session arrived or said what it is doing. */
  changed(session: SessionData, now: number): void {
    this.sessions({ without: session.sessionId });
    this.put(session, now);
    this.tell(session.userId);
  }

  /** A session has gone. */
  left(session: SessionData): void {
    const table = this.sessions({ with: session });
    if (!table.delete(session.sessionId)) return;
    this.byUser.get(session.userId)?.delete(session.sessionId);
    this.tell(session.userId);
  }

  /** Everyone here, for a session that just arrived. */
  everyone(): PresenceEntry[] {
    this.sessions();
    return [...this.announced.values()];
  }

  /** Tells every session of a person's new entry, if it differs from what they were told. */
  private tell(userId: string): void {
    const entry = this.entryOf(userId);
    const before = this.announced.get(userId);
    if (JSON.stringify(entry ?? null) === JSON.stringify(before ?? null)) return;
    if (entry) this.announced.set(userId, entry);
    else this.announced.delete(userId);
    this.hub.sendAll(this.hub.sessions(), {
      type: "presenceChanged",
      people: entry ? [entry] : [],
      left: entry ? [] : [userId],
    });
  }

  /**
   * The table, read back from the attachments on first use after a wake, when the
   * sessions had been told of everyone then here. The session that woke the board
   * is the change to announce: one arriving is left out of that, one leaving counted in.
   */
  private sessions(waking: { without?: string; with?: SessionData } = {}): Map<string, SessionPresence> {
    if (this.table) return this.table;
    this.table = new Map();
    for (const socket of this.hub.sessions()) {
      const session = this.hub.data(socket);
      // Only sessions that said hello were announced; a socket accepted just before a
      // restart, its hello still to come, is announced when it comes.
      if (session.here && session.sessionId !== waking.without) this.put(session, 0);
    }
    if (waking.with?.here) this.put(waking.with, 0);
    for (const userId of [...this.byUser.keys()]) {
      const entry = this.entryOf(userId);
      if (entry) this.announced.set(userId, entry);
    }
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
