import { createStore } from "solid-js/store";
import type { BoardState } from "../../../src/domain/model";
import { api, type LoggedEvent } from "../api";
import { boardStateFromSnapshot } from "../sync/boardMessages";
import { toast } from "./toasts";

// The board as it was after any event of its log: the events to choose from, and the
// replayed board the server answers for the chosen one (GET …/state?at=SEQ).

interface TimeTravelState {
  boardId: string | null;
  events: LoggedEvent[];
  /** The seq on screen; null: live. */
  at: number | null;
  past: BoardState | null;
  loading: boolean;
}

const [state, setState] = createStore<TimeTravelState>({
  boardId: null,
  events: [],
  at: null,
  past: null,
  loading: false,
});

export const timeTravelStore = state;

const PAGE = 1000;
/** The slider covers the latest this many events; older ones are reached through the API. */
const MAX_EVENTS = 5000;

export async function loadEvents(boardId: string): Promise<void> {
  setState({ boardId, loading: true });
  try {
    const events: LoggedEvent[] = [];
    let after = 0;
    for (;;) {
      const page = await api.events(boardId, after, PAGE);
      events.push(...page.events);
      if (page.nextAfter === null || events.length >= MAX_EVENTS) break;
      after = page.nextAfter;
    }
    if (state.boardId === boardId) setState({ events, loading: false });
  } catch (error) {
    setState("loading", false);
    toast(`The board's history could not be loaded: ${(error as Error).message}`);
  }
}

export async function showPast(boardId: string, at: number): Promise<void> {
  setState({ boardId, at, loading: true });
  try {
    const snapshot = await api.stateAt(boardId, at);
    const past = boardStateFromSnapshot(snapshot.seq, snapshot);
    if (state.at === at) setState({ past, loading: false });
  } catch (error) {
    setState("loading", false);
    toast(`The board at event ${at} could not be shown: ${(error as Error).message}`);
  }
}

export function leavePast(): void {
  setState({ at: null, past: null, events: [], boardId: null });
}
