import { z } from "zod";
import { idSchema, taskKeySchema } from "../domain/commands";
import {
  boardRecord,
  boardSettingsRecord,
  columnRecord,
  memberRecord,
  snapshotRecord,
  sprintRecord,
  taskRecord,
} from "../domain/records";

// Shapes of what the API returns, for the OpenAPI document. Requests are validated
// with the domain's own command schemas.

export const boardSchema = boardRecord.omit({ deletedAt: true }).meta({ id: "Board" });

export const columnSchema = columnRecord.meta({ id: "Column" });

export const timeTrackingSchema = z
  .object({
    originalSeconds: z.number().int().nullable(),
    remainingSeconds: z.number().int().nullable(),
    spentSeconds: z.number().int(),
    progressPercent: z.number().nullable(),
    overEstimateSeconds: z.number().int(),
  })
  .meta({
    id: "TimeTracking",
    description: "The task's time tracking; a parent's figures include all its sub-tasks.",
  });

export const childProgressSchema = z
  .object({
    total: z.number().int(),
    done: z.number().int(),
    points: z.number(),
    donePoints: z.number(),
    percent: z.number().int(),
  })
  .meta({
    id: "ChildProgress",
    description:
      "How far the task's direct children (an epic's stories, a story's sub-tasks) have come; `percent` is by points when they are estimated, else by count. Null without children.",
  });

export const taskSchema = taskRecord
  .extend({ time: timeTrackingSchema, children: childProgressSchema.nullable() })
  .meta({ id: "Task" });

export const sprintSchema = sprintRecord.meta({ id: "Sprint" });

export const boardSettingsSchema = boardSettingsRecord.meta({ id: "BoardSettings" });

export const worklogSchema = z
  .object({
    id: z.string().meta({ example: "wl_42" }),
    taskKey: z.string(),
    authorId: z.string(),
    startedAt: z.string(),
    timeSpentSeconds: z.number().int(),
    comment: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Worklog" });

export const commentSchema = z
  .object({
    id: z.string(),
    taskKey: z.string(),
    authorId: z.string(),
    body: z.string(),
    createdAt: z.string(),
    editedAt: z.string().nullable(),
  })
  .meta({ id: "Comment" });

export const memberSchema = memberRecord.meta({ id: "Member" });

export const eventSchema = z
  .object({
    seq: z.number().int(),
    opId: z.string(),
    actor: z.string(),
    at: z.string(),
    type: z.string().meta({ example: "task.moved" }),
    v: z.number().int().meta({ description: "Schema version of this event type's payload." }),
    payload: z.record(z.string(), z.unknown()),
  })
  .meta({ id: "Event" });

export const snapshotSchema = snapshotRecord
  .extend({
    columns: z.array(columnSchema),
    members: z.array(memberSchema),
    sprints: z.array(sprintSchema).meta({ description: "Active sprints first, then future, then completed." }),
    settings: boardSettingsSchema,
  })
  .meta({ id: "Snapshot" });

export const conflictSchema = z
  .object({
    field: z.string(),
    yours: z.unknown(),
    current: z.unknown(),
    changedBy: z.string(),
    changedAt: z.string(),
    seq: z.number().int(),
  })
  .meta({ id: "FieldConflict" });

export const historyEntrySchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    actor: z.string(),
    opId: z.string(),
    type: z.string(),
    rejected: z.boolean().meta({ description: "An attempt the board refused; it appended no event." }),
    changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })),
    reason: z.object({ code: z.string(), message: z.string(), conflicts: z.array(z.unknown()).optional() }).optional(),
  })
  .meta({ id: "HistoryEntry" });

export const boardParams = z.object({
  boardId: idSchema.meta({ param: { name: "boardId", in: "path" }, example: "brd_8f2c1a9e4b7d" }),
});
export const taskParams = boardParams.extend({
  key: taskKeySchema.meta({ param: { name: "key", in: "path" }, example: "WEB-42" }),
});
export const columnParams = boardParams.extend({
  columnId: idSchema.meta({ param: { name: "columnId", in: "path" }, example: "in_progress" }),
});
export const sprintParams = boardParams.extend({
  sprintId: idSchema.meta({ param: { name: "sprintId", in: "path" }, example: "spr_42" }),
});
export const worklogParams = taskParams.extend({
  worklogId: idSchema.meta({ param: { name: "worklogId", in: "path" }, example: "wl_42" }),
});
export const commentParams = taskParams.extend({
  commentId: idSchema.meta({ param: { name: "commentId", in: "path" } }),
});

export const writeHeaders = z.object({
  "if-match": z.string().optional().meta({
    description: 'The board seq your copy is based on, e.g. "42". Fields changed by others since then conflict (409).',
  }),
  "idempotency-key": z.string().min(8).max(100).optional().meta({
    description: "Send a retried request with the same key: it returns the first result and changes nothing twice.",
  }),
});
