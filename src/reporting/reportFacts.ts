import type { BoardEvent } from "../domain/events";
import {
  type BoardState,
  type Column,
  DEFAULT_BOARD_SETTINGS,
  type EstimationStatistic,
  type Sprint,
  type Task,
  type Worklog,
} from "../domain/model";
import type {
  EstimateRow,
  ReportBoardRow,
  ReportColumnRow,
  ReportSprintRow,
  ReportTaskRow,
  ReportWorklogRow,
  ScopeChangeRow,
  TransitionRow,
} from "./schema";

// What a batch of a board's events changes in the report projections, as plain
// rows: the D1 subscriber turns it into one batch of statements, and
// `ReportFacts` applies it in memory (a replay of the log, for the benchmark and
// the tests). Both start from this one function, so a report computed from D1
// and one computed from a replay can only differ if the storage does.

/** A column change, applied in log order: a column's history is its events, not the board as it is now. */
export type ColumnOp =
  | { op: "put"; row: ReportColumnRow }
  | { op: "patch"; columnId: string; changes: Partial<Pick<ReportColumnRow, "name" | "category" | "rank">> }
  | { op: "remove"; columnId: string };

export interface ReportChanges {
  board: ReportBoardRow | null;
  columns: ColumnOp[];
  tasks: { put: ReportTaskRow[]; remove: string[] };
  transitions: TransitionRow[];
  /** Deletions whose column is the last one their earlier transitions name. */
  departures: { seq: number; key: string }[];
  sprints: { put: ReportSprintRow[]; remove: string[] };
  scope: ScopeChangeRow[];
  estimates: EstimateRow[];
  worklogs: { put: ReportWorklogRow[]; remove: string[]; removeOfTasks: string[] };
}

export const DEFAULT_WORKING_DAYS = DEFAULT_BOARD_SETTINGS.workingDays;

/** What report_boards.scope_version says of a board projected by this code: sprints' sub-tasks are in their scope rows. */
export const SCOPE_VERSION = 2;

/** The board's reporting settings. */
export function reportSettings(state: BoardState): { estimationStatistic: EstimationStatistic; workingDays: number[] } {
  return { estimationStatistic: state.settings.estimationStatistic, workingDays: [...state.settings.workingDays] };
}

/**
 * The rows a batch of events changes. `state` is the board as it is now, possibly
 * past the batch's last event: rows that say "how it is now" are copied from it,
 * rows that record a moment come from the events.
 */
export function reportChanges(boardId: string, events: readonly BoardEvent[], state: BoardState): ReportChanges {
  const changes: ReportChanges = {
    board: null,
    columns: [],
    tasks: { put: [], remove: [] },
    transitions: [],
    departures: [],
    sprints: { put: [], remove: [] },
    scope: [],
    estimates: [],
    worklogs: { put: [], remove: [], removeOfTasks: [] },
  };
  const first = events[0];
  const last = events.at(-1);
  if (!first || !last) return changes;
  const tasks = new Set<string>();
  const sprints = new Set<string>();
  const worklogs = new Set<string>();
  let settings = false;

  /** Where each task went last in this batch: a deletion leaves that column. */
  const lastColumn = new Map<string, string>();
  const transition = (e: BoardEvent, key: string, from: string | null, to: string | null) => {
    changes.transitions.push({ boardId, seq: e.seq, key, fromColumn: from, toColumn: to, at: e.at, actor: e.actor });
    if (to !== null) lastColumn.set(key, to);
  };
  const estimate = (e: BoardEvent, key: string, remaining: number | null) =>
    changes.estimates.push({ boardId, seq: e.seq, key, remainingSeconds: remaining, at: e.at });
  const putColumn = (column: Column) => changes.columns.push({ op: "put", row: columnRow(boardId, column) });

  for (const e of events) {
    switch (e.type) {
      case "board.created":
        settings = true;
        for (const column of e.payload.columns) putColumn(column);
        break;
      case "board.settingsChanged":
        settings = true;
        break;
      case "column.added":
        putColumn(e.payload.column);
        break;
      case "column.updated": {
        const { name, category } = e.payload.changes;
        changes.columns.push({
          op: "patch",
          columnId: e.payload.columnId,
          changes: { ...(name === undefined ? {} : { name }), ...(category === undefined ? {} : { category }) },
        });
        // A new category can resolve or reopen every task in the column.
        for (const task of Object.values(state.tasks)) if (task.columnId === e.payload.columnId) tasks.add(task.key);
        break;
      }
      case "column.moved":
        changes.columns.push({ op: "patch", columnId: e.payload.columnId, changes: { rank: e.payload.rank } });
        break;
      case "column.removed":
        changes.columns.push({ op: "remove", columnId: e.payload.columnId });
        for (const move of e.payload.moves) {
          tasks.add(move.key);
          if (e.payload.targetColumnId !== null) {
            transition(e, move.key, e.payload.columnId, e.payload.targetColumnId);
          }
        }
        break;
      case "task.created": {
        const t = e.payload.task;
        tasks.add(t.key);
        transition(e, t.key, null, t.columnId);
        if (t.remainingEstimateSeconds !== null) estimate(e, t.key, t.remainingEstimateSeconds);
        if (t.sprintId) sprints.add(t.sprintId);
        break;
      }
      case "task.updated":
        tasks.add(e.payload.key);
        if (e.payload.changes.remainingEstimateSeconds !== undefined) {
          estimate(e, e.payload.key, e.payload.changes.remainingEstimateSeconds);
        }
        break;
      case "task.moved":
        tasks.add(e.payload.key);
        if (e.payload.fromColumnId !== e.payload.toColumnId) {
          transition(e, e.payload.key, e.payload.fromColumnId, e.payload.toColumnId);
        }
        break;
      case "task.archived":
      case "task.restored":
        tasks.add(e.payload.key);
        break;
      case "task.deleted":
        tasks.add(e.payload.key);
        transition(e, e.payload.key, lastColumn.get(e.payload.key) ?? null, null);
        // Moved in an earlier batch: the column its last transition took it to.
        if (!lastColumn.has(e.payload.key)) changes.departures.push({ seq: e.seq, key: e.payload.key });
        changes.worklogs.removeOfTasks.push(e.payload.key);
        break;
      case "worklog.added":
      case "worklog.edited":
      case "worklog.deleted":
        tasks.add(e.payload.key);
        worklogs.add(e.payload.worklogId);
        if (e.payload.remaining) estimate(e, e.payload.key, e.payload.remaining.to);
        break;
      case "timer.stopped":
        if (e.payload.worklog) {
          tasks.add(e.payload.key);
          worklogs.add(e.payload.worklog.worklogId);
          if (e.payload.worklog.remaining) estimate(e, e.payload.key, e.payload.worklog.remaining.to);
        }
        break;
      case "sprint.created":
        sprints.add(e.payload.sprint.id);
        break;
      case "sprint.updated":
      case "sprint.deleted":
      case "sprint.tasksRemoved":
      case "sprint.completed":
      case "sprint.tasksAdded":
        sprints.add(e.payload.sprintId);
        if (e.type === "sprint.completed" && e.payload.to) sprints.add(e.payload.to);
        if (e.type === "sprint.tasksAdded") {
          for (const move of e.payload.moves) {
            tasks.add(move.key);
            if (move.from) sprints.add(move.from);
          }
        }
        for (const key of e.type === "sprint.completed" ? e.payload.moved : "keys" in e.payload ? e.payload.keys : []) {
          tasks.add(key);
        }
        break;
      case "sprint.started": {
        const p = e.payload;
        sprints.add(p.sprintId);
        p.committed.keys.forEach((key, i) => {
          // Logs from before committedPoints: the task's points now, the best there is.
          const points = p.committedPoints ? (p.committedPoints[i] ?? null) : (state.tasks[key]?.storyPoints ?? null);
          changes.scope.push({
            boardId,
            sprintId: p.sprintId,
            seq: e.seq,
            key,
            kind: "committed",
            points,
            previousPoints: null,
            at: e.at,
          });
        });
        break;
      }
      default:
        break;
    }
  }

  if (settings) {
    const { estimationStatistic, workingDays } = reportSettings(state);
    changes.board = {
      boardId,
      estimationStatistic,
      workingDays: JSON.stringify(workingDays),
      scopeVersion: SCOPE_VERSION,
    };
  }
  // Any event may change a sprint's scope (a task planned, deleted, re-pointed):
  // the sprints record those changes with their seq, so look there.
  for (const sprint of Object.values(state.sprints)) {
    const latest = Math.max(sprint.scopeChanges.at(-1)?.seq ?? 0, sprint.subtaskChanges.at(-1)?.seq ?? 0);
    if (latest >= first.seq) sprints.add(sprint.id);
  }
  for (const key of tasks) {
    const task = state.tasks[key];
    if (task) changes.tasks.put.push(taskRow(boardId, task));
    else changes.tasks.remove.push(key);
  }
  for (const id of sprints) {
    const sprint = state.sprints[id];
    if (!sprint) {
      changes.sprints.remove.push(id);
      continue;
    }
    changes.sprints.put.push(sprintRow(boardId, sprint));
    // Scope changes are kept on the sprint; this batch writes those it made.
    // Sub-tasks joining and leaving carry no points of their own.
    const made = [...sprint.scopeChanges, ...sprint.subtaskChanges.map((c) => ({ ...c, points: null }))];
    for (const c of made) {
      if (c.seq < first.seq || c.seq > last.seq) continue;
      changes.scope.push({
        boardId,
        sprintId: id,
        seq: c.seq,
        key: c.key,
        kind: c.kind,
        points: c.points,
        previousPoints: ("previousPoints" in c ? c.previousPoints : null) ?? null,
        at: c.at,
      });
    }
  }
  for (const id of worklogs) {
    const worklog = state.worklogs[id];
    if (worklog) changes.worklogs.put.push(worklogRow(boardId, worklog));
    else changes.worklogs.remove.push(id);
  }
  return changes;
}

function columnRow(boardId: string, column: Column): ReportColumnRow {
  return {
    boardId,
    columnId: column.id,
    name: column.name,
    category: column.category,
    rank: column.rank,
    removed: false,
  };
}

function taskRow(boardId: string, task: Task): ReportTaskRow {
  return {
    boardId,
    key: task.key,
    title: task.title,
    type: task.type,
    parentKey: task.parentKey,
    sprintId: task.sprintId,
    columnId: task.columnId,
    storyPoints: task.storyPoints,
    originalEstimateSeconds: task.originalEstimateSeconds,
    remainingEstimateSeconds: task.remainingEstimateSeconds,
    createdAt: task.createdAt,
    resolvedAt: task.resolvedAt,
    archived: task.archivedAt !== null,
  };
}

function sprintRow(boardId: string, sprint: Sprint): ReportSprintRow {
  return {
    boardId,
    sprintId: sprint.id,
    number: sprint.number,
    name: sprint.name,
    state: sprint.state,
    startDate: sprint.startDate,
    endDate: sprint.endDate,
    startedAt: sprint.startedAt,
    completedAt: sprint.completedAt,
    report: sprint.report ? JSON.stringify(sprint.report) : null,
  };
}

function worklogRow(boardId: string, worklog: Worklog): ReportWorklogRow {
  return {
    boardId,
    worklogId: worklog.id,
    key: worklog.taskKey,
    authorId: worklog.authorId,
    startedAt: new Date(worklog.startedAt).toISOString(),
    seconds: worklog.timeSpentSeconds,
  };
}

/** Every report row of one board, held in memory: a replay of the log, or D1's rows read back. */
export interface BoardFacts {
  board: ReportBoardRow | null;
  columns: ReportColumnRow[];
  tasks: ReportTaskRow[];
  transitions: TransitionRow[];
  sprints: ReportSprintRow[];
  scope: ScopeChangeRow[];
  estimates: EstimateRow[];
  worklogs: ReportWorklogRow[];
}

/** The projections kept in memory, changed exactly as the D1 statements change D1. */
export class ReportFacts {
  board: ReportBoardRow | null = null;
  readonly columns = new Map<string, ReportColumnRow>();
  readonly tasks = new Map<string, ReportTaskRow>();
  readonly transitions = new Map<string, TransitionRow>();
  readonly sprints = new Map<string, ReportSprintRow>();
  readonly scope = new Map<string, ScopeChangeRow>();
  readonly estimates = new Map<string, EstimateRow>();
  readonly worklogs = new Map<string, ReportWorklogRow>();

  apply(changes: ReportChanges): this {
    if (changes.board) this.board = changes.board;
    for (const op of changes.columns) {
      if (op.op === "put") this.columns.set(op.row.columnId, op.row);
      else {
        const row = this.columns.get(op.columnId);
        if (!row) continue;
        this.columns.set(op.columnId, op.op === "patch" ? { ...row, ...op.changes } : { ...row, removed: true });
      }
    }
    for (const key of changes.tasks.remove) this.tasks.delete(key);
    for (const row of changes.tasks.put) this.tasks.set(row.key, row);
    for (const row of changes.transitions) this.transitions.set(`${row.seq}|${row.key}`, row);
    for (const { seq, key } of changes.departures) {
      const row = this.transitions.get(`${seq}|${key}`);
      let last: TransitionRow | undefined;
      for (const t of this.transitions.values()) {
        if (t.key === key && t.seq < seq && (!last || t.seq > last.seq)) last = t;
      }
      if (row) row.fromColumn = last?.toColumn ?? null;
    }
    for (const id of changes.sprints.remove) {
      this.sprints.delete(id);
      for (const [k, row] of this.scope) if (row.sprintId === id) this.scope.delete(k);
    }
    for (const row of changes.sprints.put) this.sprints.set(row.sprintId, row);
    for (const row of changes.scope) this.scope.set(`${row.sprintId}|${row.seq}|${row.key}|${row.kind}`, row);
    for (const row of changes.estimates) this.estimates.set(`${row.seq}|${row.key}`, row);
    for (const key of changes.worklogs.removeOfTasks) {
      for (const [id, row] of this.worklogs) if (row.key === key) this.worklogs.delete(id);
    }
    for (const id of changes.worklogs.remove) this.worklogs.delete(id);
    for (const row of changes.worklogs.put) this.worklogs.set(row.worklogId, row);
    return this;
  }

  /** Rows in a stable order (each table's primary key), for comparing with D1. */
  rows(): BoardFacts {
    const sorted = <T>(rows: Iterable<T>, key: (row: T) => string | number, second?: (row: T) => string) =>
      [...rows].sort((a, b) => compare(key(a), key(b)) || (second ? compare(second(a), second(b)) : 0));
    return {
      board: this.board,
      columns: sorted(this.columns.values(), (r) => r.columnId),
      tasks: sorted(this.tasks.values(), (r) => r.key),
      transitions: sorted(
        this.transitions.values(),
        (r) => r.seq,
        (r) => r.key,
      ),
      sprints: sorted(this.sprints.values(), (r) => r.sprintId),
      scope: sorted(this.scope.values(), (r) => `${r.sprintId}|${String(r.seq).padStart(12, "0")}|${r.key}|${r.kind}`),
      estimates: sorted(
        this.estimates.values(),
        (r) => r.seq,
        (r) => r.key,
      ),
      worklogs: sorted(this.worklogs.values(), (r) => r.worklogId),
    };
  }
}

function compare(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The projections of a whole log, as a rebuild writes them. */
export function replayFacts(boardId: string, events: readonly BoardEvent[], state: BoardState): ReportFacts {
  return new ReportFacts().apply(reportChanges(boardId, events, state));
}
