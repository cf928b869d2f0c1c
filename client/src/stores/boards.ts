import { batch } from "solid-js";
import { $RAW, createStore, reconcile, unwrap } from "solid-js/store";
import { decide } from "../../../src/domain/decide";
import type { FieldConflict } from "../../../src/domain/errors";
import type { BoardState, Comment, Role, Worklog } from "../../../src/domain/model";
import type { PresenceEntry } from "../../../src/domain/protocol";
import { ApiFailure, api, type BoardSummary } from "../api";
import { dropEarlySocket, type EarlySocket, earlySocket } from "../boot";
import { boardStateFromSnapshot } from "../sync/boardMessages";
import { browserTransport } from "../sync/browserTransport";
import { indexedDbPendingStore } from "../sync/indexedDbPendingStore";
import { nothingChanged, ROW_KINDS, type RowKind, type ViewChanges } from "../sync/OptimisticView";
import { plainCopy } from "../sync/plainCopy";
import { type ClientCommand, type PresenceActivity, SyncEngine, type SyncStatus } from "../sync/SyncEngine";
import { sessionStore } from "./session";
import { toast } from "./toasts";

// Which boards there are and the one on screen: loaded over REST (so the board shows
// at once), then kept live by the sync engine, whose view (confirmed + pending)
// replaces it with every change.

/** A change the board refused because someone changed the same field first, as the dialog shows it. */
export interface ConflictView {
  opId: string;
  command: ClientCommand;
  conflicts: FieldConflict[];
}

interface BoardsState {
  boards: BoardSummary[];
  boardsLoaded: boolean;
  /** The board on screen, as this person sees it (their pending changes included). */
  board: BoardState | null;
  /**
   * Goes up with every change of `board`. Screens that read all of a large board's
   * tasks at once (columns, filters) read them past the store's proxies with
   * `rowsOf` and depend on this instead: tracking 5,000 tasks field by field cost
   * more than recomputing a column.
   */
  boardVersion: number;
  boardId: string | null;
  loading: boolean;
  error: string | null;
  live: {
    status: SyncStatus;
    pending: number;
    conflicts: ConflictView[];
    presence: PresenceEntry[];
    role: Role;
  };
}

const [state, setState] = createStore<BoardsState>({
  boards: [],
  boardsLoaded: false,
  board: null,
  boardVersion: 0,
  boardId: null,
  loading: false,
  error: null,
  live: { status: "idle", pending: 0, conflicts: [], presence: [], role: "viewer" },
});

export const boardsStore = state;

let engine: SyncEngine | null = null;

let loadingBoards: Promise<void> | null = null;

/**
 * Loads the list of boards; callers at the same time share one request. The board
 * on screen does not wait for it, so a failure here is said in a toast, and `error`
 * stays the board's.
 */
export function loadBoards(): Promise<void> {
  loadingBoards ??= api.boards().then(
    ({ boards }) => {
      loadingBoards = null;
      setState({ boards, boardsLoaded: true });
    },
    (error) => {
      loadingBoards = null;
      setState({ boardsLoaded: true });
      toast(`Your projects could not be loaded: ${(error as Error).message}`);
    },
  );
  return loadingBoards;
}

export async function createBoard(input: { name: string; key: string; mode: "kanban" | "scrum" }): Promise<boolean> {
  try {
    const { board } = await api.createBoard(input);
    setState("boards", (list) => [...list, board]);
    return true;
  } catch (error) {
    toast((error as Error).message);
    return false;
  }
}

/** The key of the board being opened, until its snapshot is on screen. */
let opening: string | null = null;

/**
 * Shows the board with this key (WEB): its last state at once, then live. The
 * snapshot is asked for by the key, so nothing waits for the list of boards, and on
 * a board's address the page's first script has already asked (boot.ts). Whether
 * this person may see it is the server's answer: a board that is not theirs and
 * one that does not exist are the same 404.
 */
export async function openBoardByKey(key: string): Promise<void> {
  if (opening === key || (state.board?.board?.key === key && !opening)) return;
  // Taken before closeBoard, which closes an early socket nobody took.
  const early = earlySocket(key);
  closeBoard();
  opening = key;
  setState({ loading: true, error: null });
  try {
    const snapshot = await api.snapshot(key);
    if (opening !== key) {
      early?.socket.close(1000);
      return;
    }
    const board = boardStateFromSnapshot(snapshot.seq, snapshot);
    if (!board?.board) throw new Error("This board cannot be shown by this version of Lanes; reload the page.");
    const boardId = board.board.id;
    opening = null;
    const me = sessionStore.user?.id ?? "";
    const role = board.members[me]?.role ?? "viewer";
    // Live first: the connection opens (or, opened early, says hello) before the board is
    // drawn, and the board answers meanwhile. The engine gets its own copy.
    const live = goLive(boardId, plainCopy(board), role, early);
    await Promise.resolve();
    if (engine !== live) return;
    setState({
      board: plainAlready(board),
      boardId,
      boardVersion: state.boardVersion + 1,
      loading: false,
      live: { ...state.live, role },
    });
  } catch (error) {
    early?.socket.close(1000);
    if (opening !== key) return;
    opening = null;
    const hidden = error instanceof ApiFailure && error.status === 404;
    setState({
      loading: false,
      error: hidden ? `There is no board ${key} you can see; pick one from your projects.` : (error as Error).message,
    });
  }
}

/**
 * Marks a board fresh from JSON as holding no store proxies, the mark the store's
 * own proxies answer with: setting it then skips the walk over every row and field
 * that looks for proxies to take out (a tenth of a second on a 5,000-task board).
 */
function plainAlready(board: BoardState): BoardState {
  Object.defineProperty(board, $RAW, { value: board });
  return board;
}

export function closeBoard(): void {
  opening = null;
  dropEarlySocket();
  engine?.stop();
  engine = null;
  setState({
    board: null,
    boardId: null,
    live: { status: "idle", pending: 0, conflicts: [], presence: [], role: "viewer" },
  });
}

/**
 * Changes the board on screen: checked here by the board's own rules first (a full
 * column with a hard WIP limit, a viewer's edit), so a refusal is said at once and
 * nothing moves; then shown at once, sent in order, and any later refusal reported.
 */
export function change(command: ClientCommand, known?: KnownRecords): string | null {
  const board = state.board;
  if (!engine || !board) return null;
  const userId = sessionStore.user?.id ?? "";
  const seq = board.seq + 1;
  const decision = decide(known ? withKnown(board, known) : board, command, {
    actor: userId,
    role: state.live.role,
    at: new Date().toISOString(),
    seq,
    baseSeq: seq,
  });
  if (decision.kind === "error") {
    toast(decision.error.message);
    return null;
  }
  // Nothing would change: nothing to send, but not a refusal either.
  if (decision.kind === "unchanged") return "";
  return engine.submit(command);
}

/**
 * Comments and worklogs the caller has loaded. The live board holds only those it saw
 * arrive (its snapshot carries none), so a change to an older one is checked with them.
 */
export interface KnownRecords {
  comments?: readonly Comment[];
  worklogs?: readonly Worklog[];
}

function withKnown(board: BoardState, known: KnownRecords): BoardState {
  return {
    ...board,
    comments: { ...Object.fromEntries((known.comments ?? []).map((c) => [c.id, c])), ...board.comments },
    worklogs: { ...Object.fromEntries((known.worklogs ?? []).map((w) => [w.id, w])), ...board.worklogs },
  };
}

/** What this person is on; kept here too, since a deep link opens the task before the board is live. */
let presence: { taskKey: string | null; activity: PresenceActivity | null } = { taskKey: null, activity: null };

export function setPresence(taskKey: string | null, activity: PresenceActivity | null): void {
  presence = { taskKey, activity };
  engine?.setPresence(taskKey, activity);
}

/** "Apply mine": the same change again, based on the board as it is now. */
export function applyMine(opId: string): void {
  engine?.conflicts.find((c) => c.opId === opId)?.reapply();
}

/** "Keep theirs": drops the change. */
export function keepTheirs(opId: string): void {
  engine?.conflicts.find((c) => c.opId === opId)?.discard();
}

/** A board's id by its key, for links between boards. */
export function boardIdOf(key: string): string | null {
  return state.boards.find((b) => b.key === key)?.id ?? null;
}

function goLive(boardId: string, initial: BoardState, role: Role, early: EarlySocket | null): SyncEngine {
  const userId = sessionStore.user?.id ?? "";
  const live = new SyncEngine({
    transport: browserTransport(boardId, early),
    pendingStore: indexedDbPendingStore(boardId, userId),
    actor: { userId, role },
    sendLarge: (message) => api.sendCommand(boardId, message),
    initial,
  });
  engine = live;
  if (presence.taskKey !== null) live.setPresence(presence.taskKey, presence.activity);
  const told = new Set<string>();
  live.subscribe((changes) => {
    if (engine !== live) return;
    // Failures become toasts once; the engine's list is then cleared.
    for (const failure of live.failures) {
      if (!told.has(failure.opId)) {
        told.add(failure.opId);
        toast(failure.message);
      }
      failure.dismiss();
    }
    const board = live.state;
    batch(() => {
      if (board) showChanges(board, changes);
      setState("live", {
        status: live.status,
        pending: live.pending.length,
        conflicts: live.conflicts.map((c) => ({ opId: c.opId, command: c.command, conflicts: [...c.conflicts] })),
        presence: [...live.presence],
        role: live.session?.role ?? state.live.role,
      });
    });
    if (live.problem && (live.status === "outdated" || live.status === "closed")) toast(live.problem);
  });
  void live.start();
  return live;
}

/**
 * Copies what changed in the engine's view into the store: the rows it names, each
 * its own copy (the engine changes its view in place), so a move on a 5,000-task
 * board copies one task, not the board.
 */
function showChanges(board: BoardState, changes: ViewChanges): void {
  // An event may change no row this client holds (an edit of a comment it never
  // loaded), but the seq moves on: the task drawer reloads what it shows by it.
  if (state.board && state.board.seq !== board.seq) setState("board", "seq", board.seq);
  if (nothingChanged(changes)) return;
  setState("boardVersion", (v) => v + 1);
  if (changes === "all") {
    setState("board", reconcile(plainCopy(board), { key: "key", merge: true }));
    return;
  }
  if (!state.board) return;
  // One setter for every kind of row: TypeScript cannot follow `kind` from the record to its row type.
  const setRow = setState as unknown as (path: "board", kind: RowKind, id: string, value: unknown) => void;
  for (const kind of ROW_KINDS) {
    const rows = board[kind] as Record<string, object | undefined>;
    for (const id of changes[kind]) {
      const row = rows[id];
      // Solid deletes a property set to undefined.
      setRow("board", kind, id, row === undefined ? undefined : reconcile(plainCopy(row)));
    }
  }
  if (state.board.nextNumber !== board.nextNumber) setState("board", "nextNumber", board.nextNumber);
  if (changes.board) {
    setState("board", "board", reconcile(plainCopy(board.board)));
    setState("board", "settings", reconcile(plainCopy(board.settings)));
  }
}

// Back online: no need to wait out the backoff.
window.addEventListener("online", () => engine?.reconnectNow());

/** The rows of a record of the board as plain objects, for reading many at once; see `boardVersion`. */
export function rowsOf<T>(record: Record<string, T>): T[] {
  return Object.values(unwrap(record));
}

/** A member's name as the board knows it. */
export function memberName(board: BoardState | null, userId: string | null): string {
  if (!userId) return "Unassigned";
  return board?.members[userId]?.name ?? "Someone";
}
