import { batch } from "solid-js";
import { createStore, reconcile, unwrap } from "solid-js/store";
import { decide } from "../../../src/domain/decide";
import type { FieldConflict } from "../../../src/domain/errors";
import type { BoardState, Comment, Role, Worklog } from "../../../src/domain/model";
import type { PresenceEntry } from "../../../src/domain/protocol";
import type { Snapshot } from "../../../src/domain/views";
import { api, type BoardSummary } from "../api";
import { boardStateFromSnapshot } from "../sync/boardMessages";
import { browserTransport } from "../sync/browserTransport";
import { indexedDbPendingStore } from "../sync/indexedDbPendingStore";
import { nothingChanged, ROW_KINDS, type RowKind, type ViewChanges } from "../sync/OptimisticView";
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
 * Asks for the boards at once, before the session check has answered: signed in,
 * the list is there a round trip sooner; signed out, the refusal is dropped.
 */
function prefetchBoards(): void {
  requestBoards(() => {});
}

/** Loads the list of boards; callers at the same time share one request. */
export function loadBoards(): Promise<void> {
  return requestBoards((error) => setState({ boardsLoaded: true, error: error.message }));
}

/** One request for the list at a time, whoever asks; `failed` says what a refusal means to the first asker. */
function requestBoards(failed: (error: Error) => void): Promise<void> {
  loadingBoards ??= api.boards().then(
    ({ boards }) => {
      loadingBoards = null;
      setState({ boards, boardsLoaded: true, error: null });
    },
    (error) => {
      loadingBoards = null;
      failed(error as Error);
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

/** Board ids by key, as last opened in this browser. */
const KNOWN_IDS = "lanes.boardIds";
let earlySnapshot: { boardId: string; answer: Promise<Snapshot> } | null = null;

function knownIds(): Record<string, string> {
  try {
    const known = JSON.parse(localStorage.getItem(KNOWN_IDS) ?? "{}");
    return typeof known === "object" && known !== null ? known : {};
  } catch {
    return {};
  }
}

/**
 * A page opened on a board's URL asks for that board's snapshot at once when this
 * browser has opened it before, alongside the session check and the list of boards
 * instead of after them. The list still decides: an id that is no longer this
 * person's board (or another person's) is refused by the server and never shown.
 */
export function prefetchBoard(key: string | null): void {
  prefetchBoards();
  const boardId = key ? knownIds()[key] : undefined;
  if (!boardId) return;
  const answer = api.snapshot(boardId);
  // Unused, or refused: the regular way asks again.
  answer.catch(() => {});
  earlySnapshot = { boardId, answer };
}

function rememberId(key: string, boardId: string): void {
  try {
    localStorage.setItem(KNOWN_IDS, JSON.stringify({ ...knownIds(), [key]: boardId }));
  } catch {
    // Storage full or blocked: the next load just asks in order.
  }
}

/** Shows the board with this key (WEB): its last state at once, then live. */
export async function openBoardByKey(key: string): Promise<void> {
  if (!state.boardsLoaded) await loadBoards();
  // The prefetch may have been refused (signed out when it left): ask again.
  if (!state.boardsLoaded) await loadBoards();
  const summary = state.boards.find((b) => b.key === key);
  if (!summary) {
    closeBoard();
    setState({ error: `There is no board ${key} you can see; pick one from your projects.`, loading: false });
    return;
  }
  if (state.boardId === summary.id && state.board) return;
  closeBoard();
  setState({ boardId: summary.id, loading: true, error: null });
  const early = earlySnapshot?.boardId === summary.id ? earlySnapshot.answer : null;
  earlySnapshot = null;
  try {
    const snapshot = await (early ? early.catch(() => api.snapshot(summary.id)) : api.snapshot(summary.id));
    rememberId(key, summary.id);
    const board = boardStateFromSnapshot(snapshot.seq, snapshot);
    if (state.boardId !== summary.id) return;
    if (!board) throw new Error("This board cannot be shown by this version of Lanes; reload the page.");
    const me = sessionStore.user?.id ?? "";
    setState({
      board,
      boardVersion: state.boardVersion + 1,
      loading: false,
      live: { ...state.live, role: board.members[me]?.role ?? "viewer" },
    });
    goLive(summary.id, board);
  } catch (error) {
    setState({ loading: false, error: (error as Error).message });
  }
}

export function closeBoard(): void {
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

function goLive(boardId: string, initial: BoardState): void {
  const userId = sessionStore.user?.id ?? "";
  const live = new SyncEngine({
    transport: browserTransport(boardId),
    pendingStore: indexedDbPendingStore(boardId, userId),
    actor: { userId, role: state.live.role },
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
    setState("board", reconcile(structuredClone(board), { key: "key", merge: true }));
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
      setRow("board", kind, id, row === undefined ? undefined : reconcile(structuredClone(row)));
    }
  }
  if (state.board.nextNumber !== board.nextNumber) setState("board", "nextNumber", board.nextNumber);
  if (changes.board) {
    setState("board", "board", reconcile(structuredClone(board.board)));
    setState("board", "settings", reconcile(structuredClone(board.settings)));
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
