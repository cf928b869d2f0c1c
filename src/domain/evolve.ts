import type { BoardEvent } from "./events";
import { type BoardState, emptyState, type Stamp, type Task, type TrackedField } from "./model";

/** The rows an event changed, so storage writes exactly those and nothing else. */
export interface Touched {
  board: boolean;
  columns: Set<string>;
  tasks: Set<string>;
  comments: Set<string>;
  members: Set<string>;
}

export function noneTouched(): Touched {
  return { board: false, columns: new Set(), tasks: new Set(), comments: new Set(), members: new Set() };
}

/**
 * Folds one event into the state. The state is updated in place and returned:
 * replaying thousands of events over thousands of tasks must not copy the board
 * per event. Callers that need the state from before clone it first.
 * `touched`, when given, collects every row the event changed.
 */
export function evolve(state: BoardState, event: BoardEvent, touched: Touched = noneTouched()): BoardState {
  const stamp: Stamp = { seq: event.seq, actor: event.actor, at: event.at };
  state.seq = event.seq;

  const touchTask = (task: Task, fields: readonly TrackedField[]) => {
    for (const field of fields) task.stamps[field] = stamp;
    task.updatedAt = event.at;
    touched.tasks.add(task.key);
  };
  /** A task is resolved while it sits in a done-category column. */
  const settleResolution = (task: Task) => {
    const done = state.columns[task.columnId]?.category === "done";
    if (done && task.resolvedAt === null) task.resolvedAt = event.at;
    if (!done) task.resolvedAt = null;
  };

  switch (event.type) {
    case "board.created": {
      const p = event.payload;
      state.board = {
        id: p.boardId,
        name: p.name,
        key: p.key,
        mode: p.mode,
        createdAt: event.at,
        createdBy: event.actor,
        deletedAt: null,
      };
      touched.board = true;
      for (const column of p.columns) {
        state.columns[column.id] = { ...column };
        touched.columns.add(column.id);
      }
      state.members[p.owner.userId] = { userId: p.owner.userId, name: p.owner.name, role: "owner" };
      touched.members.add(p.owner.userId);
      break;
    }
    case "board.renamed":
      if (state.board) state.board.name = event.payload.name;
      touched.board = true;
      break;
    case "board.deleted":
      if (state.board) state.board.deletedAt = event.at;
      touched.board = true;
      break;
    case "column.added":
      state.columns[event.payload.column.id] = { ...event.payload.column };
      touched.columns.add(event.payload.column.id);
      break;
    case "column.updated": {
      const column = state.columns[event.payload.columnId];
      if (!column) break;
      Object.assign(column, event.payload.changes);
      touched.columns.add(column.id);
      if (event.payload.changes.category !== undefined) {
        for (const task of Object.values(state.tasks)) {
          if (task.columnId !== column.id) continue;
          settleResolution(task);
          touched.tasks.add(task.key);
        }
      }
      break;
    }
    case "column.moved": {
      const column = state.columns[event.payload.columnId];
      if (column) column.rank = event.payload.rank;
      touched.columns.add(event.payload.columnId);
      break;
    }
    case "column.removed": {
      const { columnId, targetColumnId, moves } = event.payload;
      for (const move of moves) {
        const task = state.tasks[move.key];
        if (!task || targetColumnId === null) continue;
        task.columnId = targetColumnId;
        task.rank = move.rank;
        settleResolution(task);
        touchTask(task, ["columnId", "rank"]);
      }
      delete state.columns[columnId];
      touched.columns.add(columnId);
      break;
    }
    case "task.created": {
      const t = event.payload.task;
      const task: Task = {
        ...t,
        labels: [...t.labels],
        watchers: [...t.watchers],
        createdAt: event.at,
        updatedAt: event.at,
        resolvedAt: null,
        archivedAt: null,
        stamps: {},
      };
      state.tasks[task.key] = task;
      state.nextNumber = Math.max(state.nextNumber, task.number + 1);
      touched.board = true;
      settleResolution(task);
      touchTask(task, [
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
      ]);
      break;
    }
    case "task.updated": {
      const task = state.tasks[event.payload.key];
      if (!task) break;
      const { changes, labels, watchers } = event.payload;
      Object.assign(task, changes);
      const fields = Object.keys(changes) as TrackedField[];
      if (labels) {
        task.labels = applyDelta(task.labels, labels);
        fields.push("labels");
      }
      if (watchers) {
        task.watchers = applyDelta(task.watchers, watchers);
        fields.push("watchers");
      }
      touchTask(task, fields);
      break;
    }
    case "task.moved": {
      const task = state.tasks[event.payload.key];
      if (!task) break;
      const changedColumn = task.columnId !== event.payload.toColumnId;
      task.columnId = event.payload.toColumnId;
      task.rank = event.payload.rank;
      settleResolution(task);
      touchTask(task, changedColumn ? ["columnId", "rank"] : ["rank"]);
      break;
    }
    case "task.archived":
    case "task.restored": {
      const task = state.tasks[event.payload.key];
      if (!task) break;
      task.archivedAt = event.type === "task.archived" ? event.at : null;
      touchTask(task, ["archived"]);
      break;
    }
    case "task.deleted": {
      const key = event.payload.key;
      delete state.tasks[key];
      touched.tasks.add(key);
      for (const child of Object.values(state.tasks)) {
        if (child.parentKey === key) {
          child.parentKey = null;
          touchTask(child, ["parentKey"]);
        }
      }
      for (const comment of Object.values(state.comments)) {
        if (comment.taskKey === key) {
          delete state.comments[comment.id];
          touched.comments.add(comment.id);
        }
      }
      break;
    }
    case "comment.added": {
      const p = event.payload;
      state.comments[p.commentId] = {
        id: p.commentId,
        taskKey: p.key,
        authorId: event.actor,
        body: p.body,
        createdAt: event.at,
        editedAt: null,
      };
      touched.comments.add(p.commentId);
      break;
    }
    case "comment.edited": {
      const comment = state.comments[event.payload.commentId];
      if (!comment) break;
      comment.body = event.payload.body;
      comment.editedAt = event.at;
      touched.comments.add(comment.id);
      break;
    }
    case "comment.deleted":
      delete state.comments[event.payload.commentId];
      touched.comments.add(event.payload.commentId);
      break;
    case "member.added": {
      const { userId, name, role } = event.payload;
      state.members[userId] = { userId, name, role };
      touched.members.add(userId);
      break;
    }
    case "member.roleChanged": {
      const member = state.members[event.payload.userId];
      if (member) member.role = event.payload.role;
      touched.members.add(event.payload.userId);
      break;
    }
    case "member.removed":
      delete state.members[event.payload.userId];
      touched.members.add(event.payload.userId);
      break;
  }
  return state;
}

function applyDelta(current: readonly string[], delta: { added: string[]; removed: string[] }): string[] {
  const removed = new Set(delta.removed);
  return [...new Set([...current.filter((x) => !removed.has(x)), ...delta.added])].sort();
}

/** Folds a log from the empty board: time travel, replay and self-checks. */
export function replay(events: Iterable<BoardEvent>, initial: BoardState = emptyState()): BoardState {
  let state = initial;
  for (const event of events) state = evolve(state, event);
  return state;
}
