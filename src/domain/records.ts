import { z } from "zod";
import { columnsOf } from "./columns";
import {
  BOARD_MODES,
  CATEGORIES,
  ESTIMATION_STATISTICS,
  PRIORITIES,
  ROLES,
  SPRINT_STATES,
  TASK_TYPES,
  TRACKED_FIELDS,
  WIP_MODES,
} from "./model";

// The board's records as they travel: in a snapshot, over the live connection and
// in the API's answers. Defined once here; the API document and the web app's sync
// engine both read them.

export const columnRecord = z.object({
  id: z.string().meta({ example: "in_progress" }),
  name: z.string().meta({ example: "In Progress" }),
  category: z.enum(CATEGORIES),
  wipLimit: z.number().int().nullable(),
  wipMode: z.enum(WIP_MODES),
  rank: z.string(),
});

export const taskRecord = z.object({
  key: z.string().meta({ example: "WEB-42" }),
  number: z.number().int(),
  title: z.string(),
  description: z.string().meta({ description: "Markdown" }),
  type: z.enum(TASK_TYPES),
  parentKey: z.string().nullable(),
  columnId: z.string(),
  rank: z.string().meta({ description: "Fractional index: tasks in a column sort by it ascending." }),
  sprintId: z.string().nullable(),
  backlogRank: z.string().meta({ description: "Fractional index of the task in the backlog." }),
  assigneeId: z.string().nullable(),
  reporterId: z.string(),
  priority: z.enum(PRIORITIES),
  labels: z.array(z.string()),
  storyPoints: z.number().nullable(),
  dueDate: z.string().nullable(),
  watchers: z.array(z.string()),
  originalEstimateSeconds: z.number().nullable(),
  remainingEstimateSeconds: z.number().nullable(),
  timeSpentSeconds: z.number().meta({ description: "The sum of this task's own worklogs." }),
  createdAt: z.string(),
  updatedAt: z.string(),
  resolvedAt: z.string().nullable().meta({ description: "Set while the task is in a done-category column." }),
  archivedAt: z.string().nullable(),
});

const stamp = z.object({ seq: z.number().int(), actor: z.string(), at: z.string() });

/** A task as the board holds it: its fields, and who last changed each tracked one at which seq. */
export const taskStateRecord = taskRecord.extend({
  stamps: z
    .partialRecord(z.enum(TRACKED_FIELDS), stamp)
    .meta({ description: "Who last changed each field, at which seq." }),
});

/** Tasks as columns (`GET …/snapshot?tasks=columns`), stamps included unless left out. */
export const taskColumnsRecord = columnsOf(taskStateRecord.shape).partial({ stamps: true });

export const memberRecord = z.object({ userId: z.string(), name: z.string(), role: z.enum(ROLES) });

export const boardRecord = z.object({
  id: z.string().meta({ example: "brd_8f2c1a9e4b7d" }),
  name: z.string().meta({ example: "Website" }),
  key: z.string().meta({ example: "WEB" }),
  mode: z.enum(BOARD_MODES),
  createdAt: z.string(),
  createdBy: z.string(),
  deletedAt: z.string().nullable(),
});

// Sprints and settings travel in snapshots too: the backlog reads them from the live board.
const sprintScope = z.object({
  keys: z.array(z.string()),
  points: z.number(),
  seconds: z
    .number()
    .int()
    .nullable()
    .meta({ description: "Original estimates, sub-tasks included; null in records from before sprints kept time." }),
});

export const sprintRecord = z.object({
  id: z.string().meta({ example: "spr_42" }),
  number: z.number().int(),
  name: z.string(),
  goal: z.string(),
  startDate: z.string().nullable(),
  endDate: z.string().nullable(),
  state: z.enum(SPRINT_STATES),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  committed: sprintScope.nullable().meta({ description: "The scope when the sprint started." }),
  scopeChanges: z
    .array(
      z.object({
        seq: z.number().int(),
        at: z.string(),
        key: z.string(),
        kind: z.enum(["added", "removed", "points"]),
        points: z.number().nullable(),
        previousPoints: z.number().nullable().optional(),
      }),
    )
    .meta({ description: "Every change of scope while the sprint was active, with its time (for burndown)." }),
  subtaskChanges: z
    .array(
      z.object({
        seq: z.number().int(),
        at: z.string(),
        key: z.string(),
        kind: z.enum(["joined", "left"]),
      }),
    )
    .default([])
    .meta({
      description:
        "Sub-tasks entering and leaving the sprint while it was active, those planned in it when it started included: in a burndown in time, each counts its own remaining estimate while it is in.",
    }),
  report: z
    .object({
      committed: sprintScope,
      completed: sprintScope,
      addedAfterStart: sprintScope,
      removedAfterStart: sprintScope,
      carriedOver: sprintScope.extend({
        to: z.string().nullable(),
        remainingSeconds: z.number().int().nullable().meta({ description: "The work left on what moved on." }),
      }),
      spentSeconds: z
        .number()
        .int()
        .nullable()
        .meta({ description: "Time logged on the sprint's tasks between its start and its completion." }),
    })
    .nullable()
    .meta({ description: "Recorded when the sprint was completed." }),
});

export const boardSettingsRecord = z.object({
  hoursPerDay: z.number().int(),
  daysPerWeek: z.number().int(),
  parallelSprints: z.boolean(),
  estimationStatistic: z
    .enum(ESTIMATION_STATISTICS)
    .meta({ description: "What sprints are planned and burned down in: story points or estimated time." }),
  workingDays: z.array(z.number().int()).meta({ description: "ISO weekdays the team works, 1 Monday … 7 Sunday." }),
});

/**
 * The whole board for a first load or a catch-up, as it travels: the API answers it
 * (documented with its named parts, see src/api/schemas.ts) and the web app reads it
 * (more leniently, see client/src/sync/boardMessages.ts). Tasks come as a list, or
 * with `tasks=columns` as one array per field; without their stamps when asked.
 */
export const snapshotRecord = z.object({
  seq: z.number().int().min(0),
  board: boardRecord,
  nextNumber: z.number().int().min(1).meta({ description: "The number the next task gets (keys are never reused)." }),
  columns: z.array(columnRecord),
  tasks: z
    .union([z.array(taskStateRecord.partial({ stamps: true })), taskColumnsRecord])
    .meta({ description: "A list of tasks, or with `tasks=columns` one array per field." }),
  members: z.array(memberRecord),
  labels: z.array(z.string()),
  sprints: z.array(sprintRecord).meta({ description: "Active sprints first, then future, then completed." }),
  settings: boardSettingsRecord,
});
