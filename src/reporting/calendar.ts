import { type DomainError, invalid } from "../domain/errors";

// Days as people see them: a report's days are calendar days in the viewer's time
// zone, so the instants the log records are turned into local dates here.

/** One formatter per time zone: making one costs far more than using it, and a report turns thousands of instants into days. */
const formatters = new Map<string, Intl.DateTimeFormat>();
const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T[^+-]*Z$/;

/** The calendar day (YYYY-MM-DD) an instant falls on in a time zone; throws for an unknown zone. */
export function dayIn(timeZone: string, instant: string): string {
  if (timeZone === "UTC" && UTC_INSTANT.test(instant)) return instant.slice(0, 10);
  let format = formatters.get(timeZone);
  if (!format) {
    // en-CA writes dates as YYYY-MM-DD.
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    formatters.set(timeZone, format);
  }
  return format.format(new Date(instant));
}

/** Reports cover at most this many days: a year and a bit, drawn as one chart. */
export const MAX_REPORT_DAYS = 370;

const DAY_MS = 86_400_000;

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday of a calendar date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
}

/** The Monday of the week a date falls in. */
export function weekOf(date: string): string {
  return addDays(date, 1 - isoWeekday(date));
}

/** Every date from `from` to `to`, both included. */
export function datesFrom(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) dates.push(d);
  return dates;
}

export function checkTimeZone(timeZone: string): DomainError | null {
  try {
    dayIn(timeZone, "2026-01-01T00:00:00Z");
    return null;
  } catch {
    return invalid("invalid_time_zone", `"${timeZone}" is not a time zone; use an IANA name like Europe/Paris.`);
  }
}

export function checkRange(from: string, to: string, maxDays = MAX_REPORT_DAYS): DomainError | null {
  if (to < from) return invalid("invalid_range", `The range ends (${to}) before it starts (${from}).`);
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  if (days > maxDays) {
    return invalid(
      "range_too_large",
      `A report covers at most ${maxDays} days; this range has ${days}. Ask for a shorter one.`,
      {
        maxDays,
      },
    );
  }
  return null;
}

/**
 * An instant safely before every moment of `date` in any time zone (offsets reach
 * ±14 h), and one safely after: bounds for reading a range of local days by UTC
 * instants, refined by `dayIn` afterwards.
 */
export function utcBounds(from: string, to: string): { after: string; before: string } {
  return { after: `${addDays(from, -1)}T00:00:00.000Z`, before: `${addDays(to, 2)}T00:00:00.000Z` };
}

/** Nearest-rank percentile of sorted numbers (null for none). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? null;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes a time zone is ahead of UTC at an instant. */
function offsetMinutes(timeZone: string, at: number): number {
  let format = offsetFormatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    offsetFormatters.set(timeZone, format);
  }
  const part = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, Number(p.value)]));
  const local = Date.UTC(part.year ?? 0, (part.month ?? 1) - 1, part.day ?? 1, part.hour ?? 0, part.minute ?? 0);
  return Math.round((local - Math.floor(at / 60_000) * 60_000) / 60_000);
}

/**
 * The longest span of UTC time (minutes: a day, an hour or a quarter) that never
 * straddles a midnight of `timeZone` from `from` to `to`: moves summed per such span
 * still fall on the right local day.
 */
export function dayAlignedSpan(timeZone: string, from: string, to: string): 1440 | 60 | 15 {
  let span: 1440 | 60 | 15 = 1440;
  for (let d = addDays(from, -1); d <= addDays(to, 1); d = addDays(d, 1)) {
    const offset = offsetMinutes(timeZone, Date.parse(`${d}T12:00:00Z`));
    if (offset % 60 !== 0) return 15;
    if (offset !== 0) span = 60;
  }
  return span;
}
