import { addDays } from "../../../src/reporting/calendar";
import type { CumulativeFlow, CycleTime, CycleTimePoint } from "../../../src/reporting/flowReports";
import type { Burndown, BurndownPoint } from "../../../src/reporting/sprintReports";

// The reports' answers turned into the columns a chart draws: one shared x (seconds,
// as uPlot counts time) and a y per series, null where a series has no value. Pure,
// so the shaping is tested without a browser (test/domain/chartData.test.ts).
//
// Reports are asked in the viewer's own time zone, so a report's calendar day
// ("2026-03-05") starts at the browser's local midnight.

/** Local midnight of a calendar day, in seconds. */
export function dayStart(date: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(y, m - 1, d).getTime() / 1000;
}

/** The local calendar day an instant (in seconds) falls on. */
export function localDate(at: number): string {
  const d = new Date(at * 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

export const seconds = (iso: string) => Date.parse(iso) / 1000;

export interface BurndownChart {
  x: number[];
  /** The ideal line, only at the start of each day (drawn across the gaps between). */
  ideal: (number | null)[];
  /** Remaining, scope and completed as they stood at each x: stepped lines, never broken. */
  remaining: (number | null)[];
  scope: (number | null)[];
  completed: (number | null)[];
  /** The report's point at each x, where there is one. */
  points: (BurndownPoint | null)[];
  /** Indices of the points where the scope changed: the marked steps. */
  scopeSteps: number[];
  /** Days the team does not work, [start, end) in seconds: shaded. */
  nonWorking: [number, number][];
}

/**
 * A burndown or burnup as stepped lines from the report: every change a step, held
 * until the next one and on to `until` (now, for a running sprint), so the line is
 * never broken by a gap. `per` divides each figure (3600: seconds shown as hours).
 */
export function burndownChart(report: Burndown, until: number | null, per = 1): BurndownChart {
  const value = (n: number) => Math.round((n / per) * 100) / 100;
  type Entry = { x: number; ideal: number | null; point: BurndownPoint | null };
  const entries: Entry[] = [
    ...report.ideal.map((d) => ({ x: dayStart(d.date), ideal: value(d.remaining), point: null })),
    ...report.series.map((p) => ({ x: seconds(p.at), ideal: null, point: p })),
  ];
  const lastAt = report.series.length > 0 ? seconds((report.series.at(-1) as BurndownPoint).at) : null;
  if (until !== null && lastAt !== null && until > lastAt) entries.push({ x: until, ideal: null, point: null });
  // Stable: at the same instant the ideal's day start comes first, then the changes in seq order.
  entries.sort((a, b) => a.x - b.x);

  const chart: BurndownChart = {
    x: [],
    ideal: [],
    remaining: [],
    scope: [],
    completed: [],
    points: [],
    scopeSteps: [],
    nonWorking: [],
  };
  // Past the last change (or now), the future has no figures yet.
  const end = Math.max(lastAt ?? Number.NEGATIVE_INFINITY, until ?? Number.NEGATIVE_INFINITY);
  let current: BurndownPoint | null = null;
  for (const entry of entries) {
    if (entry.point) current = entry.point;
    const held = entry.x <= end ? current : null;
    chart.x.push(entry.x);
    chart.ideal.push(entry.ideal);
    chart.remaining.push(held ? value(held.remaining) : null);
    chart.scope.push(held ? value(held.scope) : null);
    chart.completed.push(held ? value(held.completed) : null);
    chart.points.push(entry.point);
    if (entry.point?.scopeChange) chart.scopeSteps.push(chart.x.length - 1);
  }
  // The ideal's last entry is the day after the sprint: only the sprint's own days are shaded.
  for (const day of report.ideal.slice(0, -1)) {
    if (!day.workingDay) chart.nonWorking.push([dayStart(day.date), dayStart(addDays(day.date, 1))]);
  }
  return chart;
}

/** The ideal burnup: the committed work done evenly over the working days. */
export function idealBurnup(chart: BurndownChart): (number | null)[] {
  const committed = chart.ideal.find((v) => v !== null) ?? null;
  return chart.ideal.map((v) => (v === null || committed === null ? null : Math.round((committed - v) * 100) / 100));
}

export interface FlowChart {
  x: number[];
  columns: CumulativeFlow["columns"];
  /** Per column, the tasks in it and in every column after it: the top edge of its band. */
  stacked: number[][];
  /** Per column, the tasks in it. */
  counts: number[][];
}

/** Cumulative flow as stacked bands: the board's first column on top, done at the bottom. */
export function flowChart(report: CumulativeFlow): FlowChart {
  const counts = report.columns.map((c) => report.days.map((d) => d.counts[c.id] ?? 0));
  const stacked = counts.map((_, k) =>
    report.days.map((_, i) => counts.slice(k).reduce((sum, col) => sum + (col[i] ?? 0), 0)),
  );
  return { x: report.days.map((d) => dayStart(d.date)), columns: report.columns, stacked, counts };
}

export type Metric = "cycle" | "lead";

export interface ControlChart {
  x: number[];
  /** Per task, its time in `unit`s (null: never in progress, for cycle time). */
  y: (number | null)[];
  rolling: (number | null)[];
  p50: number | null;
  p85: number | null;
  p95: number | null;
  average: number | null;
  unit: "hours" | "days";
  tasks: CycleTimePoint[];
  /** The range on the x axis: the report's first day to the end of its last. */
  range: [number, number];
}

const HOUR = 3600;
const DAY = 24 * HOUR;

/** A control chart of cycle or lead time: one point per task done, a rolling average, percentile lines. */
export function controlChart(report: CycleTime, metric: Metric): ControlChart {
  const of = (p: CycleTimePoint) => (metric === "cycle" ? p.cycleSeconds : p.leadSeconds);
  const stats = metric === "cycle" ? report.cycle : report.lead;
  const largest = Math.max(0, ...report.points.map((p) => of(p) ?? 0));
  const unit = largest >= 2 * DAY ? "days" : "hours";
  const per = unit === "days" ? DAY : HOUR;
  const value = (n: number | null) => (n === null ? null : Math.round((n / per) * 100) / 100);
  const rolling =
    metric === "cycle"
      ? report.points.map((p) => p.rollingAverageSeconds)
      : rollingAverage(report.points.map(of), report.window);
  return {
    x: report.points.map((p) => seconds(p.resolvedAt)),
    y: report.points.map((p) => value(of(p))),
    rolling: rolling.map(value),
    p50: value(stats.p50Seconds),
    p85: value(stats.p85Seconds),
    p95: value(stats.p95Seconds),
    average: value(stats.averageSeconds),
    unit,
    tasks: report.points,
    range: [dayStart(report.from), dayStart(addDays(report.to, 1))],
  };
}

/** The average of each value and the `window - 1` known ones before it, as the report does for cycle time. */
export function rollingAverage(values: (number | null)[], window: number): (number | null)[] {
  const recent: number[] = [];
  return values.map((v) => {
    if (v !== null) {
      recent.push(v);
      if (recent.length > window) recent.shift();
    }
    return recent.length === 0 ? null : Math.round(recent.reduce((s, n) => s + n, 0) / recent.length);
  });
}
