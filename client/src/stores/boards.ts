import { createStore } from "solid-js/store";
import { tasksInColumn } from "../../../src/domain/model";
import type { Snapshot } from "../../../src/domain/views";
import { api, type BoardSummary } from "../api";

// Which boards there are and the one on screen, as loaded from the server.

interface BoardsState {
  boards: BoardSummary[];
  current: Snapshot | null;
  loading: boolean;
  error: string | null;
}

const [state, setState] = createStore<BoardsState>({ boards: [], current: null, loading: true, error: null });

export const boardsStore = state;

export async function loadBoards(): Promise<void> {
  try {
    const { boards } = await api.boards();
    setState({ boards, loading: false, error: null });
    const first = boards[0];
    if (first && !state.current) await openBoard(first.id);
  } catch (error) {
    setState({ loading: false, error: (error as Error).message });
  }
}

export async function openBoard(boardId: string): Promise<void> {
  try {
    setState("current", await api.snapshot(boardId));
  } catch (error) {
    setState("error", (error as Error).message);
  }
}

/** The cards a column shows, top to bottom. */
export function cardsOf(snapshot: Snapshot, columnId: string) {
  const tasks = Object.fromEntries(snapshot.tasks.map((t) => [t.key, t]));
  const columns = Object.fromEntries(snapshot.columns.map((c) => [c.id, c]));
  return tasksInColumn(
    { seq: snapshot.seq, board: snapshot.board, nextNumber: 0, columns, tasks, comments: {}, members: {} },
    columnId,
  );
}
