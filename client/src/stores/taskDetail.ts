import { createStore } from "solid-js/store";
import type { Comment, Worklog } from "../../../src/domain/model";
import type { HistoryEntry } from "../../../src/domain/views";
import { api } from "../api";

// What the task drawer shows beyond the live board: comments and worklogs (the live
// snapshot carries neither) and the task's history with the refused attempts.
// Reloaded whenever the board moves on while the drawer is open.

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

export async function loadTaskDetail(boardId: string, key: string, seq: number): Promise<void> {
  if (state.key !== key) setState({ key, comments: [], worklogs: [], history: [], loadedAtSeq: -1, error: null });
  try {
    const [task, worklogs, history] = await Promise.all([
      api.task(boardId, key),
      api.worklogs(boardId, key),
      api.history(boardId, key),
    ]);
    if (state.key !== key) return;
    setState({
      comments: task.comments,
      worklogs: worklogs.worklogs,
      history: history.entries,
      loadedAtSeq: seq,
      error: null,
    });
  } catch (error) {
    if (state.key === key) setState("error", (error as Error).message);
  }
}

export function closeTaskDetail(): void {
  setState({ key: null, comments: [], worklogs: [], history: [], loadedAtSeq: -1, error: null });
}
