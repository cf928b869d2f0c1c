import type { Delivery } from "./deliveryReport";
import type { CumulativeFlow, CycleTime } from "./flowReports";
import type { Burndown, SprintSummary, VelocityEntry } from "./sprintReports";
import type { TimesheetGrid } from "./timesheetReport";

// Every report as CSV (RFC 4180: comma-separated, CRLF line ends, a field quoted
// when it holds a comma, a quote or a line break), one row per point of its chart.
// Twenty lines of encoding do not warrant a dependency.

type Cell = string | number | boolean | null | undefined;

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return `${[header, ...rows].map((row) => row.map(cell).join(",")).join("\r\n")}\r\n`;
}

function cell(value: Cell): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  // A leading = + - @ would be read as a formula by a spreadsheet: a title is not a formula.
  const safe = /^[=+\-@]/.test(text) && typeof value === "string" ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function burndownCsv(report: Burndown): string {
  return toCsv(
    ["seq", "at", "date", "remaining", "scope", "completed", "scope_change", "changes", "unit"],
    report.series.map((p) => [
      p.seq,
      p.at,
      p.date,
      p.remaining,
      p.scope,
      p.completed,
      p.scopeChange,
      p.changes.map((c) => `${c.kind} ${c.key}`).join("; "),
      report.unit,
    ]),
  );
}

export function sprintSummaryCsv(report: SprintSummary): string {
  const groups = ["committed", "completed", "notCompleted", "addedAfterStart", "removedAfterStart"] as const;
  return toCsv(
    ["group", "key", "title", "points"],
    groups.flatMap((g) => report[g].items.map((i) => [g, i.key, i.title, i.points])),
  );
}

export function velocityCsv(entries: readonly VelocityEntry[]): string {
  return toCsv(
    [
      "sprint_id",
      "name",
      "completed_at",
      "committed",
      "completed",
      "added_after_start",
      "removed_after_start",
      "carried_over",
    ],
    entries.map((e) => [
      e.sprintId,
      e.name,
      e.completedAt,
      e.committed,
      e.completed,
      e.addedAfterStart,
      e.removedAfterStart,
      e.carriedOver,
    ]),
  );
}

export function cumulativeFlowCsv(report: CumulativeFlow): string {
  return toCsv(
    ["date", ...report.columns.map((c) => c.name), "total"],
    report.days.map((d) => [d.date, ...report.columns.map((c) => d.counts[c.id] ?? 0), d.total]),
  );
}

export function cycleTimeCsv(report: CycleTime): string {
  return toCsv(
    [
      "key",
      "title",
      "type",
      "created_at",
      "started_at",
      "resolved_at",
      "cycle_seconds",
      "lead_seconds",
      "rolling_average_seconds",
    ],
    report.points.map((p) => [
      p.key,
      p.title,
      p.type,
      p.createdAt,
      p.startedAt,
      p.resolvedAt,
      p.cycleSeconds,
      p.leadSeconds,
      p.rollingAverageSeconds,
    ]),
  );
}

export function timesheetCsv(report: TimesheetGrid): string {
  return toCsv(
    ["user_id", "name", ...report.dates, "total_seconds"],
    [
      ...report.people.map((p) => [p.userId, p.name, ...p.days, p.totalSeconds]),
      ["total", null, ...report.dayTotals, report.totalSeconds],
    ],
  );
}

export function deliveryCsv(report: Delivery): string {
  return toCsv(
    [
      "board_id",
      "name",
      "key",
      "done",
      "cycle_p50_seconds",
      "cycle_p85_seconds",
      "lead_p50_seconds",
      "lead_p85_seconds",
      "velocity_average",
    ],
    report.boards.map((b) => [
      b.boardId,
      b.name,
      b.key,
      b.done,
      b.cycle.p50Seconds,
      b.cycle.p85Seconds,
      b.lead.p50Seconds,
      b.lead.p85Seconds,
      b.velocity.averageCompleted,
    ]),
  );
}
