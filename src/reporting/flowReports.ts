import { addDays, datesFrom, dayIn, percentile, weekOf } from "./calendar";
import type { ReportColumnRow, ReportTaskRow, TransitionRow } from "./schema";

// Cumulative flow, cycle and lead time, and throughput, from the status
// transitions: the same rows give the same figures whether they come from D1 or
// from a replay of the log.

export interface CumulativeFlow {
  timeZone: string;
  from: string;
  to: string;
  /** Board order; columns removed since then come last, still named. */
  columns: { id: string; name: string; category: string; removed: boolean }[];
  /** Tasks in each column at the end of each day (archived ones included: they still exist). */
  days: { date: string; counts: Record<string, number>; total: number }[];
}

/** Tasks leaving one column (null: none, a new task) for another (null: deleted), `count` of them at once. */
export interface FlowMove {
  at: string;
  fromColumn: string | null;
  toColumn: string | null;
  count?: number;
}

/**
 * Tasks per column at the end of each day from `from` to `to`: `start` (the counts
 * before the first move given; none by default) changed by every move up to the
 * range's end. A transition row is a move of one task; D1 answers them summed per
 * quarter hour, which every time zone's midnight falls on.
 */
export function cumulativeFlow(input: {
  columns: readonly ReportColumnRow[];
  transitions: readonly FlowMove[];
  start?: Readonly<Record<string, number>>;
  from: string;
  to: string;
  timeZone: string;
}): CumulativeFlow {
  const { from, to, timeZone } = input;
  const columns = [...input.columns].sort(
    (a, b) => Number(a.removed) - Number(b.removed) || (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0),
  );
  const moves = [...input.transitions].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const counts = new Map<string, number>(Object.entries(input.start ?? {}));
  let next = 0;
  const days: CumulativeFlow["days"] = [];
  for (const date of datesFrom(from, to)) {
    for (; next < moves.length; next++) {
      const move = moves[next] as FlowMove;
      if (dayIn(timeZone, move.at) > date) break;
      const n = move.count ?? 1;
      if (move.fromColumn !== null) counts.set(move.fromColumn, (counts.get(move.fromColumn) ?? 0) - n);
      if (move.toColumn !== null) counts.set(move.toColumn, (counts.get(move.toColumn) ?? 0) + n);
    }
    const row: Record<string, number> = {};
    let total = 0;
    for (const c of columns) {
      const n = counts.get(c.columnId) ?? 0;
      row[c.columnId] = n;
      total += n;
    }
    days.push({ date, counts: row, total });
  }
  return {
    timeZone,
    from,
    to,
    columns: columns.map((c) => ({ id: c.columnId, name: c.name, category: c.category, removed: c.removed })),
    days,
  };
}

export interface CycleTimePoint {
  key: string;
  title: string;
  type: string;
  /** When the task was created. */
  createdAt: string;
  /** When work began: its first move into an in-progress column (null: it never was in progress). */
  startedAt: string | null;
  resolvedAt: string;
  /** The day it was resolved, in the report's time zone. */
  resolvedOn: string;
  cycleSeconds: number | null;
  leadSeconds: number;
  /** Average cycle time of this task and the `window - 1` resolved before it (control chart). */
  rollingAverageSeconds: number | null;
}

export interface Stats {
  count: number;
  averageSeconds: number | null;
  p50Seconds: number | null;
  p85Seconds: number | null;
  p95Seconds: number | null;
}

export interface CycleTime {
  timeZone: string;
  from: string;
  to: string;
  window: number;
  points: CycleTimePoint[];
  cycle: Stats;
  lead: Stats;
  /** Tasks resolved per week (weeks start on Monday), every week of the range listed. */
  throughput: { week: string; count: number }[];
}

/**
 * Cycle time (first in progress → resolved) and lead time (created → resolved) of
 * the tasks resolved from `from` to `to` and done now, with percentiles, a rolling
 * average and weekly throughput. Each task's start is its `startedAt` when the
 * caller found it already (D1 does, in the same query), or else its first move into
 * an in-progress column among `transitions`.
 */
export function cycleTime(input: {
  tasks: readonly (Pick<ReportTaskRow, "key" | "title" | "type" | "columnId" | "createdAt" | "resolvedAt"> & {
    startedAt?: string | null;
  })[];
  columns: readonly ReportColumnRow[];
  transitions: readonly Pick<TransitionRow, "key" | "seq" | "toColumn" | "at">[];
  from: string;
  to: string;
  timeZone: string;
  window: number;
}): CycleTime {
  const { from, to, timeZone, window } = input;
  const category = new Map(input.columns.map((c) => [c.columnId, c.category]));
  const firstInProgress = new Map<string, Pick<TransitionRow, "seq" | "at">>();
  for (const t of input.transitions) {
    if (t.toColumn === null || category.get(t.toColumn) !== "in_progress") continue;
    const seen = firstInProgress.get(t.key);
    if (!seen || t.seq < seen.seq) firstInProgress.set(t.key, t);
  }
  const seconds = (a: number, b: number) => Math.max(0, Math.round((b - a) / 1000));
  const resolved: { task: (typeof input.tasks)[number]; resolvedAt: string; resolvedOn: string }[] = [];
  for (const task of input.tasks) {
    if (task.resolvedAt === null || category.get(task.columnId) !== "done") continue;
    const resolvedOn = dayIn(timeZone, task.resolvedAt);
    if (resolvedOn >= from && resolvedOn <= to) resolved.push({ task, resolvedAt: task.resolvedAt, resolvedOn });
  }
  resolved.sort((a, b) =>
    a.resolvedAt < b.resolvedAt ? -1 : a.resolvedAt > b.resolvedAt ? 1 : a.task.key < b.task.key ? -1 : 1,
  );
  const points: CycleTimePoint[] = [];
  const recent: number[] = [];
  let recentSum = 0;
  for (const { task, resolvedAt, resolvedOn } of resolved) {
    const start = task.startedAt !== undefined ? task.startedAt : (firstInProgress.get(task.key)?.at ?? null);
    const startedAt = start !== null && start <= resolvedAt ? start : null;
    const done = Date.parse(resolvedAt);
    const cycleSeconds = startedAt === null ? null : seconds(Date.parse(startedAt), done);
    if (cycleSeconds !== null) {
      recent.push(cycleSeconds);
      recentSum += cycleSeconds;
      if (recent.length > window) recentSum -= recent.shift() as number;
    }
    points.push({
      key: task.key,
      title: task.title,
      type: task.type,
      createdAt: task.createdAt,
      startedAt,
      resolvedAt,
      resolvedOn,
      cycleSeconds,
      leadSeconds: seconds(Date.parse(task.createdAt), done),
      rollingAverageSeconds: recent.length === 0 ? null : Math.round(recentSum / recent.length),
    });
  }
  const perWeek = new Map<string, number>();
  for (let week = weekOf(from); week <= to; week = addDays(week, 7)) {
    perWeek.set(week, 0);
  }
  // A year of points falls on at most 371 days: each day's week is worked out once.
  const weeks = new Map<string, string>();
  for (const p of points) {
    let week = weeks.get(p.resolvedOn);
    if (week === undefined) {
      week = weekOf(p.resolvedOn);
      weeks.set(p.resolvedOn, week);
    }
    perWeek.set(week, (perWeek.get(week) ?? 0) + 1);
  }
  return {
    timeZone,
    from,
    to,
    window,
    points,
    cycle: stats(points.map((p) => p.cycleSeconds).filter((n): n is number => n !== null)),
    lead: stats(points.map((p) => p.leadSeconds)),
    throughput: [...perWeek].map(([week, count]) => ({ week, count })),
  };
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    averageSeconds: sorted.length === 0 ? null : Math.round(sorted.reduce((s, n) => s + n, 0) / sorted.length),
    p50Seconds: percentile(sorted, 50),
    p85Seconds: percentile(sorted, 85),
    p95Seconds: percentile(sorted, 95),
  };
}
