import { z } from "zod";
import { BOARD_MODES, CATEGORIES, ESTIMATION_STATISTICS, PRIORITIES, ROLES, TASK_TYPES, WIP_MODES } from "./model";
import { rankForNumber } from "./ranks";

// Events are the facts a board records, in past tense. Every event carries its
// schema version `v`. When an event's shape changes, its version goes up and
// `upcast` turns every older version into the current one, so a log written years
// ago still folds to the same board (test/fixtures holds such a log).

const columnSchema = z.object({
  id: z.string(),
  name: z.string(),
  category: z.enum(CATEGORIES),
  wipLimit: z.number().int().nullable(),
  wipMode: z.enum(WIP_MODES),
  rank: z.string(),
});

const taskCreatedSchema = z.object({
  key: z.string(),
  number: z.number().int(),
  title: z.string(),
  description: z.string(),
  type: z.enum(TASK_TYPES),
  parentKey: z.string().nullable(),
  columnId: z.string(),
  rank: z.string(),
  assigneeId: z.string().nullable(),
  reporterId: z.string(),
  priority: z.enum(PRIORITIES),
  labels: z.array(z.string()),
  storyPoints: z.number().nullable(),
  dueDate: z.string().nullable(),
  watchers: z.array(z.string()),
  originalEstimateSeconds: z.number().int().nullable(),
  remainingEstimateSeconds: z.number().int().nullable(),
  sprintId: z.string().nullable(),
  backlogRank: z.string(),
});

/** Scalar task fields an update can set (labels and watchers are set edits). */
const scalarChangesSchema = z.object({
  title: z.string().optional(),
  type: z.enum(TASK_TYPES).optional(),
  description: z.string().optional(),
  assigneeId: z.string().nullable().optional(),
  priority: z.enum(PRIORITIES).optional(),
  parentKey: z.string().nullable().optional(),
  storyPoints: z.number().nullable().optional(),
  dueDate: z.string().nullable().optional(),
  originalEstimateSeconds: z.number().int().nullable().optional(),
  remainingEstimateSeconds: z.number().int().nullable().optional(),
});
export type ScalarChanges = z.infer<typeof scalarChangesSchema>;

const setDeltaSchema = z.object({ added: z.array(z.string()), removed: z.array(z.string()) });
export type SetDelta = z.infer<typeof setDeltaSchema>;

/** A task's remaining estimate before and after a worklog changed it. */
const remainingChangeSchema = z.object({ from: z.number().int().nullable(), to: z.number().int().nullable() });

const worklogFieldsSchema = z.object({
  timeSpentSeconds: z.number().int().optional(),
  startedAt: z.string().optional(),
  comment: z.string().optional(),
});

const keysAndPointsSchema = z.object({ keys: z.array(z.string()), points: z.number() });
const sprintScopeSchema = keysAndPointsSchema.extend({ seconds: z.number().int().nullable() });
const sprintFieldsSchema = z.object({
  name: z.string().optional(),
  goal: z.string().optional(),
  startDate: z.string().nullable().optional(),
  endDate: z.string().nullable().optional(),
});
// The estimation statistic and working days came later as new optional fields: an
// older change simply names neither.
const settingsSchema = z.object({
  hoursPerDay: z.number().int().optional(),
  daysPerWeek: z.number().int().optional(),
  parallelSprints: z.boolean().optional(),
  estimationStatistic: z.enum(ESTIMATION_STATISTICS).optional(),
  workingDays: z.array(z.number().int()).optional(),
});

export const wipExceededSchema = z.object({ limit: z.number().int(), count: z.number().int() });

/** Current version of each event type's payload. */
export const EVENT_VERSIONS = {
  "board.created": 1,
  "board.renamed": 1,
  "board.deleted": 1,
  "column.added": 1,
  "column.updated": 1,
  "column.moved": 1,
  "column.removed": 1,
  // v2 added the original and remaining estimates, the sprint and the backlog rank.
  "task.created": 2,
  // v2 added `previous` (the values before the change) so history and webhooks
  // can show before → after without folding the log.
  "task.updated": 2,
  "task.moved": 1,
  "task.archived": 1,
  "task.restored": 1,
  "task.deleted": 1,
  "comment.added": 1,
  "comment.edited": 1,
  "comment.deleted": 1,
  "worklog.added": 1,
  "worklog.edited": 1,
  "worklog.deleted": 1,
  "timer.started": 1,
  "timer.stopped": 1,
  "board.settingsChanged": 1,
  "sprint.created": 1,
  "sprint.updated": 1,
  "sprint.deleted": 1,
  "sprint.tasksAdded": 1,
  "sprint.tasksRemoved": 1,
  // v2 of both record time next to points (the original estimate; for carry-over also what remains).
  "sprint.started": 2,
  "sprint.completed": 2,
  "backlog.ranked": 1,
  "member.added": 1,
  "member.roleChanged": 1,
  "member.removed": 1,
} as const;
export type EventType = keyof typeof EVENT_VERSIONS;

export const eventPayloadSchemas = {
  "board.created": z.object({
    boardId: z.string(),
    name: z.string(),
    key: z.string(),
    mode: z.enum(BOARD_MODES),
    columns: z.array(columnSchema),
    owner: z.object({ userId: z.string(), name: z.string() }),
  }),
  "board.renamed": z.object({ name: z.string(), previousName: z.string() }),
  "board.deleted": z.object({}),
  "column.added": z.object({ column: columnSchema }),
  "column.updated": z.object({
    columnId: z.string(),
    changes: columnSchema.omit({ id: true, rank: true }).partial(),
    previous: columnSchema.omit({ id: true, rank: true }).partial(),
  }),
  "column.moved": z.object({ columnId: z.string(), rank: z.string(), previousRank: z.string() }),
  "column.removed": z.object({
    columnId: z.string(),
    targetColumnId: z.string().nullable(),
    moves: z.array(z.object({ key: z.string(), rank: z.string() })),
  }),
  "task.created": z.object({ task: taskCreatedSchema }),
  "task.updated": z.object({
    key: z.string(),
    changes: scalarChangesSchema,
    previous: scalarChangesSchema,
    labels: setDeltaSchema.optional(),
    watchers: setDeltaSchema.optional(),
  }),
  "task.moved": z.object({
    key: z.string(),
    fromColumnId: z.string(),
    toColumnId: z.string(),
    rank: z.string(),
    previousRank: z.string(),
    wipExceeded: wipExceededSchema.optional(),
  }),
  "task.archived": z.object({ key: z.string() }),
  "task.restored": z.object({ key: z.string() }),
  "task.deleted": z.object({ key: z.string() }),
  "comment.added": z.object({ commentId: z.string(), key: z.string(), body: z.string() }),
  "comment.edited": z.object({
    commentId: z.string(),
    key: z.string(),
    body: z.string(),
    previousBody: z.string(),
  }),
  "comment.deleted": z.object({ commentId: z.string(), key: z.string() }),
  "worklog.added": z.object({
    worklogId: z.string(),
    key: z.string(),
    timeSpentSeconds: z.number().int(),
    startedAt: z.string(),
    comment: z.string(),
    remaining: remainingChangeSchema.optional(),
  }),
  "worklog.edited": z.object({
    worklogId: z.string(),
    key: z.string(),
    changes: worklogFieldsSchema,
    previous: worklogFieldsSchema,
    remaining: remainingChangeSchema.optional(),
  }),
  "worklog.deleted": z.object({
    worklogId: z.string(),
    key: z.string(),
    timeSpentSeconds: z.number().int(),
    remaining: remainingChangeSchema.optional(),
  }),
  "timer.started": z.object({ key: z.string() }),
  "timer.stopped": z.object({
    key: z.string(),
    startedAt: z.string(),
    /** The worklog the timer became; absent when it was discarded. */
    worklog: z
      .object({
        worklogId: z.string(),
        timeSpentSeconds: z.number().int(),
        comment: z.string(),
        remaining: remainingChangeSchema.optional(),
      })
      .optional(),
  }),
  "board.settingsChanged": z.object({ changes: settingsSchema, previous: settingsSchema }),
  "sprint.created": z.object({
    sprint: z.object({
      id: z.string(),
      number: z.number().int(),
      name: z.string(),
      goal: z.string(),
      startDate: z.string().nullable(),
      endDate: z.string().nullable(),
    }),
  }),
  "sprint.updated": z.object({ sprintId: z.string(), changes: sprintFieldsSchema, previous: sprintFieldsSchema }),
  "sprint.deleted": z.object({ sprintId: z.string(), keys: z.array(z.string()) }),
  "sprint.tasksAdded": z.object({
    sprintId: z.string(),
    moves: z.array(z.object({ key: z.string(), from: z.string().nullable() })),
  }),
  "sprint.tasksRemoved": z.object({ sprintId: z.string(), keys: z.array(z.string()) }),
  "sprint.started": z.object({
    sprintId: z.string(),
    startDate: z.string(),
    endDate: z.string(),
    goal: z.string(),
    committed: sprintScopeSchema,
    /**
     * Each committed task's points at the start, in the order of `committed.keys`,
     * for burndown; absent in logs written before it.
     */
    committedPoints: z.array(z.number().nullable()).optional(),
  }),
  "sprint.completed": z.object({
    sprintId: z.string(),
    /** A future sprint's id, or null for the backlog. */
    to: z.string().nullable(),
    /** Every task that moved, sub-tasks included. */
    moved: z.array(z.string()),
    report: z.object({
      committed: sprintScopeSchema,
      completed: sprintScopeSchema,
      addedAfterStart: sprintScopeSchema,
      removedAfterStart: sprintScopeSchema,
      carriedOver: sprintScopeSchema.extend({
        to: z.string().nullable(),
        remainingSeconds: z.number().int().nullable(),
      }),
      spentSeconds: z.number().int().nullable(),
    }),
  }),
  "backlog.ranked": z.object({
    moves: z.array(z.object({ key: z.string(), rank: z.string(), previousRank: z.string() })),
  }),
  "member.added": z.object({ userId: z.string(), name: z.string(), role: z.enum(ROLES) }),
  "member.roleChanged": z.object({ userId: z.string(), role: z.enum(ROLES), previousRole: z.enum(ROLES) }),
  "member.removed": z.object({ userId: z.string(), previousRole: z.enum(ROLES) }),
} satisfies Record<EventType, z.ZodType>;

export type EventPayload<T extends EventType> = z.infer<(typeof eventPayloadSchemas)[T]>;

/** A new fact, before the board gives it a seq. */
export type EventBody = { [T in EventType]: { type: T; payload: EventPayload<T> } }[EventType];

/** An event as stored in the log and sent to every subscriber. */
export type BoardEvent = EventBody & {
  seq: number;
  opId: string;
  actor: string;
  at: string;
  v: number;
};

export const storedEventSchema = z.object({
  seq: z.number().int().min(1),
  opId: z.string(),
  actor: z.string(),
  at: z.string(),
  type: z.enum(Object.keys(EVENT_VERSIONS) as [EventType, ...EventType[]]),
  v: z.number().int().min(1),
  payload: z.record(z.string(), z.unknown()),
});
export type StoredEvent = z.infer<typeof storedEventSchema>;

const eventOf = <T extends EventType>(type: T) =>
  z.object({
    seq: z.number().int().min(1),
    opId: z.string(),
    actor: z.string(),
    at: z.string(),
    v: z.number().int(),
    type: z.literal(type),
    payload: eventPayloadSchemas[type],
  });

/** A current-version event of any type, checked field by field (what a client reads off the wire). */
export const boardEventSchema = z.discriminatedUnion("type", [
  eventOf("board.created"),
  eventOf("board.renamed"),
  eventOf("board.deleted"),
  eventOf("column.added"),
  eventOf("column.updated"),
  eventOf("column.moved"),
  eventOf("column.removed"),
  eventOf("task.created"),
  eventOf("task.updated"),
  eventOf("task.moved"),
  eventOf("task.archived"),
  eventOf("task.restored"),
  eventOf("task.deleted"),
  eventOf("comment.added"),
  eventOf("comment.edited"),
  eventOf("comment.deleted"),
  eventOf("worklog.added"),
  eventOf("worklog.edited"),
  eventOf("worklog.deleted"),
  eventOf("timer.started"),
  eventOf("timer.stopped"),
  eventOf("board.settingsChanged"),
  eventOf("sprint.created"),
  eventOf("sprint.updated"),
  eventOf("sprint.deleted"),
  eventOf("sprint.tasksAdded"),
  eventOf("sprint.tasksRemoved"),
  eventOf("sprint.started"),
  eventOf("sprint.completed"),
  eventOf("backlog.ranked"),
  eventOf("member.added"),
  eventOf("member.roleChanged"),
  eventOf("member.removed"),
]);
// A new event type the list above misses fails to compile here rather than at a user's desk.
type Unparsed = Exclude<EventType, z.infer<typeof boardEventSchema>["type"]>;
const everyEventParsed: [Unparsed] extends [never] ? true : Unparsed = true;
void everyEventParsed;

type Upcaster = (payload: Record<string, unknown>) => Record<string, unknown>;

/** Turns version `v` of a type into version `v + 1`, keyed `type@v`. */
const upcasters: Record<string, Upcaster> = {
  // Sprints kept no time before v2: unknown, not zero.
  "sprint.started@1": (p) => ({ ...p, committed: { ...(p.committed as object), seconds: null } }),
  "sprint.completed@1": (p) => {
    const report = p.report as Record<string, object>;
    const unknown = (scope: object | undefined) => ({ ...scope, seconds: null });
    return {
      ...p,
      report: {
        committed: unknown(report.committed),
        completed: unknown(report.completed),
        addedAfterStart: unknown(report.addedAfterStart),
        removedAfterStart: unknown(report.removedAfterStart),
        carriedOver: { ...unknown(report.carriedOver), remainingSeconds: null },
        spentSeconds: null,
      },
    };
  },
  // task.updated v1 recorded only the new values.
  "task.updated@1": (p) => ({ ...p, previous: {} }),
  // task.created v1 had no estimates, no sprint and no backlog rank: its backlog
  // rank follows the task number, so an old board's backlog is in creation order.
  "task.created@1": (p) => {
    const task = p.task as { number: number };
    return {
      ...p,
      task: {
        ...task,
        originalEstimateSeconds: null,
        remainingEstimateSeconds: null,
        sprintId: null,
        backlogRank: rankForNumber(task.number),
      },
    };
  },
};

/** Brings a stored event of any past version to the current shape, then checks it. */
export function upcast(stored: StoredEvent): BoardEvent {
  const current = EVENT_VERSIONS[stored.type];
  if (stored.v > current) {
    throw new Error(`event ${stored.seq} has version ${stored.v} of ${stored.type}, newer than this build knows`);
  }
  // Events this build wrote are trusted as they are; only older shapes are rebuilt and checked.
  if (stored.v === current) return stored as BoardEvent;
  let payload = stored.payload;
  for (let v = stored.v; v < current; v++) {
    const step = upcasters[`${stored.type}@${v}`];
    if (!step) throw new Error(`no upcaster for ${stored.type} v${v}`);
    payload = step(payload);
  }
  const parsed = eventPayloadSchemas[stored.type].parse(payload);
  return { ...stored, v: current, payload: parsed } as BoardEvent;
}
