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
 * average and weekly throughput. `transitions` needs at least each such task's
 * moves into in-progress columns.
 */
export function cycleTime(input: {
  tasks: readonly Pick<ReportTaskRow, "key" | "title" | "type" | "columnId" | "createdAt" | "resolvedAt">[];
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
  const seconds = (a: string, b: string) => Math.max(0, Math.round((Date.parse(b) - Date.parse(a)) / 1000));
  const resolved = input.tasks
    .filter((t) => t.resolvedAt !== null && category.get(t.columnId) === "done")
    .map((t) => ({ task: t, resolvedOn: dayIn(timeZone, t.resolvedAt as string) }))
    .filter(({ resolvedOn }) => resolvedOn >= from && resolvedOn <= to)
    .sort((a, b) =>
      (a.task.resolvedAt as string) < (b.task.resolvedAt as string)
        ? -1
        : (a.task.resolvedAt as string) > (b.task.resolvedAt as string)
          ? 1
          : a.task.key < b.task.key
            ? -1
            : 1,
    );
  const points: CycleTimePoint[] = [];
  const recent: number[] = [];
  for (const { task, resolvedOn } of resolved) {
    const resolvedAt = task.resolvedAt as string;
    const start = firstInProgress.get(task.key);
    const startedAt = start && start.at <= resolvedAt ? start.at : null;
    const cycleSeconds = startedAt === null ? null : seconds(startedAt, resolvedAt);
    if (cycleSeconds !== null) {
      recent.push(cycleSeconds);
      if (recent.length > window) recent.shift();
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
      leadSeconds: seconds(task.createdAt, resolvedAt),
      rollingAverageSeconds: recent.length === 0 ? null : Math.round(recent.reduce((s, n) => s + n, 0) / recent.length),
    });
  }
  const perWeek = new Map<string, number>();
  for (let week = weekOf(from); week <= to; week = addDays(week, 7)) {
    perWeek.set(week, 0);
  }
  for (const p of points) perWeek.set(weekOf(p.resolvedOn), (perWeek.get(weekOf(p.resolvedOn)) ?? 0) + 1);
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
