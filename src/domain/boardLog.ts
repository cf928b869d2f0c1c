import { z } from "zod";
import { boardKeySchema } from "./commands";
import {
  type BoardEvent,
  EVENT_VERSIONS,
  type EventBody,
  type EventType,
  eventPayloadSchemas,
  type StoredEvent,
  storedEventSchema,
  upcast,
} from "./events";
import { evolve } from "./evolve";
import { BOARD_MODES, type BoardState, emptyState } from "./model";

// A board's log as a file: what export writes, import reads and the replay CLI
// folds. NDJSON, one JSON value per line: a header naming the board, then every
// stored event in seq order. Reading checks the whole file before anyone acts on
// it, and names the first line that is wrong, so a refused import changes nothing
// and says where to look.

export const BOARD_LOG_FORMAT = "lanes-board-log";
export const BOARD_LOG_VERSION = 1;

export const boardLogHeaderSchema = z.object({
  format: z.literal(BOARD_LOG_FORMAT),
  version: z.number().int().min(1),
  board: z.object({ id: z.string(), name: z.string(), key: z.string(), mode: z.enum(BOARD_MODES) }),
  /** The board's last seq when it was exported: the file must end there. */
  seq: z.number().int().min(0),
  exportedAt: z.string(),
});
export type BoardLogHeader = z.infer<typeof boardLogHeaderSchema>;

export function boardLogHeader(board: BoardLogHeader["board"], seq: number, exportedAt: string): BoardLogHeader {
  return {
    format: BOARD_LOG_FORMAT,
    version: BOARD_LOG_VERSION,
    board: { id: board.id, name: board.name, key: board.key, mode: board.mode },
    seq,
    exportedAt,
  };
}

/** `WEB-2026-11-24.ndjson`: the board's key and the day (UTC) it was exported. */
export function boardLogFileName(key: string, exportedAt: string): string {
  return `${key}-${exportedAt.slice(0, 10)}.ndjson`;
}

/** One line of the file, newline included. */
export function boardLogLine(value: BoardLogHeader | StoredEvent): string {
  return `${JSON.stringify(value)}\n`;
}

/** The first thing wrong with a log file, and the line (1-based) it is on. */
export class BoardLogError extends Error {
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`Line ${line}: ${problem}`);
  }
}

export interface BoardLog {
  /** Null only when the file had none and the caller allowed that (a raw dump of events). */
  header: BoardLogHeader | null;
  /**
   * The events in seq order, as stored: older versions keep their old shape (upcast
   * rebuilds them on every read, as for the board's own log); current ones carry
   * their payload as the schema parsed it, so a field the schema does not know can
   * never reach the board.
   */
  events: StoredEvent[];
  /** The board after the last event. */
  state: BoardState;
}

export interface ReadOptions {
  /** Import insists on the header; the replay CLI also reads a bare list of events. */
  requireHeader: boolean;
  /** Import makes a board people work on, so a log that deletes its board is refused. */
  requireLiveBoard: boolean;
}

/** Parses and checks a whole log, folding it as it goes. Throws BoardLogError at the first bad line. */
export function readBoardLog(text: string, options: ReadOptions): BoardLog {
  const reader = new BoardLogReader(options);
  const events: StoredEvent[] = [];
  for (const { raw, end } of lines(text)) {
    const event = reader.line(raw, () => text.slice(end + 1).trim() === "");
    if (event) events.push(event);
  }
  reader.finish();
  return { header: reader.header, events, state: reader.state };
}

/**
 * Reads a log a line at a time, checking each and folding it as it goes, so a log
 * too large to hold whole can be read as it arrives (an import streams its file).
 * `readBoardLog` is this over a whole text.
 */
export class BoardLogReader {
  header: BoardLogHeader | null = null;
  /** The board after the last event read. */
  readonly state: BoardState = emptyState();
  private headerLine = 0;
  private readonly opIds = new Map<string, number>();
  private lineNumber = 0;
  private lastLine = 0;
  private sawFirstLine = false;
  private events = 0;

  constructor(private readonly options: ReadOptions) {}

  /**
   * The next line of the file, without its line break: the event it holds, checked
   * and folded (as kept: see BoardLog.events), or null for the header or a blank
   * line. `isLastLine` tells whether nothing but blank lines follows (a line that is
   * not JSON there means the file was cut short). Throws BoardLogError.
   */
  line(raw: string, isLastLine: () => boolean): StoredEvent | null {
    this.lineNumber += 1;
    if (raw.trim() === "") return null;
    const line = this.lineNumber;
    this.lastLine = line;
    const value = parseJson(raw, line, isLastLine);

    if (!this.sawFirstLine) {
      this.sawFirstLine = true;
      if (isObject(value) && "format" in value) {
        this.header = parseHeader(value, line);
        this.headerLine = line;
        return null;
      }
      if (this.options.requireHeader) {
        throw new BoardLogError(
          line,
          `this is not a board-log header. An exported board starts with {"format":"${BOARD_LOG_FORMAT}","version":${BOARD_LOG_VERSION},"board":{…},"seq":…}; export the board again and import that file unchanged.`,
        );
      }
    }

    const stored = parseEvent(value, line);
    const expected = this.events + 1;
    if (stored.seq !== expected) {
      throw new BoardLogError(
        line,
        stored.seq > expected
          ? `expected seq ${expected} but found ${stored.seq}: ${stored.seq - 1 === expected ? `event ${expected} is` : `events ${expected}–${stored.seq - 1} are`} missing. A log holds every event from seq 1, without a gap.`
          : `expected seq ${expected} but found ${stored.seq}: events must appear once each, in seq order.`,
      );
    }
    const firstUse = this.opIds.get(stored.opId);
    if (firstUse !== undefined) {
      throw new BoardLogError(
        line,
        `opId ${stored.opId} was already used by the event on line ${firstUse}; every event has its own opId.`,
      );
    }
    this.opIds.set(stored.opId, line);

    const { event, kept } = checkVersion(stored, line);
    const problem = whyItCannotApply(this.state, event);
    if (problem) throw new BoardLogError(line, problem);
    if (event.type === "board.deleted" && this.options.requireLiveBoard) {
      throw new BoardLogError(line, "this event deletes the board, and a deleted board cannot be imported.");
    }
    evolve(this.state, event);
    this.events += 1;
    return kept;
  }

  /** After the last line: what only the whole file can tell (empty, no events, a header that does not fit). */
  finish(): void {
    if (!this.sawFirstLine) {
      throw new BoardLogError(
        1,
        "the file is empty. An exported board log holds a header line and then one event per line.",
      );
    }
    if (this.events === 0) {
      throw new BoardLogError(
        this.lineNumber + 1,
        "the file has a header but no events; a board log holds at least the board.created event.",
      );
    }
    if (this.header) checkHeaderAgainstLog(this.header, this.headerLine, this.state, this.lastLine);
  }
}

// ---- lines ------------------------------------------------------------------

/** Each line without its line break, and where that break is. */
function* lines(text: string): Generator<{ raw: string; end: number }> {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    // Files edited on Windows end their lines with \r\n.
    const raw = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    yield { raw, end };
    start = end + 1;
  }
}

function parseJson(raw: string, line: number, isLastLine: () => boolean): unknown {
  try {
    return JSON.parse(raw);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new BoardLogError(
      line,
      isLastLine()
        ? `this line is not complete JSON (${reason}); the file looks cut short. Export the board again.`
        : `this line is not valid JSON (${reason}); each line must be one JSON object.`,
    );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `payload.task.title: expected string` from a zod failure. */
function describeIssue(error: z.ZodError, prefix = ""): string {
  const issue = error.issues[0];
  if (!issue) return "it does not match the expected shape";
  const path = [prefix, ...issue.path.map(String)].filter((p) => p !== "").join(".");
  return `${path ? `${path}: ` : ""}${issue.message}`;
}

// ---- header -----------------------------------------------------------------

function parseHeader(value: Record<string, unknown>, line: number): BoardLogHeader {
  if (value.format !== BOARD_LOG_FORMAT) {
    throw new BoardLogError(
      line,
      `the header says format ${JSON.stringify(value.format)}, but this is not a Lanes board log (format "${BOARD_LOG_FORMAT}"). Import a file written by the board export.`,
    );
  }
  if (typeof value.version === "number" && value.version > BOARD_LOG_VERSION) {
    throw new BoardLogError(
      line,
      `the file is board-log version ${value.version}, newer than this build reads (version ${BOARD_LOG_VERSION}); update Lanes, or export from the same version.`,
    );
  }
  const parsed = boardLogHeaderSchema.safeParse(value);
  if (!parsed.success) {
    throw new BoardLogError(line, `the header is not valid (${describeIssue(parsed.error)}); export the board again.`);
  }
  return parsed.data;
}

function checkHeaderAgainstLog(header: BoardLogHeader, line: number, state: BoardState, lastLine: number): void {
  if (state.seq < header.seq) {
    throw new BoardLogError(
      lastLine + 1,
      `the file ends at seq ${state.seq}, but its header says the board had ${header.seq} events: the file was cut short. Export the board again.`,
    );
  }
  if (state.seq > header.seq) {
    throw new BoardLogError(
      line,
      `the header says the board had ${header.seq} events, but the file holds ${state.seq}; the header does not belong to these events.`,
    );
  }
  const board = state.board;
  if (board && (board.id !== header.board.id || board.key !== header.board.key || board.mode !== header.board.mode)) {
    throw new BoardLogError(
      line,
      `the header names board ${header.board.key} (${header.board.id}), but the events are those of ${board.key} (${board.id}); the header does not belong to these events.`,
    );
  }
}

// ---- events -----------------------------------------------------------------

function parseEvent(value: unknown, line: number): StoredEvent {
  if (!isObject(value)) throw new BoardLogError(line, "this line is not a JSON object; each line holds one event.");
  if (typeof value.type === "string" && !Object.hasOwn(EVENT_VERSIONS, value.type)) {
    throw new BoardLogError(
      line,
      `"${value.type}" is not an event type this build knows; the log may come from a newer version of Lanes, or was edited.`,
    );
  }
  const parsed = storedEventSchema.safeParse(value);
  if (!parsed.success) {
    throw new BoardLogError(
      line,
      `this is not a stored event (${describeIssue(parsed.error)}); an event is {seq, opId, actor, at, type, v, payload}.`,
    );
  }
  return parsed.data;
}

/**
 * The event in the current shape for folding, and the event to keep. An older
 * version is rebuilt (and so checked) by `upcast`; the current version is checked
 * against its schema here, because `upcast` trusts events this build wrote and a
 * file may have been edited.
 */
function checkVersion(stored: StoredEvent, line: number): { event: BoardEvent; kept: StoredEvent } {
  const current = EVENT_VERSIONS[stored.type];
  if (stored.v > current) {
    throw new BoardLogError(
      line,
      `${stored.type} version ${stored.v} is newer than this build knows (version ${current}); update Lanes to read this log.`,
    );
  }
  if (stored.v < current) {
    try {
      return { event: upcast(stored), kept: stored };
    } catch (error) {
      const reason = error instanceof z.ZodError ? describeIssue(error, "payload") : "it cannot be upgraded";
      throw new BoardLogError(line, `this ${stored.type} v${stored.v} event is not valid (${reason}).`);
    }
  }
  const parsed = eventPayloadSchemas[stored.type].safeParse(stored.payload);
  if (!parsed.success) {
    throw new BoardLogError(
      line,
      `the ${stored.type} payload is not valid (${describeIssue(parsed.error, "payload")}); the line may have been edited.`,
    );
  }
  const kept = { ...stored, payload: parsed.data as Record<string, unknown> };
  return { event: kept as BoardEvent, kept };
}

const TASK_EVENTS = new Set<EventType>([
  "task.updated",
  "task.moved",
  "task.archived",
  "task.restored",
  "task.deleted",
  "comment.added",
  "worklog.added",
  "worklog.edited",
  "worklog.deleted",
  "timer.started",
  "timer.stopped",
]);

/**
 * What `decide` guarantees of every event it writes, checked again for a log read
 * from a file: `evolve` quietly skips an event about a task or column that does not
 * exist, and a log that relies on that would import as a board that never existed.
 */
function whyItCannotApply(state: BoardState, event: BoardEvent): string | null {
  const board = state.board;
  if (event.type === "board.created") {
    if (board) return "the board was already created by an earlier event; a log holds one board.created.";
    const key = boardKeySchema.safeParse(event.payload.key);
    return key.success
      ? null
      : `the board key "${event.payload.key}" is not valid: ${key.error.issues[0]?.message ?? "use A–Z and 0–9"}`;
  }
  if (!board) return `the log must start with board.created, but this first event is ${event.type}.`;
  if (board.deletedAt !== null) return `the board was deleted at ${board.deletedAt}; no event can follow its deletion.`;

  const missingTask = (key: string) =>
    state.tasks[key] ? null : `${event.type} names task ${key}, which does not exist at this point of the log.`;
  const missingColumn = (id: string) =>
    state.columns[id] ? null : `${event.type} names column "${id}", which does not exist at this point of the log.`;

  if (TASK_EVENTS.has(event.type) && "key" in event.payload) {
    const problem = missingTask(event.payload.key);
    if (problem) return problem;
  }
  switch (event.type) {
    case "column.added":
      return state.columns[event.payload.column.id]
        ? `column "${event.payload.column.id}" already exists; a column is added once.`
        : null;
    case "column.updated":
    case "column.moved":
      return missingColumn(event.payload.columnId);
    case "column.removed": {
      const { columnId, targetColumnId, moves } = event.payload;
      return (
        missingColumn(columnId) ??
        (targetColumnId === null ? null : missingColumn(targetColumnId)) ??
        moves.map((m) => missingTask(m.key)).find((p) => p !== null) ??
        null
      );
    }
    case "task.created": {
      const { key, number, columnId } = event.payload.task;
      if (key !== `${board.key}-${number}`) {
        return `task ${key} does not follow the board's key: task number ${number} of board ${board.key} is ${board.key}-${number}.`;
      }
      if (state.tasks[key] || number < state.nextNumber) {
        return `task ${key} was created before; task numbers are never reused (the next one is ${state.nextNumber}).`;
      }
      return missingColumn(columnId);
    }
    case "task.moved":
      return missingColumn(event.payload.toColumnId);
    case "comment.added":
      return state.comments[event.payload.commentId]
        ? `comment ${event.payload.commentId} already exists; a comment is added once.`
        : null;
    case "comment.edited":
    case "comment.deleted":
      return state.comments[event.payload.commentId]
        ? null
        : `${event.type} names comment ${event.payload.commentId}, which does not exist at this point of the log.`;
    case "worklog.added":
      return state.worklogs[event.payload.worklogId]
        ? `worklog ${event.payload.worklogId} already exists; a worklog is added once.`
        : null;
    case "worklog.edited":
    case "worklog.deleted":
      return state.worklogs[event.payload.worklogId]?.taskKey === event.payload.key
        ? null
        : `${event.type} names worklog ${event.payload.worklogId} of ${event.payload.key}, which does not exist at this point of the log.`;
    case "member.added":
      return state.members[event.payload.userId]
        ? `${event.payload.userId} is already a member of the board; a member is added once.`
        : null;
    case "member.roleChanged":
    case "member.removed":
      return state.members[event.payload.userId]
        ? null
        : `${event.type} names ${event.payload.userId}, who is not a member at this point of the log.`;
    default:
      return null;
  }
}

// ---- import -----------------------------------------------------------------

export interface Rebrand {
  /** The new board's id: an imported board never takes the id of the one it came from. */
  boardId: string;
  /** A new task-key prefix: WEB-12 becomes NEW-12 wherever the log names it. */
  key?: string | undefined;
  /** A new name for the board. */
  name?: string | undefined;
}

/** Who imports, and when: the author of the facts the import itself adds. */
export interface ImportStamp {
  /** Unique per import; each added fact's opId is derived from it. */
  opId: string;
  actor: string;
  actorName: string;
  at: string;
}

/**
 * The log as the new board records it: its id, and the new key and name where
 * given. A new name is written into board.created when the log never renames the
 * board; when it does, the renames stay as they happened and a board.renamed is
 * added at the end, so the history reads true. Whoever imports owns the new board
 * (as whoever creates one does): if the log does not already say so, a
 * member.added or member.roleChanged by the importer is added too. Access is not
 * carried over: everyone else the log lists as a member is removed (a
 * member.removed by the importer each), so an import can never put a board in
 * someone's list; the new owner adds people again. Those added facts are the only
 * events the log did not hold.
 */
export function rebrandLog(log: BoardLog, to: Rebrand, stamp: ImportStamp): StoredEvent[] {
  const board = log.state.board;
  if (!board) throw new Error("a read log always holds its board");
  const renamed = log.events.some((e) => e.type === "board.renamed");
  const rebrand = rebrander(board.key, renamed, to, stamp);
  return [...log.events.map(rebrand.event), ...rebrand.closing(log.state)];
}

/**
 * `rebrandLog` an event at a time, for a log read as it arrives: `key` is the log's
 * task-key prefix, `renamed` whether the log renames the board (a reader that has
 * not seen the whole log yet can tell from its header, which names the board as it
 * was last called). `closing` gives the facts the import adds after the last event.
 */
export function rebrander(
  key: string,
  renamed: boolean,
  to: Rebrand,
  stamp: ImportStamp,
): {
  event(event: StoredEvent): StoredEvent;
  /** `renamedInLog`: whether the log turned out to rename the board. */
  closing(state: BoardState, renamedInLog?: boolean): StoredEvent[];
} {
  const rewriteKeys = to.key !== undefined && to.key !== key ? keyRewriter(key, to.key) : null;
  return {
    event(event) {
      const payload = rewriteKeys ? (rewriteKeys(event.payload) as Record<string, unknown>) : event.payload;
      if (event.type !== "board.created") return rewriteKeys ? { ...event, payload } : event;
      return {
        ...event,
        payload: {
          ...payload,
          boardId: to.boardId,
          ...(to.key === undefined ? {} : { key: to.key }),
          ...(to.name === undefined || renamed ? {} : { name: to.name }),
        },
      };
    },
    closing(state, renamedInLog = renamed) {
      const board = state.board;
      if (!board) throw new Error("a read log always holds its board");
      const added: EventBody[] = [];
      const importer = state.members[stamp.actor];
      if (!importer) {
        added.push({ type: "member.added", payload: { userId: stamp.actor, name: stamp.actorName, role: "owner" } });
      } else if (importer.role !== "owner") {
        added.push({
          type: "member.roleChanged",
          payload: { userId: stamp.actor, role: "owner", previousRole: importer.role },
        });
      }
      for (const member of Object.values(state.members)) {
        if (member.userId === stamp.actor) continue;
        added.push({ type: "member.removed", payload: { userId: member.userId, previousRole: member.role } });
      }
      // The name the new board has after the log: its own last one, unless the new name went into board.created.
      const lastName = renamed || renamedInLog ? board.name : (to.name ?? board.name);
      if (to.name !== undefined && lastName !== to.name) {
        added.push({ type: "board.renamed", payload: { name: to.name, previousName: lastName } });
      }
      return added.map(
        (fact, i): StoredEvent => ({
          seq: state.seq + i + 1,
          opId: `${stamp.opId}:${i}:${fact.type}`,
          actor: stamp.actor,
          at: stamp.at,
          type: fact.type,
          v: EVENT_VERSIONS[fact.type],
          payload: fact.payload,
        }),
      );
    },
  };
}

/**
 * Replaces every string that is exactly a task key of the old board (WEB-12) with
 * the same number under the new key. A generic walk, so a field added to a future
 * event version is rewritten without touching this function.
 */
function keyRewriter(from: string, to: string): (value: unknown) => unknown {
  const taskKey = new RegExp(`^${from}-\\d+$`);
  const walk = (value: unknown): unknown => {
    if (typeof value === "string") return taskKey.test(value) ? `${to}${value.slice(from.length)}` : value;
    if (Array.isArray(value)) return value.map(walk);
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  return walk;
}
