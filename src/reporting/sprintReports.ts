import type { SprintReport } from "../domain/model";
import { addDays, datesFrom, dayIn, isoWeekday } from "./calendar";
import type {
  EstimateRow,
  ReportColumnRow,
  ReportSprintRow,
  ReportTaskRow,
  ScopeChangeRow,
  TransitionRow,
} from "./schema";

// Sprint burndown and burnup, the sprint report and velocity, computed from the
// report projections' rows (D1's, or a replay's: the same rows give the same figures).

export type BurndownUnit = "points" | "time";

/** What happened at one moment of the sprint: a change of scope, or work done or reopened. */
export interface BurndownChange {
  kind: "committed" | "added" | "removed" | "points" | "completed" | "reopened" | "estimate";
  key: string;
  /** How the remaining figure moved because of it. */
  delta: number;
}

export interface BurndownPoint {
  seq: number;
  at: string;
  /** The calendar day of `at` in the report's time zone. */
  date: string;
  /** Work left: in scope and not done (points, or seconds of remaining estimate). */
  remaining: number;
  /** All work in the sprint's scope at this moment, done or not (burnup's upper line). */
  scope: number;
  /** Work done (burnup's lower line). */
  completed: number;
  /** True when the scope changed here: charts draw a marked step, not a slope. */
  scopeChange: boolean;
  changes: BurndownChange[];
}

export interface Burndown {
  unit: BurndownUnit;
  timeZone: string;
  workingDays: number[];
  /** The line from the committed scope on the first day to zero after the last, flat on non-working days. */
  ideal: { date: string; remaining: number; workingDay: boolean }[];
  series: BurndownPoint[];
}

export interface BurndownInput {
  sprint: ReportSprintRow;
  /** The sprint's scope rows. */
  scope: readonly ScopeChangeRow[];
  /** Transitions of the tasks ever in the sprint's scope, from their creation on. */
  transitions: readonly TransitionRow[];
  columns: readonly ReportColumnRow[];
  /** Current facts of the board's tasks: in a projection from before sub-tasks had scope rows, they count with their parents now. */
  tasks: readonly ReportTaskRow[];
  /** Remaining-estimate changes of those tasks and their sub-tasks (for `time`). */
  estimates: readonly EstimateRow[];
  unit: BurndownUnit;
  workingDays: readonly number[];
  timeZone: string;
  /** report_boards.scope_version: 2 unless the board was projected before sub-tasks had scope rows (1). */
  scopeVersion?: number;
}

/** Scope rows of sub-tasks: they count in time, each by its own remaining estimate while it is in. */
const SUBTASK_KINDS = new Set(["joined", "left"]);

const round = (n: number) => Math.round(n * 1000) / 1000;

export function burndown(input: BurndownInput): Burndown {
  const { sprint, unit, timeZone } = input;
  const category = new Map(input.columns.map((c) => [c.columnId, c.category]));
  const completedAt = sprint.completedAt;
  // A projection from before sub-tasks had scope rows: they count with their parents as they are now.
  const legacy = (input.scopeVersion ?? 2) < 2;
  const children = new Map<string, string[]>();
  for (const task of legacy ? input.tasks : []) {
    if (task.parentKey === null || task.type !== "subtask") continue;
    children.set(task.parentKey, [...(children.get(task.parentKey) ?? []), task.key]);
  }
  // The moment the sprint started: sub-tasks in from then on were committed with their parents.
  const startSeq = input.scope.find((r) => r.kind === "committed")?.seq ?? null;

  type Step =
    | { seq: number; at: string; type: "scope"; row: ScopeChangeRow }
    | { seq: number; at: string; type: "move"; row: TransitionRow }
    | { seq: number; at: string; type: "estimate"; row: EstimateRow };
  const steps: Step[] = [
    ...input.scope.map((row) => ({ seq: row.seq, at: row.at, type: "scope" as const, row })),
    ...input.transitions.map((row) => ({ seq: row.seq, at: row.at, type: "move" as const, row })),
    ...input.estimates.map((row) => ({ seq: row.seq, at: row.at, type: "estimate" as const, row })),
  ]
    .filter((s) => completedAt === null || s.at <= completedAt)
    .sort((a, b) => a.seq - b.seq);

  const inScope = new Set<string>();
  /** Sub-tasks in the sprint (time only). */
  const subtasks = new Set<string>();
  const points = new Map<string, number>();
  const done = new Set<string>();
  const estimate = new Map<string, number>();
  let started = false;

  const worth = (key: string): number => {
    if (unit === "points") return points.get(key) ?? 0;
    let seconds = estimate.get(key) ?? 0;
    for (const child of children.get(key) ?? []) seconds += estimate.get(child) ?? 0;
    return seconds;
  };
  const totals = () => {
    let scope = 0;
    let remaining = 0;
    const counted = unit === "time" ? [...inScope, ...subtasks] : inScope;
    for (const key of counted) {
      const value = worth(key);
      scope += value;
      if (!done.has(key)) remaining += value;
    }
    // In time, done work has nothing left: what was done is what its estimate said was left.
    return { scope: round(scope), remaining: round(remaining), completed: round(scope - remaining) };
  };

  const series: BurndownPoint[] = [];
  // A sprint started with nothing in it still starts: its chart begins at zero.
  if (sprint.startedAt !== null && !input.scope.some((r) => r.kind === "committed")) {
    started = true;
    const first = steps.findIndex((s) => s.at >= (sprint.startedAt as string));
    const seq = first === -1 ? (steps.at(-1)?.seq ?? 0) : Math.max(0, (steps[first]?.seq ?? 1) - 1);
    series.push({
      seq,
      at: sprint.startedAt,
      date: dayIn(timeZone, sprint.startedAt),
      remaining: 0,
      scope: 0,
      completed: 0,
      scopeChange: false,
      changes: [],
    });
  }
  for (let i = 0; i < steps.length; ) {
    const seq = steps[i]?.seq as number;
    const at = steps[i]?.at as string;
    const before = totals();
    const changes: { kind: BurndownChange["kind"]; key: string }[] = [];
    let scopeChange = false;
    for (; i < steps.length && steps[i]?.seq === seq; i++) {
      const step = steps[i] as Step;
      if (step.type === "move") {
        const key = step.row.key;
        const isDone = step.row.toColumn !== null && category.get(step.row.toColumn) === "done";
        if (isDone === done.has(key)) continue;
        if (isDone) done.add(key);
        else done.delete(key);
        const counts = inScope.has(key) || (unit === "time" && subtasks.has(key));
        if (started && counts) changes.push({ kind: isDone ? "completed" : "reopened", key });
      } else if (step.type === "estimate") {
        estimate.set(step.row.key, step.row.remainingSeconds ?? 0);
        if (started && unit === "time") changes.push({ kind: "estimate", key: step.row.key });
      } else if (SUBTASK_KINDS.has(step.row.kind)) {
        const { kind, key } = step.row;
        // Rows a legacy projection took in since: its sub-tasks already count through their parents.
        if (unit !== "time" || legacy) continue;
        if (kind === "joined") subtasks.add(key);
        else subtasks.delete(key);
        const atStart = step.row.seq === startSeq;
        scopeChange ||= !atStart;
        changes.push({ kind: atStart ? "committed" : kind === "joined" ? "added" : "removed", key });
      } else {
        const { kind, key } = step.row;
        started = true;
        scopeChange ||= kind !== "committed";
        if (kind === "removed") inScope.delete(key);
        else {
          inScope.add(key);
          points.set(key, step.row.points ?? 0);
        }
        changes.push({ kind: kind as BurndownChange["kind"], key });
      }
    }
    // A task's estimate given as it enters (a sub-task created in the sprint) is part of its entering.
    const entering = new Set(changes.filter((c) => c.kind === "added" || c.kind === "committed").map((c) => c.key));
    const shownChanges = changes.filter((c) => c.kind !== "estimate" || !entering.has(c.key));
    if (!started || shownChanges.length === 0) continue;
    const after = totals();
    series.push({
      seq,
      at,
      date: dayIn(timeZone, at),
      ...after,
      scopeChange,
      changes: shownChanges.map((c) => ({ ...c, delta: deltaOf(c, before, after, shownChanges.length) })),
    });
  }
  // Changes of estimates that move nothing (outside the scope, or of done work) are not points of the chart.
  const shown = series.filter(
    (p, n) => p.changes.some((c) => c.kind !== "estimate") || p.remaining !== (series[n - 1]?.remaining ?? -1),
  );
  return {
    unit,
    timeZone,
    workingDays: [...input.workingDays],
    ideal: idealLine(sprint, shown[0]?.remaining ?? 0, input.workingDays),
    series: shown,
  };
}

/** With one change at a moment, its delta is the moment's; with several, each says only its kind. */
function deltaOf(
  change: { kind: BurndownChange["kind"] },
  before: { remaining: number },
  after: { remaining: number },
  count: number,
): number {
  if (change.kind === "committed") return 0;
  return count === 1 ? round(after.remaining - before.remaining) : 0;
}

/**
 * The remaining work the ideal line gives at the start of each day from the
 * sprint's first day to the day after its last: committed work falls evenly over
 * the working days and stays flat on the others.
 */
export function idealLine(
  sprint: Pick<ReportSprintRow, "startDate" | "endDate">,
  committed: number,
  workingDays: readonly number[],
): Burndown["ideal"] {
  if (!sprint.startDate || !sprint.endDate) return [];
  const dates = datesFrom(sprint.startDate, sprint.endDate);
  const working = (d: string) => workingDays.includes(isoWeekday(d));
  const total = dates.filter(working).length;
  const line: Burndown["ideal"] = [];
  let elapsed = 0;
  for (const date of dates) {
    line.push({
      date,
      remaining: total === 0 ? committed : round(committed * (1 - elapsed / total)),
      workingDay: working(date),
    });
    if (working(date)) elapsed += 1;
  }
  line.push({ date: addDays(sprint.endDate, 1), remaining: 0, workingDay: working(addDays(sprint.endDate, 1)) });
  return line;
}

// ---- sprint report -------------------------------------------------------------

export interface ReportItem {
  key: string;
  title: string | null;
  points: number | null;
}

export interface SprintSummary {
  sprint: { id: string; name: string; state: string; startDate: string | null; endDate: string | null };
  committed: { points: number; items: ReportItem[] };
  completed: { points: number; items: ReportItem[] };
  notCompleted: { points: number; items: ReportItem[] };
  addedAfterStart: { points: number; items: ReportItem[] };
  removedAfterStart: { points: number; items: ReportItem[] };
}

/**
 * Completed, not completed, added after the start and removed: for a closed sprint
 * as its completion recorded it, for an active one as the scope and the board stand now.
 */
export function sprintSummary(input: {
  sprint: ReportSprintRow;
  scope: readonly ScopeChangeRow[];
  tasks: readonly ReportTaskRow[];
  columns: readonly ReportColumnRow[];
}): SprintSummary {
  const tasks = new Map(input.tasks.map((t) => [t.key, t]));
  const item = (key: string, points: number | null): ReportItem => ({
    key,
    title: tasks.get(key)?.title ?? null,
    points,
  });
  const group = (entries: [string, number | null][]) => ({
    points: round(entries.reduce((sum, [, p]) => sum + (p ?? 0), 0)),
    items: entries.map(([key, p]) => item(key, p)),
  });
  const { sprint } = input;
  const head = {
    id: sprint.sprintId,
    name: sprint.name,
    state: sprint.state,
    startDate: sprint.startDate,
    endDate: sprint.endDate,
  };
  const rows = input.scope.filter((r) => !SUBTASK_KINDS.has(r.kind)).sort((a, b) => a.seq - b.seq);
  const pointsNow = new Map<string, number | null>();
  const inScope = new Set<string>();
  const lastOf = new Map<string, ScopeChangeRow>();
  for (const row of rows) {
    if (row.kind === "removed") inScope.delete(row.key);
    else {
      inScope.add(row.key);
      pointsNow.set(row.key, row.points);
    }
    lastOf.set(`${row.kind}|${row.key}`, row);
  }
  const changed = (kind: "added" | "removed") =>
    group(
      [...new Set(rows.filter((r) => r.kind === kind).map((r) => r.key))].map((k) => [
        k,
        lastOf.get(`${kind}|${k}`)?.points ?? null,
      ]),
    );
  const committed = group(rows.filter((r) => r.kind === "committed").map((r) => [r.key, r.points]));

  if (sprint.report) {
    const report = JSON.parse(sprint.report) as SprintReport;
    const recorded = (entry: { keys: string[]; points: number }) => ({
      points: entry.points,
      items: entry.keys.map((k) => item(k, pointsNow.get(k) ?? tasks.get(k)?.storyPoints ?? null)),
    });
    return {
      sprint: head,
      committed: { points: report.committed.points, items: committed.items },
      completed: recorded(report.completed),
      notCompleted: recorded(report.carriedOver),
      addedAfterStart: recorded(report.addedAfterStart),
      removedAfterStart: recorded(report.removedAfterStart),
    };
  }
  const category = new Map(input.columns.map((c) => [c.columnId, c.category]));
  const isDone = (key: string) => {
    const task = tasks.get(key);
    return task !== undefined && category.get(task.columnId) === "done";
  };
  const open = [...inScope].filter((k) => tasks.get(k)?.archived !== true);
  return {
    sprint: head,
    committed,
    completed: group(open.filter(isDone).map((k) => [k, pointsNow.get(k) ?? null])),
    notCompleted: group(open.filter((k) => !isDone(k)).map((k) => [k, pointsNow.get(k) ?? null])),
    addedAfterStart: changed("added"),
    removedAfterStart: changed("removed"),
  };
}

// ---- velocity ------------------------------------------------------------------

export interface VelocityEntry {
  sprintId: string;
  name: string;
  completedAt: string;
  committed: number;
  completed: number;
  addedAfterStart: number;
  removedAfterStart: number;
  carriedOver: number;
  /** The same in original estimates (seconds); null for sprints recorded before sprints kept time. */
  committedSeconds: number | null;
  completedSeconds: number | null;
}

/** Committed against completed points for the last `count` closed sprints, oldest first. */
export function velocity(
  sprints: readonly ReportSprintRow[],
  count: number,
): { sprints: VelocityEntry[]; averageCompleted: number | null } {
  const closed = sprints
    .filter((s) => s.state === "closed" && s.report !== null && s.completedAt !== null)
    .sort((a, b) => ((a.completedAt as string) < (b.completedAt as string) ? -1 : 1))
    .slice(-count);
  const entries = closed.map((s) => {
    const report = JSON.parse(s.report as string) as SprintReport;
    return {
      sprintId: s.sprintId,
      name: s.name,
      completedAt: s.completedAt as string,
      committed: report.committed.points,
      completed: report.completed.points,
      addedAfterStart: report.addedAfterStart.points,
      removedAfterStart: report.removedAfterStart.points,
      carriedOver: report.carriedOver.points,
      committedSeconds: report.committed.seconds ?? null,
      completedSeconds: report.completed.seconds ?? null,
    };
  });
  const average =
    entries.length === 0 ? null : round(entries.reduce((sum, e) => sum + e.completed, 0) / entries.length);
  return { sprints: entries, averageCompleted: average };
}
