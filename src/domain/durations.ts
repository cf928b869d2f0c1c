// Durations as people type them in Jira: `1w 2d 3h 30m`. A day and a week are
// working ones, set per board (8 hours a day and 5 days a week unless the board
// says otherwise), so `1w` on a board of 8-hour days is 40 hours. Stored values
// are whole seconds; what people type and read has minute precision.

export interface DurationSettings {
  hoursPerDay: number;
  daysPerWeek: number;
}

export const DEFAULT_DURATION_SETTINGS: DurationSettings = { hoursPerDay: 8, daysPerWeek: 5 };

/** Nothing anyone logs or estimates is longer than this (about five working years at 8h × 5d). */
export const MAX_DURATION_SECONDS = 10_000 * 3600;

export const DURATION_FORMAT =
  "Use weeks, days, hours and minutes like 1w 2d 3h 30m (each unit once, largest first; 1.5h is allowed)";

const UNITS = ["w", "d", "h", "m"] as const;
type Unit = (typeof UNITS)[number];

function unitSeconds(unit: Unit, settings: DurationSettings): number {
  switch (unit) {
    case "m":
      return 60;
    case "h":
      return 3600;
    case "d":
      return settings.hoursPerDay * 3600;
    case "w":
      return settings.daysPerWeek * settings.hoursPerDay * 3600;
  }
}

function describe(settings: DurationSettings): string {
  return `${DURATION_FORMAT}; on this board 1d = ${settings.hoursPerDay}h and 1w = ${settings.daysPerWeek}d.`;
}

export type ParsedDuration = { ok: true; seconds: number } | { ok: false; message: string };

const PART = /^(\d{1,6}(?:\.\d{1,2})?)([wdhm])$/;

/** Seconds in `text`, rounded to the minute, or why it is not a duration. */
export function parseDuration(text: string, settings: DurationSettings = DEFAULT_DURATION_SETTINGS): ParsedDuration {
  const refuse = (why: string): ParsedDuration => ({ ok: false, message: `${why} ${describe(settings)}` });
  const parts = text.trim().toLowerCase().split(/\s+/);
  if (parts.length === 0 || parts[0] === "") return refuse("A duration cannot be empty.");
  let seconds = 0;
  let lastUnit = -1;
  for (const part of parts) {
    const match = PART.exec(part);
    if (!match) return refuse(`"${part}" is not a duration.`);
    const unit = match[2] as Unit;
    const at = UNITS.indexOf(unit);
    if (at <= lastUnit) return refuse(`"${text.trim()}" repeats a unit or puts a smaller one first.`);
    lastUnit = at;
    seconds += Number(match[1]) * unitSeconds(unit, settings);
  }
  seconds = Math.round(seconds / 60) * 60;
  if (seconds > MAX_DURATION_SECONDS) {
    return refuse(`"${text.trim()}" is longer than the ${MAX_DURATION_SECONDS / 3600} hours a duration may be.`);
  }
  return { ok: true, seconds };
}

/** `seconds` the way people write it, largest unit first: 9000 → "2h 30m"; 0 → "0m". */
export function formatDuration(seconds: number, settings: DurationSettings = DEFAULT_DURATION_SETTINGS): string {
  let minutes = Math.round(seconds / 60);
  const parts: string[] = [];
  for (const unit of UNITS) {
    const size = unitSeconds(unit, settings) / 60;
    const count = Math.floor(minutes / size);
    if (count > 0) parts.push(`${count}${unit}`);
    minutes -= count * size;
  }
  return parts.length > 0 ? parts.join(" ") : "0m";
}
