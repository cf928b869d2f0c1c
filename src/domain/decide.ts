import type { Adjust, Command, CommandOf, TaskChanges } from "./commands";
import { type DurationSettings, parseDuration } from "./durations";
import { type DomainError, type FieldConflict, forbidden, invalid, notFound, ruleBroken } from "./errors";
import type { EventBody, ScalarChanges, SetDelta } from "./events";
import {
  type BoardState,
  backlogOrder,
  type Column,
  columnOrder,
  isDone,
  orderedColumns,
  type Role,
  type Sprint,
  type SprintScope,
  type Task,
  type TrackedField,
  tasksInColumn,
} from "./model";
import { permissionFor } from "./permissions";
import { rankBetween, rankFor, ranksAfter, ranksBetween } from "./ranks";

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
  const refusal = permissionFor(ctx.role, command, ctx.actor);
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
    case "logWork":
      return logWork(state, command, ctx);
    case "updateBoardSettings":
      return updateBoardSettings(state, command);
    case "createSprint":
    case "updateSprint":
    case "deleteSprint":
    case "addToSprint":
    case "removeFromSprint":
    case "startSprint":
    case "completeSprint":
      return state.board.mode === "scrum"
        ? planSprint(state, command, ctx)
        : fail(ruleBroken("scrum_only", "Sprints belong to Scrum boards; this board is a Kanban board."));
    case "rankBacklog":
      return rankBacklog(state, command);
    case "editWorklog":
    case "deleteWorklog":
      return changeWorklog(state, command, ctx);
    case "startTimer":
    case "stopTimer":
      return runTimer(state, command, ctx);
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
  const original = seconds(state, fields.originalEstimate, "originalEstimate");
  if (typeof original === "object" && original !== null) return fail(original);
  const remaining = seconds(state, fields.remainingEstimate, "remainingEstimate");
  if (typeof remaining === "object" && remaining !== null) return fail(remaining);
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
        // A sub-task is planned wherever its parent is; anything else starts in the backlog.
        sprintId: type === "subtask" && parentKey !== null ? openSprintOf(state, parentKey) : null,
        backlogRank: rankBetween(backlogOrder(state).at(-1)?.backlogRank ?? null, null),
        assigneeId,
        reporterId: ctx.actor,
        priority: fields.priority ?? "medium",
        labels: unique(fields.labels ?? []),
        storyPoints: fields.storyPoints ?? null,
        dueDate: fields.dueDate ?? null,
        watchers,
        originalEstimateSeconds: original ?? null,
        // As in Jira, a task estimated at creation has all of it remaining.
        remainingEstimateSeconds: remaining === undefined ? (original ?? null) : remaining,
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
  "originalEstimateSeconds",
  "remainingEstimateSeconds",
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
    const original = seconds(state, command.changes.originalEstimate, "originalEstimate");
    if (typeof original === "object" && original !== null) return fail(original);
    const remaining = seconds(state, command.changes.remainingEstimate, "remainingEstimate");
    if (typeof remaining === "object" && remaining !== null) return fail(remaining);
    const asked = { ...command.changes, originalEstimateSeconds: original, remainingEstimateSeconds: remaining };
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
    // As in Jira, a first estimate (nothing remaining yet) is also what remains.
    if (changes.originalEstimateSeconds != null && task.remainingEstimateSeconds === null && remaining === undefined) {
      changes.remainingEstimateSeconds = changes.originalEstimateSeconds;
      previous.remainingEstimateSeconds = null;
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
      notFound(
        "comment_not_found",
        "This comment does not exist any more (it was deleted, perhaps by someone else), so your change to it was not saved.",
        { commentId: command.commentId },
      ),
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

// ---- time tracking ---------------------------------------------------------

/** The board's working day and week, which give `1d` and `1w` their length. */
export function durationSettingsOf(state: BoardState): DurationSettings {
  return { hoursPerDay: state.settings.hoursPerDay, daysPerWeek: state.settings.daysPerWeek };
}

/** A duration field in seconds: undefined when absent, null when cleared, or why it is not a duration. */
function seconds(
  state: BoardState,
  text: string | null | undefined,
  field: string,
): number | null | undefined | DomainError {
  if (text === undefined || text === null) return text;
  const parsed = parseDuration(text, durationSettingsOf(state));
  return parsed.ok ? parsed.seconds : invalid("invalid_duration", parsed.message, { field, value: text });
}

const DAY_MS = 24 * 3600 * 1000;

/** When a worklog's work started: at most a day ahead of the board's clock (time zones differ, not calendars). */
function startedAtFor(text: string | undefined, ctx: DecideContext): string | DomainError {
  if (text === undefined) return ctx.at;
  const at = Date.parse(text);
  if (Number.isNaN(at))
    return invalid("invalid_started_at", "startedAt must be a date and time like 2026-03-01T09:00:00Z.");
  if (at > Date.parse(ctx.at) + DAY_MS) {
    return ruleBroken("worklog_in_future", "Work cannot start more than a day from now; check the date of startedAt.", {
      startedAt: text,
    });
  }
  return new Date(at).toISOString();
}

/**
 * The remaining estimate after a worklog: `spent` is the time it adds (negative when
 * an edit or a delete gives time back). A task nobody estimated stays unestimated
 * unless the adjustment sets a new value. Never below zero.
 */
function adjustedRemaining(
  state: BoardState,
  remaining: number | null,
  spent: number,
  adjust: Adjust | undefined,
): number | null | DomainError {
  const mode = adjust?.mode ?? "auto";
  if (mode === "leave") return remaining;
  if (mode === "auto") return remaining === null ? null : Math.max(0, remaining - spent);
  if (adjust?.value === undefined) {
    return invalid(
      "adjust_value_required",
      `The "${mode}" adjustment needs a value, like {"mode": "${mode}", "value": "2h"}.`,
    );
  }
  const value = seconds(state, adjust.value, "adjust.value");
  if (typeof value !== "number") return value ?? null;
  if (mode === "new") return value;
  // manual: the value is taken off when logging, given back when deleting.
  const delta = spent < 0 ? -value : value;
  return Math.max(0, (remaining ?? 0) - delta);
}

function remainingChange(task: Task, to: number | null) {
  return to === task.remainingEstimateSeconds ? {} : { remaining: { from: task.remainingEstimateSeconds, to } };
}

function spentOf(state: BoardState, text: string): number | DomainError {
  const spent = seconds(state, text, "timeSpent");
  if (typeof spent !== "number") return spent ?? invalid("invalid_duration", "timeSpent is required.");
  if (spent === 0) return ruleBroken("nothing_spent", "A worklog records some time; log at least 1m.");
  return spent;
}

function logWork(state: BoardState, command: CommandOf<"logWork">, ctx: DecideContext): Decision {
  return withTask(state, command.key, (task) => {
    if (task.archivedAt !== null) return fail(archivedError(task.key));
    const spent = spentOf(state, command.timeSpent);
    if (typeof spent !== "number") return fail(spent);
    const startedAt = startedAtFor(command.startedAt, ctx);
    if (typeof startedAt !== "string") return fail(startedAt);
    const remaining = adjustedRemaining(state, task.remainingEstimateSeconds, spent, command.adjust);
    if (typeof remaining === "object" && remaining !== null) return fail(remaining);
    return emit({
      type: "worklog.added",
      payload: {
        worklogId: `wl_${ctx.seq}`,
        key: task.key,
        timeSpentSeconds: spent,
        startedAt,
        comment: command.comment ?? "",
        ...remainingChange(task, remaining),
      },
    });
  });
}

function changeWorklog(
  state: BoardState,
  command: CommandOf<"editWorklog" | "deleteWorklog">,
  ctx: DecideContext,
): Decision {
  const worklog = state.worklogs[command.worklogId];
  const task = worklog ? state.tasks[worklog.taskKey] : undefined;
  if (!worklog || !task) {
    return fail(
      notFound(
        "worklog_not_found",
        "This worklog does not exist any more (it was deleted, perhaps by someone else), so your change to it was not saved.",
        { worklogId: command.worklogId },
      ),
    );
  }
  // Authors edit and delete their worklogs; owners may also delete anyone's.
  const mayDelete = command.type === "deleteWorklog" && ctx.role === "owner";
  if (worklog.authorId !== ctx.actor && !mayDelete) {
    return fail(
      forbidden("not_worklog_author", "Only the author of a worklog can edit it, and only they or an owner delete it."),
    );
  }
  if (task.archivedAt !== null) return fail(archivedError(task.key));
  if (command.type === "deleteWorklog") {
    const remaining = adjustedRemaining(
      state,
      task.remainingEstimateSeconds,
      -worklog.timeSpentSeconds,
      command.adjust,
    );
    if (typeof remaining === "object" && remaining !== null) return fail(remaining);
    return emit({
      type: "worklog.deleted",
      payload: {
        worklogId: worklog.id,
        key: task.key,
        timeSpentSeconds: worklog.timeSpentSeconds,
        ...remainingChange(task, remaining),
      },
    });
  }
  const changes: { timeSpentSeconds?: number; startedAt?: string; comment?: string } = {};
  const previous: typeof changes = {};
  if (command.timeSpent !== undefined) {
    const spent = spentOf(state, command.timeSpent);
    if (typeof spent !== "number") return fail(spent);
    if (spent !== worklog.timeSpentSeconds) {
      changes.timeSpentSeconds = spent;
      previous.timeSpentSeconds = worklog.timeSpentSeconds;
    }
  }
  if (command.startedAt !== undefined) {
    const startedAt = startedAtFor(command.startedAt, ctx);
    if (typeof startedAt !== "string") return fail(startedAt);
    if (startedAt !== worklog.startedAt) {
      changes.startedAt = startedAt;
      previous.startedAt = worklog.startedAt;
    }
  }
  if (command.comment !== undefined && command.comment !== worklog.comment) {
    changes.comment = command.comment;
    previous.comment = worklog.comment;
  }
  const added = (changes.timeSpentSeconds ?? worklog.timeSpentSeconds) - worklog.timeSpentSeconds;
  // An edit that changes no time leaves the estimate alone unless a new value is asked for.
  const adjust = added === 0 && command.adjust?.mode !== "new" ? { mode: "leave" as const } : command.adjust;
  const remaining = adjustedRemaining(state, task.remainingEstimateSeconds, added, adjust);
  if (typeof remaining === "object" && remaining !== null) return fail(remaining);
  const remainingPart = remainingChange(task, remaining);
  if (Object.keys(changes).length === 0 && !("remaining" in remainingPart)) return UNCHANGED;
  return emit({
    type: "worklog.edited",
    payload: { worklogId: worklog.id, key: task.key, changes, previous, ...remainingPart },
  });
}

// ---- board settings --------------------------------------------------------

function updateBoardSettings(state: BoardState, command: CommandOf<"updateBoardSettings">): Decision {
  const changes: Partial<BoardState["settings"]> = {};
  const previous: Partial<BoardState["settings"]> = {};
  for (const field of ["hoursPerDay", "daysPerWeek", "parallelSprints", "estimationStatistic"] as const) {
    const value = command[field];
    if (value === undefined || value === state.settings[field]) continue;
    Object.assign(changes, { [field]: value });
    Object.assign(previous, { [field]: state.settings[field] });
  }
  // Working days are a set: kept in weekday order, so naming them in another order changes nothing.
  const days = command.workingDays && [...command.workingDays].sort((a, b) => a - b);
  if (days && days.join() !== state.settings.workingDays.join()) {
    changes.workingDays = days;
    previous.workingDays = [...state.settings.workingDays];
  }
  if (Object.keys(changes).length === 0) return UNCHANGED;
  if (changes.parallelSprints === false) {
    const active = activeSprints(state);
    if (active.length > 1) {
      return fail(
        ruleBroken(
          "parallel_sprints_active",
          `${active.length} sprints are active (${active.map((s) => `"${s.name}"`).join(", ")}); complete all but one first.`,
        ),
      );
    }
  }
  return emit({ type: "board.settingsChanged", payload: { changes, previous } });
}

// ---- sprints and backlog ---------------------------------------------------

function activeSprints(state: BoardState): Sprint[] {
  return Object.values(state.sprints)
    .filter((s) => s.state === "active")
    .sort((a, b) => a.number - b.number);
}

/** The sprint a task is planned in, if that sprint is still open (future or active). */
function openSprintOf(state: BoardState, key: string): string | null {
  const sprintId = state.tasks[key]?.sprintId ?? null;
  const sprint = sprintId === null ? undefined : state.sprints[sprintId];
  return sprint && sprint.state !== "closed" ? sprint.id : null;
}

/** A task's sub-tasks, theirs too: they go wherever it goes. */
export function subtasksOf(state: BoardState, key: string): string[] {
  const found: string[] = [];
  const seen = new Set([key]);
  const walk = (parent: string) => {
    for (const t of Object.values(state.tasks)) {
      if (t.parentKey !== parent || t.type !== "subtask" || seen.has(t.key)) continue;
      seen.add(t.key);
      found.push(t.key);
      walk(t.key);
    }
  };
  walk(key);
  return found.sort((a, b) => (state.tasks[a]?.number ?? 0) - (state.tasks[b]?.number ?? 0));
}

/** Points of the tasks (none counts as zero), to the half point people estimate in. */
function pointsOf(state: BoardState, keys: readonly string[]): number {
  return keys.reduce((sum, key) => sum + (state.tasks[key]?.storyPoints ?? 0), 0);
}

/** Tasks with their points and original estimate; a task's time includes its sub-tasks'. */
function scopeOf(state: BoardState, keys: readonly string[]): SprintScope {
  return { keys: [...keys], points: pointsOf(state, keys), seconds: estimateOf(state, keys, "original") };
}

function estimateOf(state: BoardState, keys: readonly string[], which: "original" | "remaining"): number {
  let seconds = 0;
  for (const key of keys) {
    for (const k of [key, ...subtasksOf(state, key)]) {
      const task = state.tasks[k];
      seconds += (which === "original" ? task?.originalEstimateSeconds : task?.remainingEstimateSeconds) ?? 0;
    }
  }
  return seconds;
}

/** Time logged on these tasks (and their sub-tasks) by work started from `from` up to `to`. */
function spentDuring(state: BoardState, keys: readonly string[], from: string, to: string): number {
  const tasks = new Set(keys.flatMap((key) => [key, ...subtasksOf(state, key)]));
  const start = Date.parse(from);
  const end = Date.parse(to);
  let seconds = 0;
  for (const worklog of Object.values(state.worklogs)) {
    const at = Date.parse(worklog.startedAt);
    if (tasks.has(worklog.taskKey) && at >= start && at <= end) seconds += worklog.timeSpentSeconds;
  }
  return seconds;
}

/** The tasks a sprint's figures count: top-level ones (sub-tasks follow their parents). */
function plannedIn(state: BoardState, sprintId: string): Task[] {
  return Object.values(state.tasks)
    .filter((t) => t.sprintId === sprintId && t.type !== "subtask" && t.archivedAt === null)
    .sort((a, b) => (a.backlogRank < b.backlogRank ? -1 : 1));
}

function sprintNotFound(sprintId: string): DomainError {
  return notFound("sprint_not_found", "This sprint does not exist or was deleted.", { sprintId });
}

/** The tasks a planning command names, each one a top-level task that can be planned. */
function plannable(state: BoardState, keys: readonly string[]): Task[] | DomainError {
  const tasks: Task[] = [];
  for (const key of new Set(keys)) {
    const task = state.tasks[key];
    if (!task) return taskNotFound(key);
    if (task.archivedAt !== null) return archivedError(key);
    if (task.type === "subtask") {
      return ruleBroken(
        "subtask_follows_parent",
        `${key} is a sub-task: it is planned with its parent${task.parentKey ? ` ${task.parentKey}` : ""}; plan that instead.`,
        { key },
      );
    }
    tasks.push(task);
  }
  return tasks;
}

function checkDates(startDate: string | null, endDate: string | null): DomainError | null {
  return startDate !== null && endDate !== null && endDate < startDate
    ? ruleBroken("invalid_sprint_dates", `The sprint ends (${endDate}) before it starts (${startDate}).`)
    : null;
}

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

type SprintCommand = CommandOf<
  | "createSprint"
  | "updateSprint"
  | "deleteSprint"
  | "addToSprint"
  | "removeFromSprint"
  | "startSprint"
  | "completeSprint"
>;

function planSprint(state: BoardState, command: SprintCommand, ctx: DecideContext): Decision {
  if (command.type === "createSprint") {
    const startDate = command.startDate ?? null;
    const endDate = command.endDate ?? null;
    const problem = checkDates(startDate, endDate);
    if (problem) return fail(problem);
    return emit({
      type: "sprint.created",
      payload: {
        sprint: {
          id: `spr_${ctx.seq}`,
          number: ctx.seq,
          name: command.name,
          goal: command.goal ?? "",
          startDate,
          endDate,
        },
      },
    });
  }
  const sprint = state.sprints[command.sprintId];
  if (!sprint) return fail(sprintNotFound(command.sprintId));
  const closed = () =>
    fail(
      ruleBroken("sprint_closed", `"${sprint.name}" is completed; its record cannot change.`, { sprintId: sprint.id }),
    );
  switch (command.type) {
    case "updateSprint": {
      if (sprint.state === "closed") return closed();
      const changes: { name?: string; goal?: string; startDate?: string | null; endDate?: string | null } = {};
      const previous: typeof changes = {};
      for (const field of ["name", "goal", "startDate", "endDate"] as const) {
        const value = command[field];
        if (value === undefined || value === sprint[field]) continue;
        Object.assign(changes, { [field]: value });
        Object.assign(previous, { [field]: sprint[field] });
      }
      const problem = checkDates(
        changes.startDate === undefined ? sprint.startDate : changes.startDate,
        changes.endDate === undefined ? sprint.endDate : changes.endDate,
      );
      if (problem) return fail(problem);
      if (Object.keys(changes).length === 0) return UNCHANGED;
      return emit({ type: "sprint.updated", payload: { sprintId: sprint.id, changes, previous } });
    }
    case "deleteSprint":
      if (sprint.startedAt !== null) {
        return fail(
          ruleBroken(
            "sprint_started",
            `"${sprint.name}" has been started; only a sprint never started can be deleted.`,
            {
              sprintId: sprint.id,
            },
          ),
        );
      }
      return emit({
        type: "sprint.deleted",
        payload: {
          sprintId: sprint.id,
          keys: Object.values(state.tasks)
            .filter((t) => t.sprintId === sprint.id)
            .map((t) => t.key)
            .sort(),
        },
      });
    case "addToSprint": {
      if (sprint.state === "closed") return closed();
      const tasks = plannable(state, command.keys);
      if (!Array.isArray(tasks)) return fail(tasks);
      const moves: { key: string; from: string | null }[] = [];
      for (const task of tasks) {
        for (const key of [task.key, ...subtasksOf(state, task.key)]) {
          const from = openSprintOf(state, key);
          if (from !== sprint.id) moves.push({ key, from });
        }
      }
      if (moves.length === 0) return UNCHANGED;
      return emit({ type: "sprint.tasksAdded", payload: { sprintId: sprint.id, moves } });
    }
    case "removeFromSprint": {
      if (sprint.state === "closed") return closed();
      const tasks = plannable(state, command.keys);
      if (!Array.isArray(tasks)) return fail(tasks);
      const stranger = tasks.find((t) => t.sprintId !== sprint.id);
      if (stranger) {
        return fail(
          ruleBroken("not_in_sprint", `${stranger.key} is not planned in "${sprint.name}".`, {
            key: stranger.key,
            sprintId: sprint.id,
          }),
        );
      }
      const keys = tasks.flatMap((t) => [
        t.key,
        ...subtasksOf(state, t.key).filter((k) => openSprintOf(state, k) === sprint.id),
      ]);
      return emit({ type: "sprint.tasksRemoved", payload: { sprintId: sprint.id, keys } });
    }
    case "startSprint": {
      if (sprint.state !== "future") {
        return fail(
          ruleBroken(
            "sprint_not_future",
            sprint.state === "active" ? `"${sprint.name}" is already active.` : `"${sprint.name}" is completed.`,
            { sprintId: sprint.id },
          ),
        );
      }
      const active = activeSprints(state)[0];
      if (active && !state.settings.parallelSprints) {
        return fail(
          ruleBroken(
            "sprint_already_active",
            `"${active.name}" is still active; complete it first, or let the board run parallel sprints.`,
            { activeSprintId: active.id, activeSprintName: active.name },
          ),
        );
      }
      const startDate = command.startDate ?? sprint.startDate ?? ctx.at.slice(0, 10);
      const endDate = command.endDate ?? sprint.endDate ?? addDays(startDate, 14);
      const problem = checkDates(startDate, endDate);
      if (problem) return fail(problem);
      const keys = plannedIn(state, sprint.id).map((t) => t.key);
      return emit({
        type: "sprint.started",
        payload: {
          sprintId: sprint.id,
          startDate,
          endDate,
          goal: command.goal ?? sprint.goal,
          committed: scopeOf(state, keys),
          committedPoints: keys.map((key) => state.tasks[key]?.storyPoints ?? null),
        },
      });
    }
    case "completeSprint":
      return completeSprint(state, sprint, command.moveOpenTo, ctx);
  }
}

function completeSprint(state: BoardState, sprint: Sprint, moveOpenTo: string, ctx: DecideContext): Decision {
  if (sprint.state !== "active") {
    return fail(
      ruleBroken("sprint_not_active", `"${sprint.name}" is not active; only an active sprint can be completed.`, {
        sprintId: sprint.id,
      }),
    );
  }
  const to = moveOpenTo === "backlog" ? null : moveOpenTo;
  if (to !== null) {
    const target = state.sprints[to];
    if (target?.state !== "future") {
      return fail(
        ruleBroken("invalid_target_sprint", "Unfinished work moves to the backlog or to a sprint not started yet.", {
          moveOpenTo,
        }),
      );
    }
  }
  const planned = plannedIn(state, sprint.id);
  const done = planned.filter((t) => isDone(state, t.columnId)).map((t) => t.key);
  const open = planned.filter((t) => !isDone(state, t.columnId)).map((t) => t.key);
  const moved = open.flatMap((key) => [key, ...subtasksOf(state, key)]);
  // A task added after the start and removed again counts in both lists, as it happened.
  const changed = (kind: "added" | "removed") => {
    const keys = [...new Set(sprint.scopeChanges.filter((c) => c.kind === kind).map((c) => c.key))];
    const points = keys.reduce((sum, key) => {
      const last = sprint.scopeChanges.filter((c) => c.kind === kind && c.key === key).at(-1);
      return sum + (last?.points ?? 0);
    }, 0);
    return { keys, points, seconds: estimateOf(state, keys, "original") };
  };
  return emit({
    type: "sprint.completed",
    payload: {
      sprintId: sprint.id,
      to,
      moved,
      report: {
        committed: sprint.committed ?? { keys: [], points: 0, seconds: 0 },
        completed: scopeOf(state, done),
        addedAfterStart: changed("added"),
        removedAfterStart: changed("removed"),
        carriedOver: { ...scopeOf(state, open), to, remainingSeconds: estimateOf(state, open, "remaining") },
        spentSeconds: spentDuring(state, [...done, ...open], sprint.startedAt ?? ctx.at, ctx.at),
      },
    },
  });
}

function rankBacklog(state: BoardState, command: CommandOf<"rankBacklog">): Decision {
  const moving = new Set(command.keys);
  for (const key of moving) if (!state.tasks[key]) return fail(taskNotFound(key));
  const anchors = [command.beforeKey, command.afterKey, command.position].filter((x) => x !== undefined);
  if (anchors.length !== 1) {
    return fail(invalid("ambiguous_position", "Give exactly one of beforeKey, afterKey or position."));
  }
  const anchorKey = command.beforeKey ?? command.afterKey;
  if (anchorKey !== undefined && moving.has(anchorKey)) {
    return fail(
      ruleBroken("invalid_position", `${anchorKey} is one of the tasks being ranked; rank them next to another.`),
    );
  }
  const order = backlogOrder(state);
  // The selection keeps its own order, whatever order it was named in.
  const selection = order.filter((t) => moving.has(t.key));
  const others = order.filter((t) => !moving.has(t.key));
  let index: number;
  if (anchorKey !== undefined) {
    const at = others.findIndex((t) => t.key === anchorKey);
    if (at < 0) return fail(taskNotFound(anchorKey));
    index = command.beforeKey !== undefined ? at : at + 1;
  } else {
    index = command.position === "top" ? 0 : others.length;
  }
  const before = others[index - 1]?.backlogRank ?? null;
  const after = others[index]?.backlogRank ?? null;
  // Already together in that place: nothing to write.
  const placed = [...others.slice(0, index), ...selection, ...others.slice(index)];
  if (placed.every((t, i) => t.key === order[i]?.key)) return UNCHANGED;
  const ranks = ranksBetween(before, after, selection.length);
  return emit({
    type: "backlog.ranked",
    payload: {
      moves: selection.map((t, i) => ({ key: t.key, rank: ranks[i] as string, previousRank: t.backlogRank })),
    },
  });
}

// ---- timers ----------------------------------------------------------------

function runTimer(state: BoardState, command: CommandOf<"startTimer" | "stopTimer">, ctx: DecideContext): Decision {
  return withTask(state, command.key, (task) => {
    const running = state.timers[ctx.actor];
    if (command.type === "startTimer") {
      if (task.archivedAt !== null) return fail(archivedError(task.key));
      if (running) {
        return fail(
          ruleBroken(
            "timer_running",
            `Your timer is running on ${running.taskKey} since ${running.startedAt}; stop it first.`,
            { key: running.taskKey, startedAt: running.startedAt },
          ),
        );
      }
      return emit({ type: "timer.started", payload: { key: task.key } });
    }
    if (running?.taskKey !== task.key) {
      return fail(ruleBroken("no_timer", `You have no timer running on ${task.key}.`, { key: task.key }));
    }
    if (command.discard)
      return emit({ type: "timer.stopped", payload: { key: task.key, startedAt: running.startedAt } });
    if (task.archivedAt !== null) return fail(archivedError(task.key));
    // Whole minutes, at least one: a timer stopped at once still records that work began.
    const elapsed = Date.parse(ctx.at) - Date.parse(running.startedAt);
    const spent = Math.max(60, Math.round(elapsed / 60_000) * 60);
    const remaining = adjustedRemaining(state, task.remainingEstimateSeconds, spent, command.adjust);
    if (typeof remaining === "object" && remaining !== null) return fail(remaining);
    return emit({
      type: "timer.stopped",
      payload: {
        key: task.key,
        startedAt: running.startedAt,
        worklog: {
          worklogId: `wl_${ctx.seq}`,
          timeSpentSeconds: spent,
          comment: command.comment ?? "",
          ...remainingChange(task, remaining),
        },
      },
    });
  });
}
