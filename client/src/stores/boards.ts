import { createStore, reconcile } from "solid-js/store";
import { shownInColumn } from "../../../src/domain/model";
import type { PresenceEntry } from "../../../src/domain/protocol";
import { type Snapshot, snapshotOf } from "../../../src/domain/views";
import { api, type BoardSummary } from "../api";
import { browserTransport } from "../sync/browserTransport";
import { indexedDbPendingStore } from "../sync/indexedDbPendingStore";
import {
  type ClientCommand,
  type ConflictReport,
  type FailureReport,
  SyncEngine,
  type SyncStatus,
} from "../sync/SyncEngine";
import { sessionStore } from "./session";

// Which boards there are and the one on screen: loaded over REST (so the board shows
// at once), then kept live by the sync engine, whose view (confirmed + pending) replaces
// it with every change.

interface BoardsState {
  boards: BoardSummary[];
  current: Snapshot | null;
  loading: boolean;
  error: string | null;
  /** The live connection of the board on screen: its state, the changes refused, who else is here. */
  live: {
    status: SyncStatus;
    pending: number;
    conflicts: ConflictReport[];
    failures: FailureReport[];
    presence: PresenceEntry[];
  };
}

const [state, setState] = createStore<BoardsState>({
  boards: [],
  current: null,
  loading: true,
  error: null,
  live: { status: "idle", pending: 0, conflicts: [], failures: [], presence: [] },
});

export const boardsStore = state;

let engine: SyncEngine | null = null;

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
  engine?.stop();
  engine = null;
  try {
    setState("current", await api.snapshot(boardId));
  } catch (error) {
    setState("error", (error as Error).message);
    return;
  }
  goLive(boardId);
}

/** Changes the board on screen: shown at once, sent in order, reported in `live` if refused. */
export function change(command: ClientCommand): string | null {
  return engine?.submit(command) ?? null;
}

function goLive(boardId: string): void {
  const userId = sessionStore.user?.id ?? "";
  const live = new SyncEngine({
    transport: browserTransport(boardId),
    pendingStore: indexedDbPendingStore(boardId, userId),
    actor: { userId, role: "member" },
    sendLarge: (message) => api.sendCommand(boardId, message),
  });
  engine = live;
  live.subscribe(() => {
    if (engine !== live) return;
    const board = live.state;
    if (board) setState("current", reconcile(snapshotOf(board)));
    setState("live", {
      status: live.status,
      pending: live.pending.length,
      conflicts: [...live.conflicts],
      failures: [...live.failures],
      presence: [...live.presence],
    });
  });
  void live.start();
}

// Back online: no need to wait out the backoff.
if (typeof window !== "undefined") window.addEventListener("online", () => engine?.reconnectNow());

/** The cards a column shows, top to bottom. */
export function cardsOf(snapshot: Snapshot, columnId: string) {
  return shownInColumn(snapshot.tasks, columnId);
}
