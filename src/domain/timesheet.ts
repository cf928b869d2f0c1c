import { type DomainError, invalid } from "./errors";
import type { BoardState, Worklog } from "./model";

// Time logged per day. A worklog counts on the day its work started as the viewer
// sees it: 23:30 in New York on Monday is Tuesday in UTC, and a New York timesheet
// must show it on Monday.

export interface TimesheetDay {
  /** The calendar day in the viewer's time zone, YYYY-MM-DD. */
  date: string;
  seconds: number;
  worklogs: Worklog[];
}

export interface Timesheet {
  timeZone: string;
  from: string;
  to: string;
  totalSeconds: number;
  days: TimesheetDay[];
}

/** The calendar day an instant falls on in a time zone. */
export function dayIn(timeZone: string, instant: string): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(
    new Date(instant),
  );
}

/**
 * Each day from `from` to `to` (inclusive) with the time a person (everyone, when
 * `userId` is absent) logged on it, days with nothing included so a chart has no gaps.
 */
export function timesheet(
  state: BoardState,
  query: { userId?: string; from: string; to: string; timeZone: string },
): Timesheet | DomainError {
  try {
    dayIn(query.timeZone, "2026-01-01T00:00:00Z");
  } catch {
    return invalid("invalid_time_zone", `"${query.timeZone}" is not a time zone; use an IANA name like Europe/Paris.`);
  }
  if (query.to < query.from) return invalid("invalid_range", "The range ends before it starts.");
  const days = new Map<string, TimesheetDay>();
  for (let at = Date.parse(`${query.from}T00:00:00Z`), n = 0; n < 370; at += 86_400_000, n++) {
    const date = new Date(at).toISOString().slice(0, 10);
    if (date > query.to) break;
    days.set(date, { date, seconds: 0, worklogs: [] });
  }
  if ([...days.keys()].at(-1) !== query.to) {
    return invalid("invalid_range", "A timesheet covers at most 370 days; ask for a shorter range.");
  }
  let total = 0;
  const worklogs = Object.values(state.worklogs)
    .filter((w) => query.userId === undefined || w.authorId === query.userId)
    .sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.id < b.id ? -1 : 1));
  for (const worklog of worklogs) {
    const day = days.get(dayIn(query.timeZone, worklog.startedAt));
    if (!day) continue;
    day.seconds += worklog.timeSpentSeconds;
    day.worklogs.push(worklog);
    total += worklog.timeSpentSeconds;
  }
  return { timeZone: query.timeZone, from: query.from, to: query.to, totalSeconds: total, days: [...days.values()] };
}
