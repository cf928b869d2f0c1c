/// <reference types="node" />
// npm run replay -- <file.ndjson> [--to SEQ] [--task KEY]
//
// Folds an exported board log (GET /api/v1/boards/:boardId/export) on your machine
// with the same `evolve` the board runs, and prints the board, or one task and its
// history, as it was right after event SEQ. The file is checked exactly as an import
// checks it (src/domain/boardLog.ts); a bare list of events without the header line
// is read too. Exit code 1: the file is wrong; 2: the command line is.

import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { type BoardLog, BoardLogError, readBoardLog } from "../src/domain/boardLog";
import { type BoardEvent, upcast } from "../src/domain/events";
import { evolve, noneTouched } from "../src/domain/evolve";
import { type BoardState, emptyState, orderedColumns, type Task, tasksInColumn } from "../src/domain/model";
import { commentsOf, type HistoryEntry, historyOf } from "../src/domain/views";

/** Exit 2: the command line asks for something this log cannot answer. */
class UsageError extends Error {}
/** Exit 1: the file is not a board log this build can fold. */
class BadFile extends Error {}

const USAGE = "usage: npm run replay -- <file.ndjson> [--to SEQ] [--task KEY]";

function main(argv: string[]): string {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { to: { type: "string" }, task: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) return USAGE;
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw new UsageError("give exactly one log file");

  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let log: BoardLog;
  try {
    log = readBoardLog(text, { requireHeader: false, requireLiveBoard: false });
  } catch (error) {
    if (error instanceof BoardLogError) throw new BadFile(`${file}: ${error.message}`);
    throw error;
  }
  const last = log.state.seq;
  const to = values.to === undefined ? last : Number(values.to);
  if (!Number.isInteger(to) || to < 1 || to > last) {
    throw new UsageError(`--to takes a seq from 1 to ${last}, the last event of this log; got ${values.to}`);
  }

  // Fold up to `to`, remembering which events concerned the task, as the board's own event_tasks table does.
  const state = emptyState();
  const concerning: BoardEvent[] = [];
  for (const stored of log.events) {
    if (stored.seq > to) break;
    const event = upcast(stored);
    const touched = noneTouched();
    evolve(state, event, touched);
    if (values.task !== undefined && (touched.tasks.has(values.task) || payloadKey(event) === values.task)) {
      concerning.push(event);
    }
  }

  if (values.task === undefined) return printBoard(state, log, to);
  if (concerning.length === 0) {
    throw new UsageError(`there is no task ${values.task} in this log up to seq ${to}`);
  }
  return printTask(state, values.task, concerning, log, to);
}

function payloadKey(event: BoardEvent): string | undefined {
  return "key" in event.payload ? event.payload.key : undefined;
}

function title(state: BoardState, log: BoardLog, to: number): string {
  const board = state.board;
  const name = board ? `${board.name} (${board.key})` : "(no board)";
  const at = log.events[to - 1]?.at ?? "";
  return `${name} · ${board?.mode ?? "?"} · seq ${to} of ${log.state.seq} · ${at}`;
}

function printBoard(state: BoardState, log: BoardLog, to: number): string {
  const out = [title(state, log, to)];
  if (state.board?.deletedAt) out.push(`deleted at ${state.board.deletedAt}`);
  const tasks = Object.values(state.tasks);
  const keyWidth = Math.max(0, ...tasks.map((t) => t.key.length));
  for (const column of orderedColumns(state)) {
    const shown = tasksInColumn(state, column.id);
    const wip = column.wipLimit === null ? "" : ` · WIP ${column.wipLimit} (${column.wipMode})`;
    out.push("", `${column.name} [${column.id}] · ${column.category}${wip} · ${count(shown.length, "task")}`);
    for (const task of shown) out.push(taskLine(task, keyWidth));
  }
  const archived = tasks.filter((t) => t.archivedAt !== null).sort((a, b) => a.number - b.number);
  if (archived.length > 0) {
    out.push("", `Archived · ${count(archived.length, "task")}`);
    for (const task of archived) out.push(taskLine(task, keyWidth));
  }
  const members = Object.values(state.members).map((m) => `${m.userId} (${m.role})`);
  out.push("", `Members: ${members.join(", ")}`);
  return out.join("\n");
}

function taskLine(task: Task, keyWidth: number): string {
  const parts = [
    `  ${task.key.padEnd(keyWidth)}  ${task.title}`,
    task.assigneeId ? `@${task.assigneeId}` : "unassigned",
  ];
  if (task.labels.length > 0) parts.push(task.labels.map((l) => `#${l}`).join(" "));
  return parts.join("  ·  ");
}

function printTask(state: BoardState, key: string, events: BoardEvent[], log: BoardLog, to: number): string {
  const out = [title(state, log, to), ""];
  const task = state.tasks[key];
  if (task) {
    const column = state.columns[task.columnId];
    out.push(`${task.key}  ${task.title}`);
    const fields: [string, unknown][] = [
      ["type", task.type],
      ["column", column ? `${column.name} [${column.id}]` : task.columnId],
      ["priority", task.priority],
      ["assignee", task.assigneeId],
      ["reporter", task.reporterId],
      ["labels", task.labels],
      ["watchers", task.watchers],
      ["story points", task.storyPoints],
      ["parent", task.parentKey],
      ["due date", task.dueDate],
      ["created", task.createdAt],
      ["updated", task.updatedAt],
      ["resolved", task.resolvedAt],
      ["archived", task.archivedAt],
      ["description", task.description],
    ];
    for (const [name, value] of fields) out.push(`  ${name.padEnd(12)}  ${show(value)}`);
    const comments = commentsOf(state, key);
    out.push("", `Comments · ${comments.length}`);
    for (const c of comments) out.push(`  ${c.createdAt}  ${c.authorId}: ${c.body}${c.editedAt ? " (edited)" : ""}`);
  } else {
    const gone = events.at(-1);
    out.push(`${key} does not exist at seq ${to}: it was deleted at seq ${gone?.seq ?? "?"}.`);
  }
  out.push("", `History up to seq ${to}`);
  for (const entry of historyOf(key, events, [])) out.push(historyLine(entry));
  return out.join("\n");
}

function historyLine(entry: HistoryEntry): string {
  const changes = entry.changes.map((c) => `${c.field}: ${show(c.from)} → ${show(c.to)}`).join("; ");
  return `  seq ${String(entry.seq).padEnd(4)}  ${entry.at}  ${entry.actor}  ${entry.type}${changes ? `  ${changes}` : ""}`;
}

function show(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (Array.isArray(value)) return value.length === 0 ? "—" : value.map((v) => show(v)).join(", ");
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

try {
  process.stdout.write(`${main(process.argv.slice(2))}\n`);
} catch (error) {
  if (error instanceof BadFile) {
    process.stderr.write(`replay: ${error.message}\n`);
    process.exit(1);
  }
  if (error instanceof UsageError || (error instanceof TypeError && "code" in error)) {
    process.stderr.write(`replay: ${error.message}\n${USAGE}\n`);
    process.exit(2);
  }
  throw error;
}
