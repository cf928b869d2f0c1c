import { z } from "zod";
import { checkColumns, rowsFromColumns } from "../../../src/domain/columns";
import type { FieldConflict } from "../../../src/domain/errors";
import { type BoardEvent, boardEventSchema, storedEventSchema, upcast } from "../../../src/domain/events";
import { type BoardState, DEFAULT_BOARD_SETTINGS } from "../../../src/domain/model";
import { type ServerMessage, serverMessage } from "../../../src/domain/protocol";
import { boardRecord, snapshotRecord, taskStateRecord } from "../../../src/domain/records";

// What arrives from the board, checked before the engine acts on it. The protocol
// module types the envelope; the board's state and events inside it are checked
// here against the domain's own schemas, so nothing the server (or a proxy, or a
// newer deploy) sends is ever cast into a BoardState.

/** The message, or null when it is not JSON or not one the protocol defines. */
export function parseServerMessage(data: string): ServerMessage | null {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = serverMessage.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/**
 * An event as the engine folds it, brought to the current version of its type. Null
 * when this build cannot read it (a newer server): the app must reload, because
 * skipping an event would leave the board silently wrong.
 */
export function boardEventFrom(raw: unknown): BoardEvent | null {
  const stored = storedEventSchema.safeParse(raw);
  if (!stored.success) return null;
  let current: unknown = stored.data;
  try {
    // Older versions are rebuilt (and checked) by the domain's upcasters.
    current = upcast(stored.data);
  } catch {
    return null;
  }
  const parsed = boardEventSchema.safeParse(current);
  return parsed.success ? parsed.data : null;
}

/**
 * The domain's snapshot, read leniently: a board not created yet has none; older
 * boards' snapshots lack sprints and settings (the engine then starts from none and
 * the defaults); labels are not needed; and columns of tasks are checked below, field
 * by field, which is quicker than the schema's check value by value.
 */
const snapshotSchema = snapshotRecord.extend({
  board: boardRecord.nullable(),
  tasks: z.union([z.array(taskStateRecord.partial({ stamps: true })), z.record(z.string(), z.unknown())]),
  labels: snapshotRecord.shape.labels.optional(),
  sprints: snapshotRecord.shape.sprints.optional(),
  settings: snapshotRecord.shape.settings.optional(),
});

/**
 * The board a snapshot message describes, as the state the engine folds events into.
 * The snapshot carries no comments, worklogs or timers (a task carries its time spent):
 * those the engine knows are the ones it saw arrive as events. Null when the snapshot is not
 * one this build can read.
 */
export function boardStateFromSnapshot(seq: number, raw: unknown): BoardState | null {
  const parsed = snapshotSchema.safeParse(raw);
  if (!parsed.success || parsed.data.seq !== seq) return null;
  const snapshot = parsed.data;
  const tasks = Array.isArray(snapshot.tasks) ? snapshot.tasks : tasksFromColumns(snapshot.tasks);
  if (tasks === null) return null;
  return {
    seq: snapshot.seq,
    board: snapshot.board,
    nextNumber: snapshot.nextNumber,
    columns: Object.fromEntries(snapshot.columns.map((c) => [c.id, c])),
    // The rows are the check's own fresh objects: given their (empty) stamps in place.
    tasks: Object.fromEntries(tasks.map((t) => [t.key, Object.assign(t, { stamps: t.stamps ?? {} })])),
    comments: {},
    members: Object.fromEntries(snapshot.members.map((m) => [m.userId, m])),
    worklogs: {},
    // The backlog and sprint planning read sprints from the live board.
    sprints: Object.fromEntries((snapshot.sprints ?? []).map((s) => [s.id, s])),
    timers: {},
    settings: { ...DEFAULT_BOARD_SETTINGS, ...snapshot.settings },
  };
}

/** The tasks of a snapshot's columns, each checked against the task's schema; null if one is not a task. */
function tasksFromColumns(columns: unknown) {
  const checked = checkColumns(taskStateRecord.shape, columns, ["stamps"]);
  return checked && rowsFromColumns(checked);
}

const fieldConflictSchema = z.object({
  field: z.string(),
  yours: z.unknown(),
  current: z.unknown(),
  changedBy: z.string(),
  changedAt: z.string(),
  seq: z.number().int(),
});

/** The fields a conflict answer names; an entry this build cannot read is left out, never invented. */
export function fieldConflictsFrom(raw: readonly unknown[] | undefined): FieldConflict[] {
  const conflicts: FieldConflict[] = [];
  for (const entry of raw ?? []) {
    const parsed = fieldConflictSchema.safeParse(entry);
    if (parsed.success) conflicts.push({ ...parsed.data, yours: parsed.data.yours, current: parsed.data.current });
  }
  return conflicts;
}
