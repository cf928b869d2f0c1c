import fc from "fast-check";
import { type CommandResult, executeCommand } from "../../src/board/engine";
import { type Command, type CommandEnvelope, commandSchema } from "../../src/domain/commands";
import {
  type BoardState,
  CATEGORIES,
  columnOrder,
  orderedColumns,
  PRIORITIES,
  ROLES,
  TASK_TYPES,
  WIP_MODES,
} from "../../src/domain/model";
import type { MemoryStore } from "./memoryStore";

// Random command sequences for the property tests. A step is generated as an
// *intent* with numeric references ("the 3rd task", "the 2nd column") and turned
// into a concrete command against the board as it is when the step runs, so most
// commands name things that exist and shrinking stays meaningful. A reference of
// -1 names something that does not exist, to exercise the not-found paths.

export const BOARD_KEY = "WEB";
export const OWNER = "owner";
/** Who may act: the engine trusts the Worker for membership, so non-members act too. */
export const ACTORS = [OWNER, "ana", "ben"] as const;
/** People a command may name (assignee, watcher, new member); only some of them are members. */
export const USERS = [OWNER, "ana", "ben", "cy", "dan"] as const;
const LABELS = ["ui", "api", "bug", "ux"] as const;
const COLUMN_NAMES = ["Review", "QA", "Blocked", "review", "Done", "Ready"] as const;
const DUE_DATES = ["2026-01-31", "2026-12-31"] as const;
/** Mostly durations a person would type, now and then nonsense or nothing at all. */
const DURATIONS = ["1h", "30m", "1d 2h", "2h 15m", "1w"] as const;
const NONSENSE_DURATIONS = ["0m", "3x", "-1h"] as const;
/** Work started in the past, or more than a day after the clock (refused). */
const STARTS = ["2025-12-31T09:00:00Z", "2025-12-30T23:30:00+02:00", "2026-03-01T00:00:00Z"] as const;
const ADJUST_MODES = ["auto", "leave", "new", "manual"] as const;

const ref = fc.oneof({ weight: 12, arbitrary: fc.nat(30) }, { weight: 1, arbitrary: fc.constant(-1) });
const title = fc.oneof(
  fc.constantFrom("Fix login", "Ship it", "  Padded title  ", "Écrire la doc"),
  fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim().length > 0),
);
const setEdit = fc.oneof(
  fc.record({ add: fc.subarray([...LABELS]), remove: fc.subarray([...LABELS]) }, { requiredKeys: [] }),
  fc.subarray([...LABELS]),
);
// Watchers are mostly people who act on the board; now and then someone who is not a member.
const watcherPool = fc.oneof(
  { weight: 4, arbitrary: fc.constant<string[]>([...ACTORS]) },
  { weight: 1, arbitrary: fc.constant<string[]>([...USERS]) },
);
const userSetEdit = watcherPool.chain((pool) =>
  fc.oneof(fc.record({ add: fc.subarray(pool), remove: fc.subarray(pool) }, { requiredKeys: [] }), fc.subarray(pool)),
);
const where = fc.oneof(
  fc.constantFrom("top" as const, "bottom" as const, "none" as const),
  fc.record({ before: ref }),
  fc.record({ after: ref }),
);

export type Where = "top" | "bottom" | "none" | { before: number } | { after: number };

export type Intent =
  | {
      kind: "createTask";
      title: string;
      column: number | null;
      type: (typeof TASK_TYPES)[number];
      parent: number | null;
      assignee: number | null;
      priority: (typeof PRIORITIES)[number] | null;
      labels: string[];
      storyPoints: number | null;
      estimate?: string | null;
    }
  | {
      kind: "updateTask";
      task: number;
      changes: {
        title?: string;
        description?: string;
        type?: (typeof TASK_TYPES)[number];
        parent?: number | null;
        assignee?: number | null;
        priority?: (typeof PRIORITIES)[number];
        storyPoints?: number | null;
        dueDate?: string | null;
        labels?: string[] | { add?: string[]; remove?: string[] };
        watchers?: string[] | { add?: string[]; remove?: string[] };
        originalEstimate?: string | null;
        remainingEstimate?: string | null;
      };
    }
  | { kind: "moveTask"; task: number; column: number; where: Where }
  | { kind: "archiveTask" | "restoreTask" | "deleteTask"; task: number }
  | {
      kind: "addColumn";
      name: string;
      category: (typeof CATEGORIES)[number];
      wipLimit: number | null;
      wipMode: (typeof WIP_MODES)[number] | null;
      after: number | null | "last";
    }
  | {
      kind: "updateColumn";
      column: number;
      name?: string;
      category?: (typeof CATEGORIES)[number];
      wipLimit?: number | null;
      wipMode?: (typeof WIP_MODES)[number];
    }
  | { kind: "moveColumn"; column: number; after: number | null }
  | { kind: "removeColumn"; column: number; target: number | null }
  | { kind: "addComment"; task: number; body: string }
  | { kind: "editComment"; comment: number; body: string }
  | { kind: "deleteComment"; comment: number }
  | { kind: "addMember"; user: number; role: (typeof ROLES)[number] }
  | { kind: "logWork"; task: number; timeSpent: string; startedAt: string | null; adjust: Adjust | null }
  | { kind: "editWorklog"; worklog: number; timeSpent?: string; comment?: string; adjust?: Adjust }
  | { kind: "deleteWorklog"; worklog: number; adjust: Adjust | null }
  | { kind: "createSprint"; name: string }
  | { kind: "addToSprint" | "removeFromSprint"; sprint: number; tasks: number[] }
  | { kind: "startSprint" | "deleteSprint"; sprint: number }
  | { kind: "completeSprint"; sprint: number; to: number | null }
  | { kind: "rankBacklog"; tasks: number[]; where: Where }
  | { kind: "updateBoardSettings"; parallelSprints: boolean; hoursPerDay: number }
  | { kind: "startTimer"; task: number }
  | { kind: "stopTimer"; task: number; discard: boolean };

type Adjust = { mode: (typeof ADJUST_MODES)[number]; value?: string };

/** Mostly `null`: a reference that is usually absent. */
const rarely = <T>(value: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: value });

const createTask = fc.record({
  kind: fc.constant("createTask" as const),
  title,
  column: fc.option(ref, { nil: null }),
  type: fc.constantFrom(...TASK_TYPES),
  parent: rarely(ref),
  assignee: rarely(fc.nat(USERS.length - 1)),
  priority: fc.option(fc.constantFrom(...PRIORITIES), { nil: null }),
  labels: fc.subarray([...LABELS]),
  storyPoints: fc.option(fc.constantFrom(1, 2, 3, 5, 8), { nil: null }),
  estimate: fc.option(fc.constantFrom(...DURATIONS, ...NONSENSE_DURATIONS), { nil: null }),
});
const duration = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...DURATIONS) },
  { weight: 1, arbitrary: fc.constantFrom(...NONSENSE_DURATIONS) },
);
const createSprint = fc.record({ kind: fc.constant("createSprint" as const), name: fc.constantFrom("S1", "S2") });
const adjust: fc.Arbitrary<Adjust> = fc.record(
  { mode: fc.constantFrom(...ADJUST_MODES), value: duration },
  { requiredKeys: ["mode"] },
);

/** A task anyone may create on any board: no parent, no assignee. */
const plainTask = createTask.map((t) => ({
  ...t,
  type: t.type === "subtask" ? ("task" as const) : t.type,
  parent: null,
  assignee: null,
}));

const intent: fc.Arbitrary<Intent> = fc.oneof(
  { weight: 6, arbitrary: createTask },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("updateTask" as const),
      task: ref,
      changes: fc.record(
        {
          title,
          description: fc.constantFrom("", "Steps to reproduce", "**bold**"),
          type: fc.constantFrom(...TASK_TYPES),
          parent: fc.option(ref, { nil: null }),
          assignee: fc.option(fc.nat(2), { nil: null }),
          priority: fc.constantFrom(...PRIORITIES),
          storyPoints: fc.option(fc.constantFrom(1, 2, 3), { nil: null }),
          dueDate: fc.option(fc.constantFrom(...DUE_DATES), { nil: null }),
          labels: setEdit,
          watchers: userSetEdit,
          originalEstimate: fc.option(duration, { nil: null }),
          remainingEstimate: fc.option(duration, { nil: null }),
        },
        { requiredKeys: [] },
      ),
    }),
  },
  {
    weight: 7,
    arbitrary: fc.record({ kind: fc.constant("moveTask" as const), task: ref, column: ref, where }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constantFrom("archiveTask" as const, "restoreTask" as const, "deleteTask" as const),
      task: ref,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("addColumn" as const),
      name: fc.constantFrom(...COLUMN_NAMES),
      category: fc.constantFrom(...CATEGORIES),
      wipLimit: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
      wipMode: fc.option(fc.constantFrom(...WIP_MODES), { nil: null }),
      after: fc.oneof(fc.constant("last" as const), fc.constant(null), ref),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record(
      {
        kind: fc.constant("updateColumn" as const),
        column: ref,
        name: fc.constantFrom(...COLUMN_NAMES),
        category: fc.constantFrom(...CATEGORIES),
        wipLimit: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
        wipMode: fc.constantFrom(...WIP_MODES),
      },
      { requiredKeys: ["kind", "column"] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("moveColumn" as const),
      column: ref,
      after: fc.option(ref, { nil: null }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("removeColumn" as const),
      column: ref,
      target: fc.option(ref, { nil: null }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("addComment" as const),
      task: ref,
      body: fc.constantFrom("LGTM", "Needs tests", "@ana look"),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("editComment" as const),
      comment: ref,
      body: fc.constantFrom("LGTM", "Edited", "Needs tests"),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("deleteComment" as const), comment: ref }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("logWork" as const),
      task: ref,
      timeSpent: duration,
      startedAt: fc.option(fc.constantFrom(...STARTS), { nil: null }),
      adjust: fc.option(adjust, { nil: null }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        kind: fc.constant("editWorklog" as const),
        worklog: ref,
        timeSpent: duration,
        comment: fc.constantFrom("", "pairing"),
        adjust,
      },
      { requiredKeys: ["kind", "worklog"] },
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("deleteWorklog" as const),
      worklog: ref,
      adjust: fc.option(adjust, { nil: null }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("createSprint" as const), name: fc.constantFrom("S1", "S2") }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom("addToSprint" as const, "removeFromSprint" as const),
      sprint: ref,
      tasks: fc.array(ref, { minLength: 1, maxLength: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constantFrom("startSprint" as const, "deleteSprint" as const), sprint: ref }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("completeSprint" as const),
      sprint: ref,
      to: fc.option(ref, { nil: null }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("rankBacklog" as const),
      tasks: fc.array(ref, { minLength: 1, maxLength: 3 }),
      where,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("startTimer" as const), task: ref }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("stopTimer" as const), task: ref, discard: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("updateBoardSettings" as const),
      parallelSprints: fc.boolean(),
      hoursPerDay: fc.constantFrom(6, 8),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("addMember" as const),
      user: fc.nat(USERS.length - 1),
      role: fc.constantFrom(...ROLES),
    }),
  },
);

export interface Step {
  actor: (typeof ACTORS)[number];
  /** How many seqs behind the board the client was; null sends no base (a script). */
  lag: number | null;
  intent: Intent;
}

const stepOf = (what: fc.Arbitrary<Intent>): fc.Arbitrary<Step> =>
  fc.record({ actor: fc.constantFrom(...ACTORS), lag: fc.option(fc.nat(3), { nil: null }), intent: what });

export const step = stepOf(intent);

/**
 * A run of at most 39 steps after the board's creation, kept short so a property's
 * few hundred runs take a few seconds. It opens with a few tasks, and often a sprint
 * or two, so that most later steps have something to act on.
 */
export const steps: fc.Arbitrary<Step[]> = fc
  .tuple(
    fc.array(stepOf(plainTask), { minLength: 2, maxLength: 5 }),
    // Often a sprint or two, sometimes one already planned and running.
    fc.oneof(
      fc.array(stepOf(createSprint), { maxLength: 2 }),
      fc.tuple(
        stepOf(createSprint),
        stepOf(
          fc.record({
            kind: fc.constant("addToSprint" as const),
            sprint: fc.constant(0),
            tasks: fc.array(fc.nat(5), { minLength: 1, maxLength: 4 }),
          }),
        ),
        stepOf(fc.record({ kind: fc.constant("startSprint" as const), sprint: fc.constant(0) })),
      ),
    ),
    fc.array(step, { minLength: 5, maxLength: 32, size: "max" }),
  )
  .map(([opening, sprints, rest]) => [...opening, ...sprints, ...rest]);

const pick = <T>(items: readonly T[], at: number, missing: T): T =>
  at < 0 || items.length === 0 ? missing : (items[at % items.length] as T);

/** Every key the board ever handed out, deleted ones included: deleted keys must stay dead. */
function keysEverCreated(store: MemoryStore): string[] {
  return store.events.flatMap((e) => (e.type === "task.created" ? [e.payload.task.key] : []));
}

function anchorIn(state: BoardState, columnId: string, self: string, at: number, fallback: string): string {
  const keys = columnOrder(state, columnId)
    .map((t) => t.key)
    .filter((k) => k !== self);
  return pick(keys, at, fallback);
}

/** The concrete command an intent stands for on the board as it is now, parsed as the edge would. */
export function toCommand(store: MemoryStore, intent: Intent): Command {
  const state = store.state;
  const keys = keysEverCreated(store);
  const missingKey = `${BOARD_KEY}-999`;
  const taskKey = (at: number) => pick(keys, at, missingKey);
  const columns = orderedColumns(state).map((c) => c.id);
  const columnId = (at: number) => pick(columns, at, "nowhere");
  const comments = Object.keys(state.comments).sort();
  const worklogs = Object.keys(state.worklogs).sort();
  const worklogId = (at: number) => pick(worklogs, at, "wl_0");
  const sprints = Object.values(state.sprints)
    .sort((a, b) => a.number - b.number)
    .map((x) => x.id);
  const sprintId = (at: number) => pick(sprints, at, "spr_0");
  /** A sprint in the state a command expects, when there is one: most steps should get somewhere. */
  const sprintIn = (wanted: "future" | "active", at: number) => {
    const fitting = sprints.filter((id) => state.sprints[id]?.state === wanted);
    return pick(fitting.length > 0 ? fitting : sprints, at, "spr_0");
  };
  const commentId = (at: number) => pick(comments, at, "cmt_0");
  const user = (at: number) => USERS[at % USERS.length] as string;

  let command: Command;
  switch (intent.kind) {
    case "createTask":
      command = {
        type: "createTask",
        task: {
          title: intent.title,
          type: intent.type,
          ...(intent.column === null ? {} : { columnId: columnId(intent.column) }),
          ...(intent.parent === null ? {} : { parentKey: taskKey(intent.parent) }),
          ...(intent.assignee === null ? {} : { assigneeId: user(intent.assignee) }),
          ...(intent.priority === null ? {} : { priority: intent.priority }),
          labels: intent.labels,
          storyPoints: intent.storyPoints,
          ...(intent.estimate == null ? {} : { originalEstimate: intent.estimate }),
        },
      };
      break;
    case "updateTask": {
      const { parent, assignee, ...rest } = intent.changes;
      command = {
        type: "updateTask",
        key: taskKey(intent.task),
        changes: {
          ...rest,
          ...(parent === undefined ? {} : { parentKey: parent === null ? null : taskKey(parent) }),
          ...(assignee === undefined ? {} : { assigneeId: assignee === null ? null : user(assignee) }),
        },
      };
      break;
    }
    case "moveTask": {
      const key = taskKey(intent.task);
      const target = columnId(intent.column);
      const w = intent.where;
      command = {
        type: "moveTask",
        key,
        columnId: target,
        ...(w === "top" || w === "bottom" ? { position: w } : {}),
        ...(typeof w === "object" && "before" in w ? { beforeKey: anchorIn(state, target, key, w.before, key) } : {}),
        ...(typeof w === "object" && "after" in w ? { afterKey: anchorIn(state, target, key, w.after, key) } : {}),
      };
      break;
    }
    case "archiveTask":
    case "restoreTask":
    case "deleteTask":
      command = { type: intent.kind, key: taskKey(intent.task) };
      break;
    case "addColumn":
      command = {
        type: "addColumn",
        name: intent.name,
        category: intent.category,
        wipLimit: intent.wipLimit,
        ...(intent.wipMode === null ? {} : { wipMode: intent.wipMode }),
        ...(intent.after === "last" ? {} : { afterColumnId: intent.after === null ? null : columnId(intent.after) }),
      };
      break;
    case "updateColumn": {
      const { kind: _kind, column, ...changes } = intent;
      command = { type: "updateColumn", columnId: columnId(column), ...changes };
      break;
    }
    case "moveColumn":
      command = {
        type: "moveColumn",
        columnId: columnId(intent.column),
        afterColumnId: intent.after === null ? null : columnId(intent.after),
      };
      break;
    case "removeColumn":
      command = {
        type: "removeColumn",
        columnId: columnId(intent.column),
        ...(intent.target === null ? {} : { targetColumnId: columnId(intent.target) }),
      };
      break;
    case "addComment":
      command = { type: "addComment", key: taskKey(intent.task), body: intent.body };
      break;
    case "editComment":
      command = { type: "editComment", commentId: commentId(intent.comment), body: intent.body };
      break;
    case "deleteComment":
      command = { type: "deleteComment", commentId: commentId(intent.comment) };
      break;
    case "logWork":
      command = {
        type: "logWork",
        key: taskKey(intent.task),
        timeSpent: intent.timeSpent,
        ...(intent.startedAt === null ? {} : { startedAt: intent.startedAt }),
        ...(intent.adjust === null ? {} : { adjust: intent.adjust }),
      };
      break;
    case "editWorklog": {
      const { kind: _kind, worklog, ...changes } = intent;
      command = { type: "editWorklog", worklogId: worklogId(worklog), ...changes };
      break;
    }
    case "deleteWorklog":
      command = {
        type: "deleteWorklog",
        worklogId: worklogId(intent.worklog),
        ...(intent.adjust === null ? {} : { adjust: intent.adjust }),
      };
      break;
    case "createSprint":
      command = { type: "createSprint", name: intent.name };
      break;
    case "addToSprint":
    case "removeFromSprint":
      command = { type: intent.kind, sprintId: sprintId(intent.sprint), keys: intent.tasks.map(taskKey) };
      break;
    case "startSprint":
      command = { type: "startSprint", sprintId: sprintIn("future", intent.sprint) };
      break;
    case "deleteSprint":
      command = { type: "deleteSprint", sprintId: sprintId(intent.sprint) };
      break;
    case "completeSprint":
      command = {
        type: "completeSprint",
        sprintId: sprintIn("active", intent.sprint),
        moveOpenTo: intent.to === null ? "backlog" : sprintIn("future", intent.to),
      };
      break;
    case "rankBacklog": {
      const keys = intent.tasks.map(taskKey);
      const w = intent.where;
      const anchor = (at: number) => pick(keysEverCreated(store), at, missingKey);
      command = {
        type: "rankBacklog",
        keys,
        ...(w === "top" || w === "bottom" || w === "none" ? { position: w === "none" ? "bottom" : w } : {}),
        ...(typeof w === "object" && "before" in w ? { beforeKey: anchor(w.before) } : {}),
        ...(typeof w === "object" && "after" in w ? { afterKey: anchor(w.after) } : {}),
      };
      break;
    }
    case "startTimer":
      command = { type: "startTimer", key: taskKey(intent.task) };
      break;
    case "stopTimer":
      command = { type: "stopTimer", key: taskKey(intent.task), ...(intent.discard ? { discard: true } : {}) };
      break;
    case "updateBoardSettings":
      command = {
        type: "updateBoardSettings",
        parallelSprints: intent.parallelSprints,
        hoursPerDay: intent.hoursPerDay,
      };
      break;
    case "addMember":
      command = {
        type: "addMember",
        userId: user(intent.user),
        name: user(intent.user).toUpperCase(),
        role: intent.role,
      };
      break;
  }
  // The edge validates every command with these schemas before a board sees it.
  return commandSchema.parse(command);
}

/** A clock that ticks one second per command: the domain reads no clock of its own. */
export function clock(): () => string {
  let tick = 0;
  return () => new Date(Date.UTC(2026, 0, 1) + tick++ * 1000).toISOString();
}

export function createBoard(store: MemoryStore, at: string): CommandResult {
  return executeCommand(
    store,
    {
      opId: "op-create-board",
      command: {
        type: "createBoard",
        boardId: "b1",
        name: "Website",
        key: BOARD_KEY,
        // Scrum, so the sprint commands apply (a Kanban board refuses them; decide.test covers that).
        mode: "scrum",
        ownerName: "Olga",
      },
    },
    { actor: OWNER, at, role: "owner" },
  );
}

/** The envelope a step sends: its base lags the board by `lag` seqs, or is absent. */
export function envelopeFor(store: MemoryStore, s: Step, opId: string): CommandEnvelope {
  const command = toCommand(store, s.intent);
  if (s.lag === null) return { opId, command };
  return { opId, command, baseSeq: Math.max(0, store.state.seq - s.lag) };
}
