import { DurableObject } from "cloudflare:workers";
import type { CommandEnvelope } from "../domain/commands";
import type { BoardEvent } from "../domain/events";
import { replay } from "../domain/evolve";
import { type Column, orderedColumns } from "../domain/model";
import {
  commentsOf,
  findTasks,
  type HistoryEntry,
  historyOf,
  type Snapshot,
  snapshotOf,
  type TaskFilter,
  type TaskView,
  taskView,
} from "../domain/views";
import { type CommandResult, executeCommand } from "./engine";
import { SqliteBoardStore } from "./SqliteBoardStore";

/**
 * One board. A Durable Object because a board needs exactly one writer: every
 * command for the board is decided here, one at a time, against the state the
 * previous command left, and appended to this object's SQLite log in the same
 * synchronous transaction that updates the board's tables. The Worker in front
 * has already checked who is asking and what they may do; this object trusts it.
 */
export class BoardRoom extends DurableObject<Env> {
  private readonly store: SqliteBoardStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new SqliteBoardStore(ctx.storage.sql, ctx.storage);
  }

  /**
   * Runs one command as `actor`, and reads back the task it concerns so a REST
   * write answers in one round trip. The time is the board's: commands are ordered here.
   */
  command(envelope: CommandEnvelope, actor: string): { result: CommandResult; task: TaskView | null } {
    const result = executeCommand(this.store, envelope, { actor, at: new Date().toISOString() });
    const key = subjectTask(envelope, result);
    const task = key === null ? undefined : this.store.state.tasks[key];
    return { result, task: task ? taskView(task) : null };
  }

  snapshot(): Snapshot | null {
    const state = this.store.state;
    return state.board ? snapshotOf(state) : null;
  }

  columns(): { seq: number; columns: Column[] } {
    return { seq: this.store.state.seq, columns: orderedColumns(this.store.state) };
  }

  tasks(filter: TaskFilter): { seq: number; tasks: TaskView[] } {
    return { seq: this.store.state.seq, tasks: findTasks(this.store.state, filter) };
  }

  task(key: string): { seq: number; task: TaskView; comments: ReturnType<typeof commentsOf> } | null {
    const state = this.store.state;
    const task = state.tasks[key];
    return task ? { seq: state.seq, task: taskView(task), comments: commentsOf(state, key) } : null;
  }

  events(after: number, limit: number): { events: BoardEvent[]; seq: number } {
    return { events: this.store.events(after, limit), seq: this.store.state.seq };
  }

  /** The board as it was right after event `seq`, folded from the log. */
  stateAt(seq: number): Snapshot {
    return snapshotOf(replay(this.store.eventsUpTo(seq)));
  }

  history(key: string): HistoryEntry[] | null {
    const { events, attempts } = this.store.taskTrail(key);
    if (events.length === 0 && attempts.length === 0) return null;
    return historyOf(key, events, attempts);
  }
}

/** The task a command is about: the one it names, or the one it created. */
function subjectTask(envelope: CommandEnvelope, result: CommandResult): string | null {
  if ("key" in envelope.command) return envelope.command.key;
  if (result.status === "applied" && result.event.type === "task.created") return result.event.payload.task.key;
  return null;
}
