import type { Command, CommandOf, TaskChanges } from "./commands";
import { type DomainError, type FieldConflict, forbidden, invalid, notFound, ruleBroken } from "./errors";
import type { EventBody, ScalarChanges, SetDelta } from "./events";
import {
  type BoardState,
  type Column,
  columnOrder,
  orderedColumns,
  type Role,
  type Task,
  type TrackedField,
  tasksInColumn,
} from "./model";
import { permissionFor } from "./permissions";
import { rankBetween, rankFor, ranksAfter } from "./ranks";

/**
 * What the board knows when it decides: who asks, the server's time, the seq the
 * resulting event will get, and the seq the command was based on. The domain reads
 * no clock and makes no ids of its own; ids it mints derive from `seq`.
 */
export interface DecideContext {
  actor: string;
  /** The actor's role on this board, as the Worker found it. */
  role: Role;
  at: string;
  seq: number;
  baseSeq: number;
}

export type Decision =
  | { kind: "event"; event: EventBody }
  /** The command is valid but would change nothing: nothing is appended. */
  | { kind: "unchanged" }
  | { kind: "error"; error: DomainError }
  | { kind: "conflict"; conflicts: FieldConflict[] };

const fail = (error: DomainError): Decision => ({ kind: "error", error });
const emit = (event: EventBody): Decision => ({ kind: "event", event });
const UNCHANGED: Decision = { kind: "unchanged" };

export const DEFAULT_COLUMNS = [
  { id: "todo", name: "To Do", category: "todo" },
  { id: "in_progress", name: "In Progress", category: "in_progress" },
  { id: "done", name: "Done", category: "done" },
] as const;

export function decide(state: BoardState, command: Command, ctx: DecideContext): Decision {
  if (command.type === "createBoard") return createBoard(state, command, ctx);
  if (!state.board || state.board.deletedAt !== null) {
    return fail(notFound("board_not_found", "This board does not exist or was deleted."));
  }
  // A second line of defence: the Worker has checked the role before calling the board.
  const refusal = permissionFor(ctx.role, command);
  if (refusal) return fail(refusal);
  switch (command.type) {
    case "renameBoard":
      return command.name === state.board.name
        ? UNCHANGED
        : emit({ type: "board.renamed", payload: { name: command.name, previousName: state.board.name } });
    case "deleteBoard":
      return emit({ type: "board.deleted", payload: {} });
    case "addColumn":
      return addColumn(state, command, ctx);
    case "updateColumn":
      return updateColumn(state, command);
    case "moveColumn":
      return moveColumn(state, command);
    case "removeColumn":
      return removeColumn(state, command);
    case "createTask":
      return createTask(state, command, ctx);
    case "updateTask":
      return updateTask(state, command, ctx);
    case "moveTask":
      return moveTask(state, command, ctx);
    case "archiveTask":
    case "restoreTask":
    case "deleteTask":
      return changeTaskLife(state, command);
    case "addComment":
      return withTask(state, command.key, () =>
        emit({
          type: "comment.added",
          payload: { commentId: `cmt_${ctx.seq}`, key: command.key, body: command.body },
        }),
      );
    case "editComment":
    case "deleteComment":
      return changeComment(state, command, ctx);
    case "addMember":
      if (state.members[command.userId]) {
        return fail(ruleBroken("member_exists", "This person is already a member of the board."));
      }
      return emit({
        type: "member.added",
        payload: { userId: command.userId, name: command.name, role: command.role },
      });
    case "changeMemberRole":
    case "removeMember":
      return changeMembership(state, command);
  }
}

function changeMembership(state: BoardState, command: CommandOf<"changeMemberRole" | "removeMember">): Decision {
  const member = state.members[command.userId];
  if (!member) {
    return fail(notFound("member_not_found", "This person is not a member of the board.", { userId: command.userId }));
  }
  const newRole = command.type === "changeMemberRole" ? command.role : null;
  if (newRole === member.role) return UNCHANGED;
  const owners = Object.values(state.members).filter((m) => m.role === "owner").length;
  if (member.role === "owner" && owners === 1) {
    return fail(
      ruleBroken("last_owner", "A board always keeps at least one owner; make someone else an owner first.", {
        userId: member.userId,
      }),
    );
  }
  return newRole === null
    ? emit({ type: "member.removed", payload: { userId: member.userId, previousRole: member.role } })
    : emit({
        type: "member.roleChanged",
        payload: { userId: member.userId, role: newRole, previousRole: member.role },
      });
}

function createBoard(state: BoardState, command: CommandOf<"createBoard">, ctx: DecideContext): Decision {
  if (state.board) return fail(ruleBroken("board_exists", "This board already exists."));
  const ranks = ranksAfter(null, DEFAULT_COLUMNS.length);
  return emit({
    type: "board.created",
    payload: {
      boardId: command.boardId,
      name: command.name,
      key: command.key,
      mode: command.mode,
      columns: DEFAULT_COLUMNS.map((c, i) => ({
        ...c,
        wipLimit: null,
        wipMode: "soft",
        rank: ranks[i] as string,
      })),
      // Whoever creates a board owns it.
      owner: { userId: ctx.actor, name: command.ownerName },
    },
  });
}

// ---- columns ---------------------------------------------------------------

function columnNameTaken(state: BoardState, name: string, except?: string): boolean {
  const wanted = name.toLocaleLowerCase();
  return Object.values(state.columns).some((c) => c.id !== except && c.name.toLocaleLowerCase() === wanted);
}

/** The rank that puts a column right after `afterColumnId` (null: first). */
function columnRankAfter(state: BoardState, afterColumnId: string | null, moving?: string): string | DomainError {
  const ordered = orderedColumns(state).filter((c) => c.id !== moving);
  if (afterColumnId === null) return rankBetween(null, ordered[0]?.rank ?? null);
  const at = ordered.findIndex((c) => c.id === afterColumnId);
  if (at < 0) return unknownColumn(afterColumnId);
  return rankBetween(ordered[at]?.rank ?? null, ordered[at + 1]?.rank ?? null);
}

function unknownColumn(columnId: string): DomainError {
  return ruleBroken("unknown_column", `There is no column "${columnId}" on this board.`, { columnId });
}

function columnNotFound(columnId: string): DomainError {
  return notFound("column_not_found", `There is no column "${columnId}" on this board.`, { columnId });
}

function addColumn(state: BoardState, command: CommandOf<"addColumn">, ctx: DecideContext): Decision {
  if (columnNameTaken(state, command.name)) {
    return fail(ruleBroken("column_name_taken", `A column named "${command.name}" already exists.`));
  }
  const last = orderedColumns(state).at(-1);
  const rank =
    command.afterColumnId === undefined
      ? rankBetween(last?.rank ?? null, null)
      : columnRankAfter(state, command.afterColumnId);
  if (typeof rank !== "string") return fail(rank);
  return emit({
    type: "column.added",
    payload: {
      column: {
        id: `col_${ctx.seq}`,
        name: command.name,
        category: command.category,
        wipLimit: command.wipLimit ?? null,
        wipMode: command.wipMode ?? "soft",
        rank,
      },
    },
  });
}

function updateColumn(state: BoardState, command: CommandOf<"updateColumn">): Decision {
  const column = state.columns[command.columnId];
  if (!column) return fail(columnNotFound(command.columnId));
  if (command.name !== undefined && columnNameTaken(state, command.name, column.id)) {
    return fail(ruleBroken("column_name_taken", `A column named "${command.name}" already exists.`));
  }
  const changes: Partial<Omit<Column, "id" | "rank">> = {};
  const previous: Partial<Omit<Column, "id" | "rank">> = {};
  for (const field of ["name", "category", "wipLimit", "wipMode"] as const) {
    const value = command[field];
    if (value !== undefined && value !== column[field]) {
      Object.assign(changes, { [field]: value });
      Object.assign(previous, { [field]: column[field] });
    }
  }
  if (Object.keys(changes).length === 0) return UNCHANGED;
  return emit({ type: "column.updated", payload: { columnId: column.id, changes, previous } });
}

function moveColumn(state: BoardState, command: CommandOf<"moveColumn">): Decision {
  const column = state.columns[command.columnId];
  if (!column) return fail(columnNotFound(command.columnId));
  if (command.afterColumnId === column.id) {
    return fail(ruleBroken("invalid_position", "A column cannot be placed after itself."));
  }
  const ordered = orderedColumns(state);
  const index = ordered.findIndex((c) => c.id === column.id);
  const before = index > 0 ? (ordered[index - 1]?.id ?? null) : null;
  if (before === command.afterColumnId) return UNCHANGED;
  const rank = columnRankAfter(state, command.afterColumnId, column.id);
  if (typeof rank !== "string") return fail(rank);
  return emit({ type: "column.moved", payload: { columnId: column.id, rank, previousRank: column.rank } });
}

function removeColumn(state: BoardState, command: CommandOf<"removeColumn">): Decision {
  const column = state.columns[command.columnId];
  if (!column) return fail(columnNotFound(command.columnId));
  if (Object.keys(state.columns).length === 1) {
    return fail(ruleBroken("last_column", "A board keeps at least one column; add another before removing this one."));
  }
  const tasks = columnOrder(state, column.id);
  const target = command.targetColumnId;
  if (target === undefined) {
    if (tasks.length > 0) {
      return fail(
        ruleBroken(
          "column_not_empty",
          `"${column.name}" still holds ${tasks.length} task(s); name a target column to move them to.`,
          { taskCount: tasks.length },
        ),
      );
    }
    return emit({ type: "column.removed", payload: { columnId: column.id, targetColumnId: null, moves: [] } });
  }
  if (target === column.id) {
    return fail(ruleBroken("invalid_target", "The target column must be another column."));
  }
  const targetColumn = state.columns[target];
  if (!targetColumn) return fail(unknownColumn(target));
  const visible = tasks.filter((t) => t.archivedAt === null).length;
  const wip = wipCheck(state, targetColumn, visible);
  if (wip.refused) return fail(wip.refused);
  const ranks = ranksAfter(columnOrder(state, target).at(-1)?.rank ?? null, tasks.length);
  return emit({
    type: "column.removed",
    payload: {
      columnId: column.id,
      targetColumnId: target,
      moves: tasks.map((t, i) => ({ key: t.key, rank: ranks[i] as string })),
    },
  });
}

/** A column's WIP limit against `incoming` more tasks: hard limits refuse, soft ones report. */
function wipCheck(
  state: BoardState,
  column: Column,
  incoming: number,
): { refused?: DomainError; exceeded?: { limit: number; count: number } } {
  if (column.wipLimit === null || incoming === 0) return {};
  const count = tasksInColumn(state, column.id).length + incoming;
  if (count <= column.wipLimit) return {};
  if (column.wipMode === "hard") {
    return {
      refused: ruleBroken(
        "wip_limit_reached",
        `"${column.name}" allows at most ${column.wipLimit} task(s) and is full; finish or move a task out first.`,
        { columnId: column.id, limit: column.wipLimit, count: count - incoming },
      ),
    };
  }
  return { exceeded: { limit: column.wipLimit, count } };
}

// ---- tasks -----------------------------------------------------------------

function taskNotFound(key: string): DomainError {
  return notFound("task_not_found", `There is no task ${key} on this board.`, { key });
}

function withTask(state: BoardState, key: string, then: (task: Task) => Decision): Decision {
  const task = state.tasks[key];
  return task ? then(task) : fail(taskNotFound(key));
}

function checkAssignee(state: BoardState, assigneeId: string | null | undefined): DomainError | null {
  if (assigneeId === null || assigneeId === undefined || state.members[assigneeId]) return null;
  return ruleBroken("unknown_assignee", "Tasks can only be assigned to members of this board.", { assigneeId });
}

function checkWatchers(state: BoardState, watchers: readonly string[]): DomainError | null {
  const stranger = watchers.find((w) => !state.members[w]);
  return stranger === undefined
    ? null
    : ruleBroken("unknown_watcher", "Only members of this board can watch its tasks.", { userId: stranger });
}

/** The parent a task may take: it exists, is not the task, and is not one of its descendants. */
function checkParent(state: BoardState, key: string | null, parentKey: string | null): DomainError | null {
  if (parentKey === null) return null;
  if (!state.tasks[parentKey]) {
    return ruleBroken("unknown_parent", `There is no task ${parentKey} to be the parent.`, { parentKey });
  }
  // `seen` guards the walk: a log from elsewhere (an import) could hold a cycle already.
  const seen = new Set<string>();
  for (let at: string | null = parentKey; at !== null && !seen.has(at); at = state.tasks[at]?.parentKey ?? null) {
    seen.add(at);
    if (at === key) {
      return ruleBroken(
        "parent_cycle",
        `${parentKey} is ${key} itself or one of its sub-tasks, so it cannot be its parent.`,
        { key, parentKey },
      );
    }
  }
  return null;
}

function checkSubtask(type: Task["type"], parentKey: string | null): DomainError | null {
  return type === "subtask" && parentKey === null
    ? ruleBroken("subtask_needs_parent", "A sub-task needs a parent task; set parentKey.")
    : null;
}

const unique = (items: readonly string[]): string[] => [...new Set(items)].sort();

function createTask(state: BoardState, command: CommandOf<"createTask">, ctx: DecideContext): Decision {
  const board = state.board;
  if (!board) return fail(notFound("board_not_found", "This board does not exist."));
  const fields = command.task;
  const columnId = fields.columnId ?? orderedColumns(state)[0]?.id;
  const column = columnId === undefined ? undefined : state.columns[columnId];
  if (!column) return fail(unknownColumn(fields.columnId ?? ""));
  const type = fields.type ?? "task";
  const parentKey = fields.parentKey ?? null;
  const assigneeId = fields.assigneeId ?? null;
  // Like Jira, the reporter and the assignee watch the task from the start.
  const watchers = unique([...(fields.watchers ?? []), ctx.actor, ...(assigneeId ? [assigneeId] : [])]);
  const problem =
    checkParent(state, null, parentKey) ??
    checkSubtask(type, parentKey) ??
    checkAssignee(state, assigneeId) ??
    checkWatchers(state, fields.watchers ?? []);
  if (problem) return fail(problem);
  const wip = wipCheck(state, column, 1);
  if (wip.refused) return fail(wip.refused);
  const key = `${board.key}-${state.nextNumber}`;
  return emit({
    type: "task.created",
    payload: {
      task: {
        key,
        number: state.nextNumber,
        title: fields.title,
        description: fields.description ?? "",
        type,
        parentKey,
        columnId: column.id,
        rank: rankBetween(columnOrder(state, column.id).at(-1)?.rank ?? null, null),
        assigneeId,
        reporterId: ctx.actor,
        priority: fields.priority ?? "medium",
        labels: unique(fields.labels ?? []),
        storyPoints: fields.storyPoints ?? null,
        dueDate: fields.dueDate ?? null,
        watchers,
      },
    },
  });
}

const SCALAR_FIELDS = [
  "title",
  "type",
  "description",
  "assigneeId",
  "priority",
  "parentKey",
  "storyPoints",
  "dueDate",
] as const satisfies readonly (keyof ScalarChanges & TrackedField)[];

/**
 * Fields changed by another command after the command's base, where the command
 * wants a value different from the one now there. Like a stale HTTP If-Match, this
 * holds whoever made the other change: two tabs of one person conflict too. A client
 * keeps one command in flight and bases the next on its ack, so its own queued
 * edits never trip over each other. Agreeing edits are not conflicts.
 */
function conflictsOn(task: Task, wanted: Partial<Record<TrackedField, unknown>>, ctx: DecideContext): FieldConflict[] {
  const conflicts: FieldConflict[] = [];
  for (const [field, yours] of Object.entries(wanted) as [TrackedField, unknown][]) {
    const stamp = task.stamps[field];
    const current = field === "archived" ? task.archivedAt !== null : task[field];
    if (!stamp || stamp.seq <= ctx.baseSeq || sameValue(yours, current)) continue;
    conflicts.push({ field, yours, current, changedBy: stamp.actor, changedAt: stamp.at, seq: stamp.seq });
  }
  return conflicts;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function setDelta(current: readonly string[], edit: TaskChanges["labels"]): SetDelta | undefined {
  if (edit === undefined) return undefined;
  const have = new Set(current);
  const wanted = Array.isArray(edit)
    ? new Set(edit)
    : new Set([...current.filter((x) => !(edit.remove ?? []).includes(x)), ...(edit.add ?? [])]);
  const added = unique([...wanted].filter((x) => !have.has(x)));
  const removed = unique([...have].filter((x) => !wanted.has(x)));
  return added.length + removed.length > 0 ? { added, removed } : undefined;
}

function updateTask(state: BoardState, command: CommandOf<"updateTask">, ctx: DecideContext): Decision {
  return withTask(state, command.key, (task) => {
    if (task.archivedAt !== null) return fail(archivedError(task.key));
    const asked = command.changes;
    const wanted: Partial<Record<TrackedField, unknown>> = {};
    for (const field of SCALAR_FIELDS) if (asked[field] !== undefined) wanted[field] = asked[field];
    const conflicts = conflictsOn(task, wanted, ctx);
    if (conflicts.length > 0) return { kind: "conflict", conflicts };

    const changes: ScalarChanges = {};
    const previous: ScalarChanges = {};
    for (const field of SCALAR_FIELDS) {
      const value = asked[field];
      if (value === undefined || sameValue(value, task[field])) continue;
      Object.assign(changes, { [field]: value });
      Object.assign(previous, { [field]: task[field] });
    }
    const labels = setDelta(task.labels, asked.labels);
    const watchers = setDelta(task.watchers, asked.watchers);
    const parentKey = changes.parentKey === undefined ? task.parentKey : changes.parentKey;
    // Only an edit of the type or the parent can break the sub-task rule: a sub-task
    // orphaned by its parent's deletion stays editable until someone gives it a parent.
    const reshaped = changes.type !== undefined || changes.parentKey !== undefined;
    const problem =
      (changes.parentKey !== undefined ? checkParent(state, task.key, changes.parentKey) : null) ??
      (reshaped ? checkSubtask(changes.type ?? task.type, parentKey) : null) ??
      checkAssignee(state, changes.assigneeId) ??
      checkWatchers(state, watchers?.added ?? []);
    if (problem) return fail(problem);
    if (Object.keys(changes).length === 0 && !labels && !watchers) return UNCHANGED;
    return emit({
      type: "task.updated",
      payload: {
        key: task.key,
        changes,
        previous,
        ...(labels ? { labels } : {}),
        ...(watchers ? { watchers } : {}),
      },
    });
  });
}

function archivedError(key: string): DomainError {
  return ruleBroken("task_archived", `${key} is archived; restore it before changing it.`, { key });
}

function moveTask(state: BoardState, command: CommandOf<"moveTask">, ctx: DecideContext): Decision {
  return withTask(state, command.key, (task) => {
    if (task.archivedAt !== null) return fail(archivedError(task.key));
    const column = state.columns[command.columnId];
    if (!column) return fail(unknownColumn(command.columnId));
    const anchors = [command.beforeKey, command.afterKey, command.position].filter((x) => x !== undefined);
    if (anchors.length > 1) {
      return fail(invalid("ambiguous_position", "Give at most one of beforeKey, afterKey or position."));
    }
    // Moving to another column conflicts only when another command moved the task since
    // the base; a reorder inside a column nobody changed never conflicts.
    const conflicts = conflictsOn(task, { columnId: column.id }, ctx);
    if (conflicts.length > 0) return { kind: "conflict", conflicts };

    const others = columnOrder(state, column.id).filter((t) => t.key !== task.key);
    const anchorKey = command.beforeKey ?? command.afterKey;
    let index: number;
    if (anchorKey !== undefined) {
      const at = others.findIndex((t) => t.key === anchorKey);
      if (at < 0) {
        return fail(
          ruleBroken(
            "invalid_position",
            `${anchorKey} is not in "${column.name}", so the task cannot be placed next to it.`,
            {
              anchorKey,
              columnId: column.id,
            },
          ),
        );
      }
      index = command.beforeKey !== undefined ? at : at + 1;
    } else {
      index = command.position === "top" ? 0 : others.length;
    }
    const sameColumn = task.columnId === column.id;
    if (sameColumn && others.filter((t) => t.rank < task.rank).length === index) return UNCHANGED;
    const wip = sameColumn ? {} : wipCheck(state, column, 1);
    if (wip.refused) return fail(wip.refused);
    const rank = rankFor(
      others.map((t) => t.rank),
      index === 0
        ? { kind: "top" }
        : index === others.length
          ? { kind: "bottom" }
          : { kind: "before", rank: (others[index] as Task).rank, previous: (others[index - 1] as Task).rank },
    );
    return emit({
      type: "task.moved",
      payload: {
        key: task.key,
        fromColumnId: task.columnId,
        toColumnId: column.id,
        rank,
        previousRank: task.rank,
        ...(wip.exceeded ? { wipExceeded: wip.exceeded } : {}),
      },
    });
  });
}

function changeTaskLife(state: BoardState, command: CommandOf<"archiveTask" | "restoreTask" | "deleteTask">): Decision {
  return withTask(state, command.key, (task) => {
    const archived = task.archivedAt !== null;
    switch (command.type) {
      case "archiveTask":
        return archived ? UNCHANGED : emit({ type: "task.archived", payload: { key: task.key } });
      case "restoreTask": {
        if (!archived) return UNCHANGED;
        const column = state.columns[task.columnId];
        const wip = column ? wipCheck(state, column, 1) : {};
        if (wip.refused) return fail(wip.refused);
        return emit({ type: "task.restored", payload: { key: task.key } });
      }
      case "deleteTask":
        if (!archived) {
          return fail(
            ruleBroken("task_not_archived", `Archive ${task.key} first; only archived tasks can be deleted.`, {
              key: task.key,
            }),
          );
        }
        return emit({ type: "task.deleted", payload: { key: task.key } });
    }
  });
}

function changeComment(
  state: BoardState,
  command: CommandOf<"editComment" | "deleteComment">,
  ctx: DecideContext,
): Decision {
  const comment = state.comments[command.commentId];
  if (!comment) {
    return fail(
      notFound("comment_not_found", "This comment does not exist or was deleted.", { commentId: command.commentId }),
    );
  }
  // Authors edit and delete their comments; owners may also delete anyone's.
  const mayDelete = command.type === "deleteComment" && ctx.role === "owner";
  if (comment.authorId !== ctx.actor && !mayDelete) {
    return fail(
      forbidden("not_comment_author", "Only the author of a comment can edit it, and only they or an owner delete it."),
    );
  }
  if (command.type === "deleteComment") {
    return emit({ type: "comment.deleted", payload: { commentId: comment.id, key: comment.taskKey } });
  }
  if (command.body === comment.body) return UNCHANGED;
  return emit({
    type: "comment.edited",
    payload: { commentId: comment.id, key: comment.taskKey, body: command.body, previousBody: comment.body },
  });
}
