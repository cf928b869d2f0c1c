import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CommandResult, executeCommand } from "../../src/board/engine";
import type { Command } from "../../src/domain/commands";
import { subtasksOf } from "../../src/domain/decide";
import { replay } from "../../src/domain/evolve";
import {
  type BoardState,
  backlogOrder,
  type Column,
  columnOrder,
  isDone,
  orderedColumns,
  tasksInColumn,
} from "../../src/domain/model";
import { BOARD_KEY, clock, createBoard, envelopeFor, steps } from "./boardArbitraries";
import { memoryStore } from "./memoryStore";

// Replaying the log from seq 0 must reproduce the stored board exactly, and no
// sequence of commands, however unlucky, may leave the board in a state a user
// could not make sense of.

const strictlyIncreasing = (ranks: string[]) => ranks.every((rank, i) => i === 0 || (ranks[i - 1] as string) < rank);

function expectInvariants(state: BoardState): void {
  expect(strictlyIncreasing(orderedColumns(state).map((c) => c.rank)), "column ranks are unique").toBe(true);
  for (const column of Object.values(state.columns)) {
    const ranks = columnOrder(state, column.id).map((t) => t.rank);
    expect(strictlyIncreasing(ranks), `ranks in ${column.id} are unique: ${ranks}`).toBe(true);
  }
  for (const task of Object.values(state.tasks)) {
    expect(state.columns[task.columnId], `${task.key} sits in a column that exists`).toBeDefined();
    expect(task.resolvedAt !== null, `${task.key} is resolved exactly while in a done column`).toBe(
      isDone(state, task.columnId),
    );
    if (task.parentKey !== null) expect(state.tasks[task.parentKey], `${task.key}'s parent exists`).toBeDefined();
    expect(task.number).toBeLessThan(state.nextNumber);
  }
  for (const comment of Object.values(state.comments)) {
    expect(state.tasks[comment.taskKey], `${comment.id} belongs to a task that exists`).toBeDefined();
  }
  const backlogRanks = backlogOrder(state).map((t) => t.backlogRank);
  expect(strictlyIncreasing(backlogRanks), `backlog ranks are unique: ${backlogRanks}`).toBe(true);
  const sprints = Object.values(state.sprints);
  if (!state.settings.parallelSprints) {
    expect(sprints.filter((s) => s.state === "active").length, "one active sprint").toBeLessThanOrEqual(1);
  }
  for (const sprint of sprints) {
    expect(sprint.committed !== null, `${sprint.id} has its committed scope once started`).toBe(
      sprint.startedAt !== null,
    );
    expect(sprint.report !== null, `${sprint.id} has its report once closed`).toBe(sprint.state === "closed");
  }
  for (const task of Object.values(state.tasks)) {
    if (task.sprintId !== null) expect(state.sprints[task.sprintId], `${task.key}'s sprint exists`).toBeDefined();
  }
  for (const [userId, timer] of Object.entries(state.timers)) {
    expect(timer.userId).toBe(userId);
    expect(state.tasks[timer.taskKey], `${userId}'s timer runs on a task that exists`).toBeDefined();
  }
  const spent = new Map<string, number>();
  for (const worklog of Object.values(state.worklogs)) {
    expect(state.tasks[worklog.taskKey], `${worklog.id} belongs to a task that exists`).toBeDefined();
    expect(worklog.timeSpentSeconds, `${worklog.id} records some time`).toBeGreaterThan(0);
    spent.set(worklog.taskKey, (spent.get(worklog.taskKey) ?? 0) + worklog.timeSpentSeconds);
  }
  for (const task of Object.values(state.tasks)) {
    expect(task.timeSpentSeconds, `${task.key}'s time spent is the sum of its worklogs`).toBe(spent.get(task.key) ?? 0);
    expect(task.remainingEstimateSeconds ?? 0, `${task.key}'s remaining estimate`).toBeGreaterThanOrEqual(0);
  }
}

/** The column a command would add visible tasks to, and how many, judged on the board before it. */
function wipDemand(state: BoardState, command: Command): { column: Column; incoming: number } | null {
  switch (command.type) {
    case "createTask": {
      const id = command.task.columnId ?? orderedColumns(state)[0]?.id;
      const column = id === undefined ? undefined : state.columns[id];
      return column ? { column, incoming: 1 } : null;
    }
    case "moveTask": {
      const task = state.tasks[command.key];
      const column = state.columns[command.columnId];
      if (!task || !column || task.archivedAt !== null || task.columnId === column.id) return null;
      return { column, incoming: 1 };
    }
    case "restoreTask": {
      const task = state.tasks[command.key];
      const column = task && task.archivedAt !== null ? state.columns[task.columnId] : undefined;
      return column ? { column, incoming: 1 } : null;
    }
    case "removeColumn": {
      const target = command.targetColumnId === undefined ? undefined : state.columns[command.targetColumnId];
      if (!target || !state.columns[command.columnId] || target.id === command.columnId) return null;
      return { column: target, incoming: tasksInColumn(state, command.columnId).length };
    }
    default:
      return null;
  }
}

function expectWipRespected(before: BoardState, after: BoardState, command: Command, result: CommandResult): void {
  const demand = wipDemand(before, command);
  const count = demand ? tasksInColumn(before, demand.column.id).length : 0;
  const limit = demand?.column.wipLimit ?? null;
  const over = demand !== null && demand.incoming > 0 && limit !== null && count + demand.incoming > limit;
  const hard = over && demand?.column.wipMode === "hard";
  if (hard) expect(result.status, `${command.type} into a full hard-WIP column is refused`).not.toBe("applied");
  if (result.status === "rejected" && result.error.code === "wip_limit_reached") {
    expect(hard, "only a full hard-WIP column refuses with wip_limit_reached").toBe(true);
    expect(result.error.details).toEqual({ columnId: demand?.column.id, limit, count });
  }
  if (result.status === "applied" && result.event.type === "task.moved") {
    const soft = over && demand?.column.wipMode === "soft";
    expect(result.event.payload.wipExceeded).toEqual(soft ? { limit, count: count + 1 } : undefined);
  }
  // Lowering a limit below the current count is allowed; growing past it is not.
  for (const column of Object.values(after.columns)) {
    const now = tasksInColumn(after, column.id).length;
    if (column.wipMode !== "hard" || column.wipLimit === null || now <= column.wipLimit) continue;
    expect(now, `hard-WIP ${column.id} grew past its limit`).toBeLessThanOrEqual(
      tasksInColumn(before, column.id).length,
    );
  }
}

/**
 * Completing a sprint moves exactly its unfinished work (top-level tasks not in a
 * done column, with their sub-tasks) and leaves the finished work recorded in it.
 */
function expectCompletionExact(before: BoardState, after: BoardState, result: CommandResult): void {
  if (result.status !== "applied" || result.event.type !== "sprint.completed") return;
  const { sprintId, to, report } = result.event.payload;
  const planned = Object.values(before.tasks).filter(
    (t) => t.sprintId === sprintId && t.type !== "subtask" && t.archivedAt === null,
  );
  const done = planned.filter((t) => isDone(before, t.columnId)).map((t) => t.key);
  const open = planned.filter((t) => !isDone(before, t.columnId)).map((t) => t.key);
  expect([...report.completed.keys].sort()).toEqual([...done].sort());
  expect([...report.carriedOver.keys].sort()).toEqual([...open].sort());
  const moved = new Set(open.flatMap((key) => [key, ...subtasksOf(before, key)]));
  for (const task of Object.values(after.tasks)) {
    const was = before.tasks[task.key]?.sprintId ?? null;
    expect(task.sprintId, `${task.key} after completing ${sprintId}`).toBe(moved.has(task.key) ? to : was);
  }
  expect(after.sprints[sprintId]?.state).toBe("closed");
}

describe("any sequence of commands", () => {
  it("replays from the log to the stored board and never breaks an invariant", () => {
    const outcomes = new Map<string, number>();
    const tally = (name: string) => outcomes.set(name, (outcomes.get(name) ?? 0) + 1);

    fc.assert(
      fc.property(steps, (run) => {
        const store = memoryStore();
        const now = clock();
        expect(createBoard(store, now()).status).toBe("applied");
        let lastNumber = 0;

        for (const [i, s] of run.entries()) {
          const before = structuredClone(store.state);
          const appended = store.events.length;
          const envelope = envelopeFor(store, s, `op-${i}`);
          const result = executeCommand(store, envelope, { actor: s.actor, at: now(), role: "owner" });
          tally(
            result.status === "applied"
              ? result.event.type
              : result.status === "rejected"
                ? result.error.code
                : result.status,
          );

          if (result.status === "applied") {
            expect(result.seq).toBe(before.seq + 1);
            expect(store.events.length).toBe(appended + 1);
            expect(store.state.seq).toBe(result.seq);
          } else {
            // A command that appends nothing changes nothing, and is kept for the audit trail.
            expect(store.events.length).toBe(appended);
            expect(store.state).toEqual(before);
            expect(store.attempts.at(-1)).toMatchObject({ opId: envelope.opId, actor: s.actor, result });
          }

          if (result.status === "applied" && result.event.type === "task.created") {
            const { key, number } = result.event.payload.task;
            expect(number, "task numbers strictly increase").toBeGreaterThan(lastNumber);
            expect(key).toBe(`${BOARD_KEY}-${number}`);
            lastNumber = number;
          }
          expectWipRespected(before, store.state, envelope.command, result);
          expectCompletionExact(before, store.state, result);
          expectInvariants(store.state);

          // evolve folds in place: replay a copy of the log, never the log itself.
          expect(replay(structuredClone(store.events))).toEqual(store.state);
          expect(store.load()).toEqual(store.state);
        }
      }),
      { numRuns: 300 },
    );

    // The runs must have reached the interesting paths, or the property proved little.
    for (const outcome of [
      "task.created",
      "task.moved",
      "task.updated",
      "task.deleted",
      "column.removed",
      "column.updated",
      "comment.edited",
      "worklog.added",
      "worklog.edited",
      "worklog.deleted",
      "sprint.tasksAdded",
      "sprint.started",
      "sprint.completed",
      "backlog.ranked",
      "wip_limit_reached",
      "conflict",
      "unchanged",
    ]) {
      expect(outcomes.get(outcome) ?? 0, `runs reached ${outcome}`).toBeGreaterThan(0);
    }
  });
});
