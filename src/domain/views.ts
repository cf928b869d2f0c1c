import type { BoardEvent } from "./events";
import { type BoardState, type Comment, orderedColumns, type Task, tasksInColumn } from "./model";
import type { Attempt } from "./outcomes";

// How the board reads from outside: the shapes the API returns, derived from state.

export type TaskView = Omit<Task, "stamps">;

export function taskView(task: Task): TaskView {
  const { stamps: _stamps, ...view } = task;
  return view;
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
      result.push(taskView(task));
    }
  }
  return result;
}

/** The whole board for a first load: ordered columns, every task, members, labels in use. */
export function snapshotOf(state: BoardState) {
  const labels = new Set<string>();
  for (const task of Object.values(state.tasks)) for (const label of task.labels) labels.add(label);
  return {
    seq: state.seq,
    board: state.board,
    nextNumber: state.nextNumber,
    columns: orderedColumns(state),
    tasks: Object.values(state.tasks).sort((a, b) => a.number - b.number),
    members: Object.values(state.members),
    labels: [...labels].sort(),
    sprints: [] as never[],
  };
}
export type Snapshot = ReturnType<typeof snapshotOf>;

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
      const { key: _k, number: _n, rank: _r, ...fields } = event.payload.task;
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
    default:
      return [];
  }
}
