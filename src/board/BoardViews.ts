import { DurableObject } from "cloudflare:workers";
import type { DomainError } from "../domain/errors";
import type { BoardEvent } from "../domain/events";
import { replay } from "../domain/evolve";
import { type Column, orderedColumns, type Sprint, type Worklog } from "../domain/model";
import { type Timesheet, timesheet } from "../domain/timesheet";
import {
  backlogOf,
  commentsOf,
  findTasks,
  type HistoryEntry,
  historyOf,
  type Snapshot,
  snapshotOf,
  snapshotWithColumns,
  sprintsOf,
  sprintView,
  type TaskFilter,
  type TaskView,
  taskView,
  worklogsOf,
} from "../domain/views";
import { SqliteBoardStore } from "./SqliteBoardStore";

/**
 * What a board answers without changing: its snapshot, tasks, sprints, backlog,
 * time, log and a task's history, each read from the state its store keeps.
 * `BoardRoom` (./BoardRoom.ts) is this and the board's commands, sockets and alarm;
 * over RPC the Worker sees one object.
 */
export abstract class BoardViews extends DurableObject<Env> {
  protected readonly store: SqliteBoardStore;
  /** The last snapshot's JSON (see snapshotJson). */
  private lastSnapshot: { seq: number; form: string; json: string } | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new SqliteBoardStore(ctx.storage.sql, ctx.storage);
  }

  snapshot(options: { stamps?: boolean } = {}): Snapshot | null {
    const state = this.store.state;
    return state.board ? snapshotOf(state, options) : null;
  }

  /**
   * The snapshot as the JSON the API sends, null for a board that is not there. The
   * last one made is kept until the next event: everyone who opens the board in
   * between gets the same text, and a large board crosses to the Worker as one
   * string instead of thousands of objects.
   */
  snapshotJson(options: { stamps?: boolean; columns?: boolean } = {}): { seq: number; json: string } | null {
    const state = this.store.state;
    if (!state.board) return null;
    const form = `${options.stamps !== false}/${options.columns === true}`;
    const kept = this.lastSnapshot;
    if (kept?.seq === state.seq && kept.form === form) return kept;
    const snapshot = options.columns ? snapshotWithColumns(state, options) : snapshotOf(state, options);
    this.lastSnapshot = { seq: state.seq, form, json: JSON.stringify(snapshot) };
    return this.lastSnapshot;
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
    return task ? { seq: state.seq, task: taskView(state, task), comments: commentsOf(state, key) } : null;
  }

  sprints(): { seq: number; sprints: Sprint[] } {
    return { seq: this.store.state.seq, sprints: sprintsOf(this.store.state) };
  }

  sprint(id: string): { seq: number; sprint: ReturnType<typeof sprintView> } | null {
    const state = this.store.state;
    const sprint = state.sprints[id];
    return sprint ? { seq: state.seq, sprint: sprintView(state, sprint) } : null;
  }

  backlog(): { seq: number; tasks: TaskView[] } {
    return { seq: this.store.state.seq, tasks: backlogOf(this.store.state) };
  }

  timesheet(query: { userId?: string; from: string; to: string; timeZone: string }): {
    seq: number;
    sheet: Timesheet | null;
    error: Pick<DomainError, "code" | "kind" | "message"> | null;
  } {
    const sheet = timesheet(this.store.state, query);
    const seq = this.store.state.seq;
    if (!("code" in sheet)) return { seq, sheet, error: null };
    return { seq, sheet: null, error: { code: sheet.code, kind: sheet.kind, message: sheet.message } };
  }

  worklogs(key: string): { seq: number; worklogs: Worklog[] } | null {
    const state = this.store.state;
    return state.tasks[key] ? { seq: state.seq, worklogs: worklogsOf(state, key) } : null;
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

  /** Storage figures for the board's owners and the benchmark. */
  diagnostics() {
    return this.store.diagnostics();
  }
}
