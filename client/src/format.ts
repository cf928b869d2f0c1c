import { formatDuration } from "../../src/domain/durations";
import type { BoardSettings } from "../../src/domain/model";

// How values read on screen.

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  return ((parts[0]?.[0] ?? "?") + (parts.length > 1 ? (parts.at(-1)?.[0] ?? "") : "")).toUpperCase();
}

/** A stable hue per person, so the same avatar colour follows them around the board. */
export function avatarHue(id: string): number {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return h;
}

export function duration(seconds: number | null | undefined, settings?: BoardSettings): string {
  if (seconds === null || seconds === undefined) return "—";
  return formatDuration(
    seconds,
    settings ? { hoursPerDay: settings.hoursPerDay, daysPerWeek: settings.daysPerWeek } : undefined,
  );
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
export function when(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

/** An instant as a `datetime-local` input shows it: the person's own clock, to the minute. */
export function localDateTimeInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

export function eventLabel(type: string): string {
  return type
    .replace(/\./g, " ")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase();
}
