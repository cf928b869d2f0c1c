import type { BoardEvent } from "./events";
import { type BoardState, emptyState, type ScopeChange, type Stamp, type Task, type TrackedField } from "./model";

/** The rows an event changed, so storage writes exactly those and nothing else. */
export interface Touched {
  board: boolean;
  columns: Set<string>;
  tasks: Set<string>;
  comments: Set<string>;
  members: Set<string>;
  worklogs: Set<string>;
  sprints: Set<string>;
  timers: Set<string>;
}

export function noneTouched(): Touched {
  return {
    board: false,
    columns: new Set(),
    tasks: new Set(),
    comments: new Set(),
    members: new Set(),
    worklogs: new Set(),
    sprints: new Set(),
    timers: new Set(),
  };
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

  /**
   * Moves a task to a sprint (null: the backlog). While a sprint is active, a
   * top-level task entering or leaving it is a change of its scope, kept with the
   * event's time so burndown shows it instead of breaking.
   */
  const plan = (task: Task, sprintId: string | null) => {
    if (task.sprintId === sprintId) return;
    scopeChange(task.sprintId, task, "removed");
    task.sprintId = sprintId;
    scopeChange(sprintId, task, "added");
    task.updatedAt = event.at;
    touched.tasks.add(task.key);
  };
  const scopeChange = (
    sprintId: string | null,
    task: Task,
    kind: ScopeChange["kind"],
    previousPoints?: number | null,
  ) => {
    const sprint = sprintId === null ? undefined : state.sprints[sprintId];
    // An archived task is out of the scope already: archiving it took it out.
    if (sprint?.state !== "active" || task.archivedAt !== null) return;
    if (task.type === "subtask") {
      if (kind === "points") return;
      sprint.subtaskChanges.push({ seq: event.seq, at: event.at, key: task.key, kind: joinedOrLeft(kind) });
      touched.sprints.add(sprint.id);
      return;
    }
    const change: ScopeChange = { seq: event.seq, at: event.at, key: task.key, kind, points: task.storyPoints };
    if (previousPoints !== undefined) change.previousPoints = previousPoints;
    sprint.scopeChanges.push(change);
    touched.sprints.add(sprint.id);
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
        timeSpentSeconds: 0,
        createdAt: event.at,
        updatedAt: event.at,
        resolvedAt: null,
        archivedAt: null,
        stamps: {},
      };
      state.tasks[task.key] = task;
      state.nextNumber = Math.max(state.nextNumber, task.number + 1);
      scopeChange(task.sprintId, task, "added");
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
        // Only an estimate given at creation is stamped: a board from before time
        // tracking folds to the same stamps it always had.
        ...(t.originalEstimateSeconds === null ? [] : (["originalEstimateSeconds"] as const)),
        ...(t.remainingEstimateSeconds === null ? [] : (["remainingEstimateSeconds"] as const)),
      ]);
      break;
    }
    case "task.updated": {
      const task = state.tasks[event.payload.key];
      if (!task) break;
      const { changes, labels, watchers } = event.payload;
      const points = task.storyPoints;
      Object.assign(task, changes);
      if (changes.storyPoints !== undefined) scopeChange(task.sprintId, task, "points", points);
      // A sub-task is planned wherever its (new) parent is.
      if ((changes.parentKey !== undefined || changes.type !== undefined) && task.type === "subtask") {
        const parent = task.parentKey === null ? undefined : state.tasks[task.parentKey];
        const sprint = parent?.sprintId ? state.sprints[parent.sprintId] : undefined;
        plan(task, sprint && sprint.state !== "closed" ? sprint.id : null);
      }
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
      // As Jira has it, a task archived while its sprint runs leaves the sprint's
      // scope (a marked step in burndown, "removed" in the sprint report), and one
      // restored while it still runs comes back into it. Sprints count no archived task.
      if (event.type === "task.archived") scopeChange(task.sprintId, task, "removed");
      task.archivedAt = event.type === "task.archived" ? event.at : null;
      if (event.type === "task.restored") scopeChange(task.sprintId, task, "added");
      touchTask(task, ["archived"]);
      break;
    }
    case "task.deleted": {
      const key = event.payload.key;
      const deleted = state.tasks[key];
      if (deleted) plan(deleted, null);
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
      for (const timer of Object.values(state.timers)) {
        if (timer.taskKey === key) {
          delete state.timers[timer.userId];
          touched.timers.add(timer.userId);
        }
      }
      for (const worklog of Object.values(state.worklogs)) {
        if (worklog.taskKey === key) {
          delete state.worklogs[worklog.id];
          touched.worklogs.add(worklog.id);
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
    case "worklog.added":
    case "worklog.edited":
    case "worklog.deleted": {
      const p = event.payload;
      const task = state.tasks[p.key];
      if (!task) break;
      // The time the task gains is read from the event, not from the worklog it names: a
      // client that started from a snapshot holds no worklogs, and its totals must move too.
      const gained =
        event.type === "worklog.added"
          ? event.payload.timeSpentSeconds
          : event.type === "worklog.deleted"
            ? -event.payload.timeSpentSeconds
            : event.payload.changes.timeSpentSeconds === undefined
              ? 0
              : event.payload.changes.timeSpentSeconds - (event.payload.previous.timeSpentSeconds ?? 0);
      if (event.type === "worklog.added") {
        const { worklogId: id, key: taskKey, timeSpentSeconds, startedAt, comment } = event.payload;
        state.worklogs[id] = {
          id,
          taskKey,
          authorId: event.actor,
          startedAt,
          timeSpentSeconds,
          comment,
          createdAt: event.at,
          updatedAt: event.at,
        };
      } else if (event.type === "worklog.edited") {
        const worklog = state.worklogs[p.worklogId];
        if (worklog) Object.assign(worklog, event.payload.changes, { updatedAt: event.at });
      } else {
        delete state.worklogs[p.worklogId];
      }
      task.timeSpentSeconds += gained;
      if (p.remaining) task.remainingEstimateSeconds = p.remaining.to;
      touched.worklogs.add(p.worklogId);
      touchTask(task, p.remaining ? ["remainingEstimateSeconds"] : []);
      break;
    }
    case "timer.started":
      state.timers[event.actor] = { userId: event.actor, taskKey: event.payload.key, startedAt: event.at };
      touched.timers.add(event.actor);
      break;
    case "timer.stopped": {
      const { key, startedAt, worklog } = event.payload;
      delete state.timers[event.actor];
      touched.timers.add(event.actor);
      const task = state.tasks[key];
      if (!worklog || !task) break;
      state.worklogs[worklog.worklogId] = {
        id: worklog.worklogId,
        taskKey: key,
        authorId: event.actor,
        startedAt,
        timeSpentSeconds: worklog.timeSpentSeconds,
        comment: worklog.comment,
        createdAt: event.at,
        updatedAt: event.at,
      };
      task.timeSpentSeconds += worklog.timeSpentSeconds;
      if (worklog.remaining) task.remainingEstimateSeconds = worklog.remaining.to;
      touched.worklogs.add(worklog.worklogId);
      touchTask(task, worklog.remaining ? ["remainingEstimateSeconds"] : []);
      break;
    }
    case "board.settingsChanged":
      Object.assign(state.settings, structuredClone(event.payload.changes));
      touched.board = true;
      break;
    case "sprint.created": {
      const s = event.payload.sprint;
      state.sprints[s.id] = {
        ...s,
        state: "future",
        startedAt: null,
        completedAt: null,
        committed: null,
        scopeChanges: [],
        subtaskChanges: [],
        report: null,
      };
      touched.sprints.add(s.id);
      break;
    }
    case "sprint.updated": {
      const sprint = state.sprints[event.payload.sprintId];
      if (sprint) Object.assign(sprint, event.payload.changes);
      touched.sprints.add(event.payload.sprintId);
      break;
    }
    case "sprint.deleted":
      for (const key of event.payload.keys) {
        const task = state.tasks[key];
        if (task) plan(task, null);
      }
      delete state.sprints[event.payload.sprintId];
      touched.sprints.add(event.payload.sprintId);
      break;
    case "sprint.tasksAdded":
      for (const move of event.payload.moves) {
        const task = state.tasks[move.key];
        if (task) plan(task, event.payload.sprintId);
      }
      break;
    case "sprint.tasksRemoved":
      for (const key of event.payload.keys) {
        const task = state.tasks[key];
        if (task) plan(task, null);
      }
      break;
    case "sprint.started": {
      const p = event.payload;
      const sprint = state.sprints[p.sprintId];
      if (!sprint) break;
      Object.assign(sprint, {
        state: "active",
        startDate: p.startDate,
        endDate: p.endDate,
        goal: p.goal,
        startedAt: event.at,
        committed: { keys: [...p.committed.keys], points: p.committed.points, seconds: p.committed.seconds },
      });
      // The committed tasks are in the event; their sub-tasks, planned with them, are in from the start too.
      for (const task of Object.values(state.tasks)) {
        if (task.sprintId === sprint.id && task.type === "subtask" && task.archivedAt === null) {
          sprint.subtaskChanges.push({ seq: event.seq, at: event.at, key: task.key, kind: "joined" });
        }
      }
      touched.sprints.add(sprint.id);
      break;
    }
    case "sprint.completed": {
      const p = event.payload;
      const sprint = state.sprints[p.sprintId];
      if (!sprint) break;
      // Closed first: what leaves a completed sprint is no change of its scope.
      sprint.state = "closed";
      sprint.completedAt = event.at;
      sprint.report = JSON.parse(JSON.stringify(p.report));
      touched.sprints.add(sprint.id);
      for (const key of p.moved) {
        const task = state.tasks[key];
        if (task) plan(task, p.to);
      }
      break;
    }
    case "backlog.ranked":
      for (const move of event.payload.moves) {
        const task = state.tasks[move.key];
        if (!task) continue;
        task.backlogRank = move.rank;
        task.updatedAt = event.at;
        touched.tasks.add(task.key);
      }
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

function joinedOrLeft(kind: "added" | "removed"): "joined" | "left" {
  return kind === "added" ? "joined" : "left";
}
