import { z } from "zod";
import { BOARD_MODES, CATEGORIES, ESTIMATION_STATISTICS, PRIORITIES, ROLES, TASK_TYPES, WIP_MODES } from "./model";

// Every command a board accepts, as zod schemas. The same schemas validate REST
// bodies, WebSocket messages and replayed offline commands, and generate the
// OpenAPI document. Objects are strict: an unknown field is an error, not ignored,
// so a typo never silently drops part of a change.

const utf8 = new TextEncoder();
export const MAX_DESCRIPTION_BYTES = 64 * 1024;
export const MAX_TITLE_CHARS = 255;

export const boardKeySchema = z
  .string()
  .regex(/^[A-Z][A-Z0-9]{1,9}$/, "Use 2–10 capital letters or digits, starting with a letter (e.g. WEB).");
export const boardNameSchema = z.string().trim().min(1, "A board needs a name.").max(100);
export const taskKeySchema = z.string().regex(/^[A-Z][A-Z0-9]{1,9}-[1-9][0-9]*$/, "A task key looks like WEB-42.");
export const userIdSchema = z.string().min(1).max(64);
export const idSchema = z.string().min(1).max(64);

export const titleSchema = z
  .string()
  .trim()
  .min(1, "A task needs a title.")
  .max(MAX_TITLE_CHARS, `A title has at most ${MAX_TITLE_CHARS} characters.`);
export const markdownSchema = z.string().refine((s) => utf8.encode(s).length <= MAX_DESCRIPTION_BYTES, {
  message: `A description has at most ${MAX_DESCRIPTION_BYTES / 1024} KiB of text.`,
});
export const labelSchema = z.string().regex(/^[^\s,]{1,64}$/, "A label is 1–64 characters without spaces or commas.");
export const dueDateSchema = z.iso.date("Use a date like 2026-12-31.");
export const storyPointsSchema = z
  .number("Story points are a number, like 3 or 0.5.")
  .min(0, "Story points cannot be negative.")
  .max(1000)
  .multipleOf(0.5, "Story points come in halves at the finest, like 0.5 or 2.5.");
/**
 * A duration as people type it (`1w 2d 3h 30m`). Only its shape is checked here:
 * its length in seconds depends on the board's working day, so the board parses it.
 */
export const durationSchema = z.string().min(1).max(40).meta({ example: "1w 2d 3h 30m" });
export const worklogCommentSchema = z.string().max(4000);
export const ADJUST_MODES = ["auto", "leave", "new", "manual"] as const;
/**
 * How a worklog changes the task's remaining estimate, as Jira offers: `auto` takes
 * the time spent off it (never below zero), `leave` keeps it, `new` sets it to
 * `value`, `manual` takes `value` off it.
 */
export const adjustSchema = z.strictObject({ mode: z.enum(ADJUST_MODES), value: durationSchema.optional() });
export type Adjust = z.infer<typeof adjustSchema>;

export const taskFieldsSchema = z.strictObject({
  title: titleSchema,
  type: z.enum(TASK_TYPES).optional(),
  description: markdownSchema.optional(),
  columnId: idSchema.optional(),
  assigneeId: userIdSchema.nullable().optional(),
  priority: z.enum(PRIORITIES).optional(),
  labels: z.array(labelSchema).max(20).optional(),
  parentKey: taskKeySchema.nullable().optional(),
  storyPoints: storyPointsSchema.nullable().optional(),
  dueDate: dueDateSchema.nullable().optional(),
  watchers: z.array(userIdSchema).max(100).optional(),
  originalEstimate: durationSchema.nullable().optional(),
  remainingEstimate: durationSchema.nullable().optional(),
});
export type TaskFields = z.infer<typeof taskFieldsSchema>;

/** A set-like field is either replaced as a whole or edited with add/remove; neither conflicts. */
const setEditSchema = <T extends z.ZodType>(item: T) =>
  z.union([
    z.array(item).max(100),
    z.strictObject({ add: z.array(item).max(100).optional(), remove: z.array(item).max(100).optional() }),
  ]);

export const taskChangesSchema = z.strictObject({
  title: titleSchema.optional(),
  type: z.enum(TASK_TYPES).optional(),
  description: markdownSchema.optional(),
  assigneeId: userIdSchema.nullable().optional(),
  priority: z.enum(PRIORITIES).optional(),
  parentKey: taskKeySchema.nullable().optional(),
  storyPoints: storyPointsSchema.nullable().optional(),
  dueDate: dueDateSchema.nullable().optional(),
  originalEstimate: durationSchema.nullable().optional(),
  remainingEstimate: durationSchema.nullable().optional(),
  labels: setEditSchema(labelSchema).optional(),
  watchers: setEditSchema(userIdSchema).optional(),
});
export type TaskChanges = z.infer<typeof taskChangesSchema>;

export const positionSchema = z.enum(["top", "bottom"]);

const createBoardCommand = z.strictObject({
  type: z.literal("createBoard"),
  boardId: idSchema,
  name: boardNameSchema,
  key: boardKeySchema,
  mode: z.enum(BOARD_MODES),
  ownerName: z.string().min(1).max(100),
});
const addMemberCommand = z.strictObject({
  type: z.literal("addMember"),
  userId: userIdSchema,
  name: z.string().min(1).max(100),
  role: z.enum(ROLES),
});
const changeMemberRoleCommand = z.strictObject({
  type: z.literal("changeMemberRole"),
  userId: userIdSchema,
  role: z.enum(ROLES),
});
const removeMemberCommand = z.strictObject({ type: z.literal("removeMember"), userId: userIdSchema });
export const sprintNameSchema = z.string().trim().min(1, "A sprint needs a name.").max(100);
export const sprintGoalSchema = z.string().max(1000);
export const sprintDateSchema = z.iso.date("Use a date like 2026-03-02.");
export const sprintKeysSchema = z.array(taskKeySchema).min(1, "Name at least one task.").max(200);
export const columnNameSchema = z.string().trim().min(1, "A column needs a name.").max(60);
export const wipLimitSchema = z.number().int().min(1).max(999);
export const commentBodySchema = markdownSchema.pipe(z.string().min(1, "A comment cannot be empty."));

/** Commands a client may send; boards are created and members added through their own routes. */
/** A change of a board's settings: only the fields given change. */
export const boardSettingsChange = z.strictObject({
  hoursPerDay: z.number().int().min(1).max(24).optional(),
  daysPerWeek: z.number().int().min(1).max(7).optional(),
  parallelSprints: z.boolean().optional(),
  estimationStatistic: z.enum(ESTIMATION_STATISTICS).optional(),
  workingDays: z
    .array(
      z
        .number()
        .int()
        .min(1, "Working days are 1 (Monday) to 7 (Sunday).")
        .max(7, "Working days are 1 (Monday) to 7 (Sunday)."),
    )
    .min(1, "Give at least one working day.")
    .refine((days) => new Set(days).size === days.length, "Name each working day once.")
    .optional()
    .meta({ description: "ISO weekdays, 1 Monday … 7 Sunday.", example: [1, 2, 3, 4, 5] }),
});

const clientCommands = [
  z.strictObject({ type: z.literal("renameBoard"), name: boardNameSchema }),
  z.strictObject({ type: z.literal("deleteBoard") }),
  z.strictObject({
    type: z.literal("addColumn"),
    name: columnNameSchema,
    category: z.enum(CATEGORIES),
    wipLimit: wipLimitSchema.nullable().optional(),
    wipMode: z.enum(WIP_MODES).optional(),
    /** The column to follow; null puts it first, absent puts it last. */
    afterColumnId: idSchema.nullable().optional(),
  }),
  z.strictObject({
    type: z.literal("updateColumn"),
    columnId: idSchema,
    name: columnNameSchema.optional(),
    category: z.enum(CATEGORIES).optional(),
    wipLimit: wipLimitSchema.nullable().optional(),
    wipMode: z.enum(WIP_MODES).optional(),
  }),
  z.strictObject({ type: z.literal("moveColumn"), columnId: idSchema, afterColumnId: idSchema.nullable() }),
  z.strictObject({ type: z.literal("removeColumn"), columnId: idSchema, targetColumnId: idSchema.optional() }),
  z.strictObject({ type: z.literal("createTask"), task: taskFieldsSchema }),
  z.strictObject({ type: z.literal("updateTask"), key: taskKeySchema, changes: taskChangesSchema }),
  z.strictObject({
    type: z.literal("moveTask"),
    key: taskKeySchema,
    columnId: idSchema,
    beforeKey: taskKeySchema.optional(),
    afterKey: taskKeySchema.optional(),
    position: positionSchema.optional(),
  }),
  z.strictObject({ type: z.literal("archiveTask"), key: taskKeySchema }),
  z.strictObject({ type: z.literal("restoreTask"), key: taskKeySchema }),
  z.strictObject({ type: z.literal("deleteTask"), key: taskKeySchema }),
  z.strictObject({ type: z.literal("addComment"), key: taskKeySchema, body: commentBodySchema }),
  z.strictObject({ type: z.literal("editComment"), commentId: idSchema, body: commentBodySchema }),
  z.strictObject({ type: z.literal("deleteComment"), commentId: idSchema }),
  z.strictObject({
    type: z.literal("logWork"),
    key: taskKeySchema,
    timeSpent: durationSchema,
    /** When the work started; the board's time when absent. */
    startedAt: z.iso.datetime({ offset: true }).optional(),
    comment: worklogCommentSchema.optional(),
    adjust: adjustSchema.optional(),
  }),
  z.strictObject({
    type: z.literal("editWorklog"),
    worklogId: idSchema,
    timeSpent: durationSchema.optional(),
    startedAt: z.iso.datetime({ offset: true }).optional(),
    comment: worklogCommentSchema.optional(),
    adjust: adjustSchema.optional(),
  }),
  z.strictObject({ type: z.literal("deleteWorklog"), worklogId: idSchema, adjust: adjustSchema.optional() }),
  z.strictObject({ type: z.literal("startTimer"), key: taskKeySchema }),
  z.strictObject({
    type: z.literal("stopTimer"),
    key: taskKeySchema,
    comment: worklogCommentSchema.optional(),
    adjust: adjustSchema.optional(),
    /** Stop without logging anything. */
    discard: z.boolean().optional(),
  }),
  z.strictObject({
    type: z.literal("createSprint"),
    name: sprintNameSchema,
    goal: sprintGoalSchema.optional(),
    startDate: sprintDateSchema.nullable().optional(),
    endDate: sprintDateSchema.nullable().optional(),
  }),
  z.strictObject({
    type: z.literal("updateSprint"),
    sprintId: idSchema,
    name: sprintNameSchema.optional(),
    goal: sprintGoalSchema.optional(),
    startDate: sprintDateSchema.nullable().optional(),
    endDate: sprintDateSchema.nullable().optional(),
  }),
  z.strictObject({ type: z.literal("deleteSprint"), sprintId: idSchema }),
  z.strictObject({ type: z.literal("addToSprint"), sprintId: idSchema, keys: sprintKeysSchema }),
  z.strictObject({ type: z.literal("removeFromSprint"), sprintId: idSchema, keys: sprintKeysSchema }),
  z.strictObject({
    type: z.literal("startSprint"),
    sprintId: idSchema,
    startDate: sprintDateSchema.optional(),
    endDate: sprintDateSchema.optional(),
    goal: sprintGoalSchema.optional(),
  }),
  z.strictObject({
    type: z.literal("completeSprint"),
    sprintId: idSchema,
    /** Where the unfinished work goes: the backlog, or a future sprint's id. */
    moveOpenTo: z.union([z.literal("backlog"), idSchema]),
  }),
  z.strictObject({
    type: z.literal("rankBacklog"),
    keys: sprintKeysSchema,
    beforeKey: taskKeySchema.optional(),
    afterKey: taskKeySchema.optional(),
    position: positionSchema.optional(),
  }),
  z.strictObject({ type: z.literal("updateBoardSettings"), ...boardSettingsChange.shape }),
] as const;

export const clientCommandSchema = z.discriminatedUnion("type", [...clientCommands]).meta({ id: "Command" });
/** Every command a board runs: the client's, plus those only the Worker sends (it keeps D1 in step). */
export const commandSchema = z.discriminatedUnion("type", [
  ...clientCommands,
  createBoardCommand,
  addMemberCommand,
  changeMemberRoleCommand,
  removeMemberCommand,
]);
export type Command = z.infer<typeof commandSchema>;
export type CommandType = Command["type"];
export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;

/** What a client sends: the command, its idempotency key and the seq it was based on. */
export const commandEnvelopeSchema = z
  .strictObject({
    opId: z.string().min(8).max(100),
    baseSeq: z.number().int().min(0),
    command: clientCommandSchema,
  })
  .meta({ id: "CommandEnvelope" });

/**
 * A command as the board runs it. Without `baseSeq` the command is based on the
 * board as it is (what a script expects): nothing it writes can conflict.
 */
export interface CommandEnvelope {
  opId: string;
  baseSeq?: number;
  command: Command;
}

/** The task a command is about, for the audit trail of rejected attempts. */
export function commandTaskKey(command: Command): string | null {
  return "key" in command ? command.key : null;
}
