import { batch } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import type { Comment, Worklog } from "../../../src/domain/model";
import type { HistoryEntry } from "../../../src/domain/views";
import { api } from "../api";
import { boardsStore, change } from "./boards";

// What the task drawer shows beyond the live board: comments and worklogs (the live
// snapshot carries neither) and the task's history with the refused attempts.
// Reloaded whenever the board moves on while the drawer is open, and whenever a
// change of this person's is confirmed or refused.

interface TaskDetailState {
  key: string | null;
  comments: Comment[];
  worklogs: Worklog[];
  history: HistoryEntry[];
  loadedAtSeq: number;
  error: string | null;
}

const [state, setState] = createStore<TaskDetailState>({
  key: null,
  comments: [],
  worklogs: [],
  history: [],
  loadedAtSeq: -1,
  error: null,
});

export const taskDetailStore = state;

/**
 * This person's edits and deletions of comments and worklogs, shown at once while they
 * wait for the board (offline, they may wait long). A load made when nothing is waiting
 * any more brings the board's own copy, confirmed or refused, and they are dropped.
 */
type Overlay =
  | { kind: "comment"; id: string; body: string | null; at: string }
  | { kind: "worklog"; id: string; changes: Partial<Worklog> | null };
let overlays: Overlay[] = [];

function overlaid(comments: Comment[], worklogs: Worklog[]): Pick<TaskDetailState, "comments" | "worklogs"> {
  for (const o of overlays) {
    if (o.kind === "comment") {
      comments =
        o.body === null
          ? comments.filter((c) => c.id !== o.id)
          : comments.map((c) => (c.id === o.id ? { ...c, body: o.body ?? c.body, editedAt: o.at } : c));
    } else {
      worklogs =
        o.changes === null
          ? worklogs.filter((w) => w.id !== o.id)
          : worklogs.map((w) => (w.id === o.id ? { ...w, ...o.changes } : w));
    }
  }
  return { comments, worklogs };
}

/**
 * Kept by id, so a comment or worklog someone is editing stays the same item (and its
 * editor stays open) however often the list reloads.
 */
function show(list: Pick<TaskDetailState, "comments" | "worklogs">): void {
  setState("comments", reconcile(list.comments, { key: "id" }));
  setState("worklogs", reconcile(list.worklogs, { key: "id" }));
}

function overlay(entry: Overlay): void {
  overlays.push(entry);
  show(overlaid([...state.comments], [...state.worklogs]));
}

let loads = 0;

export async function loadTaskDetail(boardId: string, key: string, seq: number): Promise<void> {
  if (state.key !== key) {
    overlays = [];
    setState({ key, comments: [], worklogs: [], history: [], loadedAtSeq: -1, error: null });
  }
  const ticket = ++loads;
  try {
    const [task, worklogs, history] = await Promise.all([
      api.task(boardId, key),
      api.worklogs(boardId, key),
      api.history(boardId, key),
    ]);
    // An older load answering late must not undo a newer one.
    if (state.key !== key || ticket !== loads) return;
    if (boardsStore.live.pending === 0) overlays = [];
    batch(() => {
      show(overlaid(task.comments, worklogs.worklogs));
      setState({ history: history.entries, loadedAtSeq: seq, error: null });
    });
  } catch (error) {
    if (state.key === key && ticket === loads) setState("error", (error as Error).message);
  }
}

export function closeTaskDetail(): void {
  overlays = [];
  setState({ key: null, comments: [], worklogs: [], history: [], loadedAtSeq: -1, error: null });
}

/** Sends the change, checked against the comment as loaded; false when it was refused at once (a toast says why). */
export function editComment(comment: Comment, body: string): boolean {
  const opId = change({ type: "editComment", commentId: comment.id, body }, { comments: [comment] });
  if (opId === null) return false;
  if (opId !== "") overlay({ kind: "comment", id: comment.id, body, at: new Date().toISOString() });
  return true;
}

export function deleteComment(comment: Comment): boolean {
  const opId = change({ type: "deleteComment", commentId: comment.id }, { comments: [comment] });
  if (opId === null) return false;
  if (opId !== "") overlay({ kind: "comment", id: comment.id, body: null, at: new Date().toISOString() });
  return true;
}

export interface WorklogEdit {
  timeSpent?: string;
  /** Shown at once, before the board has parsed `timeSpent` itself. */
  timeSpentSeconds?: number;
  startedAt?: string;
  comment?: string;
}

export function editWorklog(worklog: Worklog, edit: WorklogEdit): boolean {
  const { timeSpentSeconds, ...fields } = edit;
  const opId = change({ type: "editWorklog", worklogId: worklog.id, ...fields }, { worklogs: [worklog] });
  if (opId === null) return false;
  if (opId !== "") {
    const changes: Partial<Worklog> = {};
    if (timeSpentSeconds !== undefined) changes.timeSpentSeconds = timeSpentSeconds;
    if (edit.startedAt !== undefined) changes.startedAt = new Date(edit.startedAt).toISOString();
    if (edit.comment !== undefined) changes.comment = edit.comment;
    changes.updatedAt = new Date().toISOString();
    overlay({ kind: "worklog", id: worklog.id, changes });
  }
  return true;
}

export function deleteWorklog(worklog: Worklog, adjust: "auto" | "leave" = "auto"): boolean {
  const opId = change(
    { type: "deleteWorklog", worklogId: worklog.id, ...(adjust === "auto" ? {} : { adjust: { mode: adjust } }) },
    { worklogs: [worklog] },
  );
  if (opId === null) return false;
  if (opId !== "") overlay({ kind: "worklog", id: worklog.id, changes: null });
  return true;
}
