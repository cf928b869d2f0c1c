import { columnsFromRows } from "./columns";
import type { BoardEvent } from "./events";
import {
  type BoardState,
  backlogOrder,
  type Comment,
  orderedColumns,
  type Sprint,
  type Task,
  tasksInColumn,
  type Worklog,
} from "./model";
import type { Attempt } from "./outcomes";
import { taskRecord, taskStateRecord } from "./records";

// How the board reads from outside: the shapes the API returns, derived from state.

/**
 * A task's time tracking as its reads show it. A parent's figures include all its
 * sub-tasks (and theirs): an epic's spent time is everything logged under it.
 * `original` and `remaining` are null when neither the task nor any sub-task is
 * estimated.
 */
export interface TimeTracking {
  originalSeconds: number | null;
  remainingSeconds: number | null;
  spentSeconds: number;
  /** spent / (spent + remaining), 0–100; null when there is neither. */
  progressPercent: number | null;
  /** How far spent + remaining goes past the original estimate; 0 when within it. */
  overEstimateSeconds: number;
}

/**
 * How far a task's direct children have come (an epic's stories, a story's
 * sub-tasks); archived children are left out. Null for a task without children.
 */
export interface ChildProgress {
  total: number;
  done: number;
  points: number;
  donePoints: number;
  /** Done points over all points when the children are estimated in points, else done over total; 0–100. */
  percent: number;
}

export type TaskView = Omit<Task, "stamps"> & { time: TimeTracking; children: ChildProgress | null };

export function taskView(state: BoardState, task: Task): TaskView {
  return viewer(state)(task);
}

/** Views of many tasks of one board, sharing the walk of its parent links. */
function viewer(state: BoardState): (task: Task) => TaskView {
  let children: Map<string, Task[]> | null = null;
  const childrenOf = (key: string): Task[] => {
    if (!children) {
      children = new Map();
      for (const t of Object.values(state.tasks)) {
        if (t.parentKey === null) continue;
        const list = children.get(t.parentKey) ?? [];
        list.push(t);
        children.set(t.parentKey, list);
      }
    }
    return children.get(key) ?? [];
  };
  return (task) => {
    const { stamps: _stamps, ...fields } = task;
    return { ...fields, time: timeTracking(task, childrenOf), children: childProgress(state, childrenOf(task.key)) };
  };
}

function childProgress(state: BoardState, children: readonly Task[]): ChildProgress | null {
  const live = children.filter((t) => t.archivedAt === null);
  if (live.length === 0) return null;
  const progress = { total: live.length, done: 0, points: 0, donePoints: 0, percent: 0 };
  for (const child of live) {
    const done = state.columns[child.columnId]?.category === "done";
    const points = child.storyPoints ?? 0;
    progress.points += points;
    if (done) {
      progress.done += 1;
      progress.donePoints += points;
    }
  }
  const [part, whole] = progress.points > 0 ? [progress.donePoints, progress.points] : [progress.done, progress.total];
  progress.percent = Math.round((part / whole) * 100);
  return progress;
}

function timeTracking(task: Task, childrenOf: (key: string) => Task[]): TimeTracking {
  let original: number | null = null;
  let remaining: number | null = null;
  let spent = 0;
  // `seen` guards the walk: an imported log could hold a parent cycle.
  const seen = new Set<string>();
  const visit = (t: Task) => {
    if (seen.has(t.key)) return;
    seen.add(t.key);
    if (t.originalEstimateSeconds !== null) original = (original ?? 0) + t.originalEstimateSeconds;
    if (t.remainingEstimateSeconds !== null) remaining = (remaining ?? 0) + t.remainingEstimateSeconds;
    spent += t.timeSpentSeconds;
    for (const child of childrenOf(t.key)) visit(child);
  };
  visit(task);
  const left: number = remaining ?? 0;
  const total = spent + left;
  return {
    originalSeconds: original,
    remainingSeconds: remaining,
    spentSeconds: spent,
    progressPercent: total === 0 ? null : Math.round((spent / total) * 100),
    overEstimateSeconds: original === null ? 0 : Math.max(0, total - original),
  };
}

/** A task's worklogs, in the order the work happened. */
export function worklogsOf(state: BoardState, key: string): Worklog[] {
  return Object.values(state.worklogs)
    .filter((w) => w.taskKey === key)
    .sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.id < b.id ? -1 : 1));
}

export interface TaskFilter {
  columnId?: string;
  assigneeId?: string | null;
  label?: string;
  type?: Task["type"];
  text?: string;
  archived?: boolean;
}

/** Tasks matching every given filter, in board order (column order, then rank). */
export function findTasks(state: BoardState, filter: TaskFilter): TaskView[] {
  const text = filter.text?.toLocaleLowerCase();
  const wantArchived = filter.archived ?? false;
  const columns = orderedColumns(state).filter((c) => filter.columnId === undefined || c.id === filter.columnId);
  const result: TaskView[] = [];
  const view = viewer(state);
  for (const column of columns) {
    const tasks = wantArchived
      ? Object.values(state.tasks)
          .filter((t) => t.columnId === column.id && t.archivedAt !== null)
          .sort((a, b) => (a.rank < b.rank ? -1 : 1))
      : tasksInColumn(state, column.id);
    for (const task of tasks) {
      if (filter.assigneeId !== undefined && task.assigneeId !== filter.assigneeId) continue;
      if (filter.label !== undefined && !task.labels.includes(filter.label)) continue;
      if (filter.type !== undefined && task.type !== filter.type) continue;
      if (
        text !== undefined &&
        !task.title.toLocaleLowerCase().includes(text) &&
        !task.description.toLocaleLowerCase().includes(text) &&
        task.key.toLocaleLowerCase() !== text
      ) {
        continue;
      }
      result.push(view(task));
    }
  }
  return result;
}

/** The whole board for a first load: ordered columns, every task, members, labels in use. */
/**
 * `stamps: false` leaves out each task's stamps (who last changed each field): two
 * thirds of a large board's bytes, and nothing a screen shows or needs, since the
 * board itself decides conflicts.
 */
export function snapshotOf(state: BoardState, options: { stamps?: boolean } = {}) {
  const labels = new Set<string>();
  for (const task of Object.values(state.tasks)) for (const label of task.labels) labels.add(label);
  const tasks: (Omit<Task, "stamps"> & Partial<Pick<Task, "stamps">>)[] = Object.values(state.tasks).sort(
    (a, b) => a.number - b.number,
  );
  return {
    seq: state.seq,
    board: state.board,
    nextNumber: state.nextNumber,
    columns: orderedColumns(state),
    tasks: options.stamps === false ? tasks.map(({ stamps: _stamps, ...task }) => task) : tasks,
    members: Object.values(state.members),
    labels: [...labels].sort(),
    sprints: sprintsOf(state),
    settings: state.settings,
  };
}
export type Snapshot = ReturnType<typeof snapshotOf>;

/** The snapshot with its tasks as columns (see columnsOf in records.ts). */
export function snapshotWithColumns(state: BoardState, options: { stamps?: boolean } = {}) {
  const snapshot = snapshotOf(state, options);
  const fields = Object.keys(options.stamps === false ? taskRecord.shape : taskStateRecord.shape) as (keyof Task)[];
  return { ...snapshot, tasks: columnsFromRows(snapshot.tasks as Task[], fields) };
}

const SPRINT_ORDER = { active: 0, future: 1, closed: 2 } as const;

/** Active sprints first, then those planned, then the completed ones; each in creation order. */
export function sprintsOf(state: BoardState): Sprint[] {
  return Object.values(state.sprints).sort(
    (a, b) => SPRINT_ORDER[a.state] - SPRINT_ORDER[b.state] || a.number - b.number,
  );
}

/** What a sprint holds now, in points and in time (a parent's time includes its sub-tasks'). */
export interface SprintTotals {
  points: number;
  donePoints: number;
  remainingPoints: number;
  originalSeconds: number;
  remainingSeconds: number;
  spentSeconds: number;
}

/** A sprint with its tasks in backlog order (sub-tasks included) and its totals. */
export function sprintView(state: BoardState, sprint: Sprint): Sprint & { tasks: TaskView[]; totals: SprintTotals } {
  const view = viewer(state);
  const tasks = backlogOrder(state)
    .filter((t) => t.sprintId === sprint.id)
    .map(view);
  const totals: SprintTotals = {
    points: 0,
    donePoints: 0,
    remainingPoints: 0,
    originalSeconds: 0,
    remainingSeconds: 0,
    spentSeconds: 0,
  };
  // Top-level tasks only: sub-tasks are counted in their parents' time, and carry no points of their own.
  for (const task of tasks) {
    if (task.type === "subtask" || task.archivedAt !== null) continue;
    const points = task.storyPoints ?? 0;
    const done = state.columns[task.columnId]?.category === "done";
    totals.points += points;
    totals[done ? "donePoints" : "remainingPoints"] += points;
    totals.originalSeconds += task.time.originalSeconds ?? 0;
    totals.remainingSeconds += task.time.remainingSeconds ?? 0;
    totals.spentSeconds += task.time.spentSeconds;
  }
  return { ...sprint, tasks, totals };
}

/**
 * The backlog: every task planned in no sprint, in backlog rank order. Archived tasks
 * are left out, and sub-tasks, which are planned with their parents.
 */
export function backlogOf(state: BoardState): TaskView[] {
  const view = viewer(state);
  return backlogOrder(state)
    .filter((t) => t.sprintId === null && t.archivedAt === null && t.type !== "subtask")
    .map(view);
}

export function commentsOf(state: BoardState, key: string): Comment[] {
  return Object.values(state.comments)
    .filter((c) => c.taskKey === key)
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
}

/** One line of a task's history: who, what, when, and each field's before → after. */
export interface HistoryEntry {
  seq: number;
  at: string;
  actor: string;
  opId: string;
  /** The event type, or for a rejected attempt the command type. */
  type: string;
  rejected: boolean;
  changes: { field: string; from: unknown; to: unknown }[];
  reason?: { code: string; message: string; conflicts?: unknown[] };
  /** For a refused attempt: the command as it was sent. */
  attempted?: unknown;
}

export function historyOf(key: string, events: readonly BoardEvent[], attempts: readonly Attempt[]): HistoryEntry[] {
  const entries: HistoryEntry[] = events.map((event) => ({
    seq: event.seq,
    at: event.at,
    actor: event.actor,
    opId: event.opId,
    type: event.type,
    rejected: false,
    changes: changesIn(key, event),
  }));
  for (const attempt of attempts) {
    const r = attempt.result;
    if (r.status === "unchanged") continue;
    entries.push({
      seq: attempt.seq,
      at: attempt.at,
      actor: attempt.actor,
      opId: attempt.opId,
      type: attempt.command.type,
      rejected: true,
      changes:
        r.status === "conflict" ? r.conflicts.map((c) => ({ field: c.field, from: c.current, to: c.yours })) : [],
      attempted: attempt.command,
      reason:
        r.status === "conflict"
          ? {
              code: "conflict",
              message: "Someone else changed the same field first; the change was sent back to be re-confirmed.",
              conflicts: r.conflicts,
            }
          : { code: r.error.code, message: r.error.message },
    });
  }
  // A rejected attempt is shown after the event that was current when it was refused.
  return entries.sort((a, b) => a.seq - b.seq || Number(a.rejected) - Number(b.rejected) || (a.at < b.at ? -1 : 1));
}

function changesIn(key: string, event: BoardEvent): HistoryEntry["changes"] {
  switch (event.type) {
    case "task.created": {
      const { key: _k, number: _n, rank: _r, backlogRank: _b, ...fields } = event.payload.task;
      return Object.entries(fields)
        .filter(([, to]) => to !== null && to !== "" && !(Array.isArray(to) && to.length === 0))
        .map(([field, to]) => ({ field, from: null, to }));
    }
    case "task.updated": {
      const { changes, previous, labels, watchers } = event.payload;
      const list: HistoryEntry["changes"] = Object.entries(changes).map(([field, to]) => ({
        field,
        from: (previous as Record<string, unknown>)[field] ?? null,
        to,
      }));
      if (labels) list.push({ field: "labels", from: labels.removed, to: labels.added });
      if (watchers) list.push({ field: "watchers", from: watchers.removed, to: watchers.added });
      return list;
    }
    case "task.moved": {
      const p = event.payload;
      return p.fromColumnId === p.toColumnId
        ? [{ field: "rank", from: p.previousRank, to: p.rank }]
        : [{ field: "columnId", from: p.fromColumnId, to: p.toColumnId }];
    }
    case "task.archived":
      return [{ field: "archived", from: false, to: true }];
    case "task.restored":
      return [{ field: "archived", from: true, to: false }];
    case "task.deleted":
      return event.payload.key === key
        ? [{ field: "deleted", from: false, to: true }]
        : [{ field: "parentKey", from: event.payload.key, to: null }];
    case "column.removed":
      return [{ field: "columnId", from: event.payload.columnId, to: event.payload.targetColumnId }];
    case "comment.added":
      return [{ field: "comment", from: null, to: event.payload.body }];
    case "comment.edited":
      return [{ field: "comment", from: event.payload.previousBody, to: event.payload.body }];
    case "comment.deleted":
      return [{ field: "comment", from: event.payload.commentId, to: null }];
    case "sprint.tasksAdded": {
      const move = event.payload.moves.find((m) => m.key === key);
      return move ? [{ field: "sprintId", from: move.from, to: event.payload.sprintId }] : [];
    }
    case "sprint.tasksRemoved":
    case "sprint.deleted":
      return event.payload.keys.includes(key) ? [{ field: "sprintId", from: event.payload.sprintId, to: null }] : [];
    case "sprint.completed":
      return event.payload.moved.includes(key)
        ? [{ field: "sprintId", from: event.payload.sprintId, to: event.payload.to }]
        : [];
    case "backlog.ranked": {
      const move = event.payload.moves.find((m) => m.key === key);
      return move ? [{ field: "backlogRank", from: move.previousRank, to: move.rank }] : [];
    }
    case "timer.started":
      return [{ field: "timer", from: null, to: event.at }];
    case "timer.stopped": {
      const worklog = event.payload.worklog;
      const list: HistoryEntry["changes"] = [{ field: "timer", from: event.payload.startedAt, to: null }];
      if (worklog) list.push({ field: "worklog", from: null, to: worklog.timeSpentSeconds });
      if (worklog?.remaining) {
        list.push({ field: "remainingEstimateSeconds", from: worklog.remaining.from, to: worklog.remaining.to });
      }
      return list;
    }
    case "worklog.added":
    case "worklog.edited":
    case "worklog.deleted": {
      const p = event.payload;
      const list: HistoryEntry["changes"] =
        event.type === "worklog.added"
          ? [{ field: "worklog", from: null, to: event.payload.timeSpentSeconds }]
          : event.type === "worklog.deleted"
            ? [{ field: "worklog", from: event.payload.timeSpentSeconds, to: null }]
            : Object.entries(event.payload.changes).map(([field, to]) => ({
                field: `worklog.${field}`,
                from: (event.payload.previous as Record<string, unknown>)[field] ?? null,
                to,
              }));
      if (p.remaining) list.push({ field: "remainingEstimateSeconds", from: p.remaining.from, to: p.remaining.to });
      return list;
    }
    default:
      return [];
  }
}
