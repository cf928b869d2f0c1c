// The board aggregate as plain, JSON-serializable data. The same shape is held in
// memory by the BoardRoom, stored row by row in its SQLite tables, folded from the
// log for time travel, and applied optimistically by the client.

export const CATEGORIES = ["todo", "in_progress", "done"] as const;
export type Category = (typeof CATEGORIES)[number];

export const WIP_MODES = ["soft", "hard"] as const;
export type WipMode = (typeof WIP_MODES)[number];

export const BOARD_MODES = ["kanban", "scrum"] as const;
export type BoardMode = (typeof BOARD_MODES)[number];

export const TASK_TYPES = ["story", "bug", "task", "epic", "subtask"] as const;
export type TaskType = (typeof TASK_TYPES)[number];

export const PRIORITIES = ["highest", "high", "medium", "low", "lowest"] as const;
export type Priority = (typeof PRIORITIES)[number];

export const ROLES = ["owner", "member", "viewer"] as const;
export type Role = (typeof ROLES)[number];

/** Who last changed a field, and at which event: what a conflict answer reports. */
export interface Stamp {
  seq: number;
  actor: string;
  at: string;
}

/** Task fields whose last change is tracked for conflict detection. */
export const TRACKED_FIELDS = [
  "title",
  "description",
  "type",
  "parentKey",
  "columnId",
  "rank",
  "assigneeId",
  "priority",
  "storyPoints",
  "dueDate",
  "labels",
  "watchers",
  "archived",
  "originalEstimateSeconds",
  "remainingEstimateSeconds",
] as const;
export type TrackedField = (typeof TRACKED_FIELDS)[number];

/** How a board counts time and plans work; owners change it. */
export interface BoardSettings {
  /** A working day, for durations: `1d`. */
  hoursPerDay: number;
  /** A working week, for durations: `1w`. */
  daysPerWeek: number;
  /** Whether more than one sprint may be active at once. */
  parallelSprints: boolean;
  /** What sprints are planned and burned down in: story points or estimated time. */
  estimationStatistic: EstimationStatistic;
  /** The days the team works, ISO weekdays (1 Monday … 7 Sunday), ascending: a burndown's ideal line is flat on the others. */
  workingDays: number[];
}

export const ESTIMATION_STATISTICS = ["points", "time"] as const;
export type EstimationStatistic = (typeof ESTIMATION_STATISTICS)[number];

export const DEFAULT_BOARD_SETTINGS: BoardSettings = {
  hoursPerDay: 8,
  daysPerWeek: 5,
  parallelSprints: false,
  estimationStatistic: "points",
  workingDays: [1, 2, 3, 4, 5],
};

export const SPRINT_STATES = ["future", "active", "closed"] as const;
export type SprintState = (typeof SPRINT_STATES)[number];

/** One change of an active sprint's scope, for burndown: when, which task, and its points. */
export interface ScopeChange {
  seq: number;
  at: string;
  key: string;
  kind: "added" | "removed" | "points";
  /** The task's points after the change (before it, for a removal). */
  points: number | null;
  /** For a change of points: what they were. */
  previousPoints?: number | null;
}

/**
 * A sub-task entering or leaving an active sprint: with its parent, under a new
 * parent, archived, restored, or planned in it when it started. Sub-tasks are no
 * part of the scope in points; in time, each counts its own remaining estimate
 * while it is in, so a sub-task moved under another task later changes no figure
 * of before.
 */
export interface SubtaskChange {
  seq: number;
  at: string;
  key: string;
  kind: "joined" | "left";
}

/**
 * A group of a sprint's tasks with their points and their original estimate (a
 * task's own plus its sub-tasks'). `seconds` is null in what boards recorded before
 * sprints kept time.
 */
export interface SprintScope {
  keys: string[];
  points: number;
  seconds: number | null;
}

/** What a sprint's completion records. Keys are top-level tasks; sub-tasks go with their parents. */
export interface SprintReport {
  committed: SprintScope;
  completed: SprintScope;
  addedAfterStart: SprintScope;
  removedAfterStart: SprintScope;
  /** `remainingSeconds`: the work left on what moved on (null in older records). */
  carriedOver: SprintScope & { to: string | null; remainingSeconds: number | null };
  /** Time logged on the sprint's tasks between its start and its completion (null in older records). */
  spentSeconds: number | null;
}

export interface Sprint {
  id: string;
  /** Creation order: sprints are listed by it. */
  number: number;
  name: string;
  goal: string;
  startDate: string | null;
  endDate: string | null;
  state: SprintState;
  startedAt: string | null;
  completedAt: string | null;
  /** The scope as it stood when the sprint started. */
  committed: SprintScope | null;
  scopeChanges: ScopeChange[];
  /** Sub-tasks in and out while the sprint was active (for burndown in time). */
  subtaskChanges: SubtaskChange[];
  report: SprintReport | null;
}

export interface Board {
  id: string;
  name: string;
  key: string;
  mode: BoardMode;
  createdAt: string;
  createdBy: string;
  deletedAt: string | null;
}

export interface Column {
  id: string;
  name: string;
  category: Category;
  wipLimit: number | null;
  wipMode: WipMode;
  /** Fractional index: columns are shown in ascending rank. */
  rank: string;
}

export interface Task {
  key: string;
  number: number;
  title: string;
  description: string;
  type: TaskType;
  parentKey: string | null;
  columnId: string;
  /** Fractional index within the column: a move rewrites this task's rank only. */
  rank: string;
  /** The sprint the task is planned in (a closed one for work it completed); null: the backlog. */
  sprintId: string | null;
  /** Fractional index in the backlog, a ranking of its own across the whole board. */
  backlogRank: string;
  assigneeId: string | null;
  reporterId: string;
  priority: Priority;
  labels: string[];
  storyPoints: number | null;
  dueDate: string | null;
  watchers: string[];
  /** Estimates in seconds; null when nobody estimated. Remaining never goes below zero. */
  originalEstimateSeconds: number | null;
  remainingEstimateSeconds: number | null;
  /** The sum of the task's own worklogs, kept as they come and go (subtasks not included). */
  timeSpentSeconds: number;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  archivedAt: string | null;
  stamps: Partial<Record<TrackedField, Stamp>>;
}

export interface Comment {
  id: string;
  taskKey: string;
  authorId: string;
  body: string;
  createdAt: string;
  editedAt: string | null;
}

/** Time someone spent on a task. */
export interface Worklog {
  id: string;
  taskKey: string;
  authorId: string;
  /** When the work started, ISO 8601: the day it counts on. */
  startedAt: string;
  timeSpentSeconds: number;
  comment: string;
  createdAt: string;
  updatedAt: string;
}

/** Someone's running timer: stopping it logs the time since `startedAt` on the task. */
export interface Timer {
  userId: string;
  taskKey: string;
  startedAt: string;
}

export interface Member {
  userId: string;
  name: string;
  role: Role;
}

export interface BoardState {
  /** Seq of the last event folded into this state; 0 before the board exists. */
  seq: number;
  board: Board | null;
  /** Number the next task gets: keys are never reused, even after a delete. */
  nextNumber: number;
  columns: Record<string, Column>;
  tasks: Record<string, Task>;
  comments: Record<string, Comment>;
  members: Record<string, Member>;
  worklogs: Record<string, Worklog>;
  sprints: Record<string, Sprint>;
  settings: BoardSettings;
  /** Running timers by person: one each. */
  timers: Record<string, Timer>;
}

export function emptyState(): BoardState {
  return {
    seq: 0,
    board: null,
    nextNumber: 1,
    columns: {},
    tasks: {},
    comments: {},
    members: {},
    worklogs: {},
    sprints: {},
    settings: { ...DEFAULT_BOARD_SETTINGS },
    timers: {},
  };
}

export function orderedColumns(state: BoardState): Column[] {
  return Object.values(state.columns).sort(byRank);
}

/**
 * Every task placed in a column, archived ones included, top to bottom. Ranks are
 * computed against this list: an archived task keeps its rank, so a new rank must
 * never land on it or the task would collide with its old neighbour on restore.
 */
export function columnOrder(state: BoardState, columnId: string): Task[] {
  return Object.values(state.tasks)
    .filter((t) => t.columnId === columnId)
    .sort(byRank);
}

/** The tasks a column shows and counts against its WIP limit. */
export function tasksInColumn(state: BoardState, columnId: string): Task[] {
  return shownInColumn(Object.values(state.tasks), columnId);
}

/** Of any list of tasks (a board, a snapshot), those a column shows, top to bottom. */
export function shownInColumn<T extends Pick<Task, "columnId" | "archivedAt" | "rank">>(
  tasks: readonly T[],
  columnId: string,
): T[] {
  return tasks.filter((t) => t.columnId === columnId && t.archivedAt === null).sort(byRank);
}

/**
 * Every task in backlog rank order, planned or not: ranks are computed against the
 * whole list, so a task that returns to the backlog never collides with a neighbour.
 */
export function backlogOrder(state: BoardState): Task[] {
  return Object.values(state.tasks).sort((a, b) =>
    a.backlogRank < b.backlogRank ? -1 : a.backlogRank > b.backlogRank ? 1 : 0,
  );
}

export function byRank<T extends { rank: string }>(a: T, b: T): number {
  return a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0;
}

export function isDone(state: BoardState, columnId: string): boolean {
  return state.columns[columnId]?.category === "done";
}
