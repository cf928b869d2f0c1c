import { createEffect, createMemo, createSignal, For, on, onCleanup, Show } from "solid-js";
import { PRIORITIES, TASK_TYPES, type Task } from "../../../src/domain/model";
import { eventLabel, when } from "../format";
import { boardsStore, change, memberName, rowsOf, setPresence } from "../stores/boards";
import { boardPath, navigate, route, setQuery, withQuery } from "../stores/route";
import { sessionStore } from "../stores/session";
import { leavePast, loadEvents, showPast, timeTravelStore } from "../stores/timeTravel";
import type { ClientCommand } from "../sync/SyncEngine";
import { BoardView, type LaneMode } from "./BoardView";
import { FormButtons, Loading, Modal } from "./common";
import { TaskDrawer } from "./TaskDrawer";

const LANE_MODES: { id: LaneMode; label: string }[] = [
  { id: "none", label: "None" },
  { id: "assignee", label: "Assignee" },
  { id: "epic", label: "Epic" },
  { id: "priority", label: "Priority" },
];

export function BoardScreen(props: {
  announce: (text: string) => void;
  creating: boolean;
  setCreating: (on: boolean) => void;
}) {
  const board = () => boardsStore.board;
  const me = () => sessionStore.user?.id ?? "";
  const query = () => route.query;
  const at = () => (query().at ? Number(query().at) : null);
  const lanes = () => (LANE_MODES.some((m) => m.id === query().lanes) ? (query().lanes as LaneMode) : "none");
  const readOnly = () => at() !== null || boardsStore.live.role === "viewer";

  const shows = (task: Task) => {
    const q = query();
    if (q.mine === "1" && task.assigneeId !== me()) return false;
    if (q.type && task.type !== q.type) return false;
    if (q.label && !task.labels.includes(q.label)) return false;
    if (q.q) {
      const text = q.q.toLocaleLowerCase();
      if (!task.title.toLocaleLowerCase().includes(text) && !task.key.toLocaleLowerCase().includes(text)) return false;
    }
    return true;
  };

  const labels = createMemo(() => {
    const set = new Set<string>();
    void boardsStore.boardVersion;
    for (const t of rowsOf(board()?.tasks ?? {})) for (const l of t.labels) set.add(l);
    return [...set].sort();
  });

  const activeSprints = createMemo(() =>
    Object.values(board()?.sprints ?? {})
      .filter((s) => s.state === "active")
      .map((s) => s.id),
  );
  const isScrum = () => board()?.board?.mode === "scrum";

  // Time travel: the log for the slider, and the board as it was at the chosen event.
  createEffect(
    on([at, () => boardsStore.boardId], ([seq, boardId]) => {
      if (seq === null || !boardId) {
        if (timeTravelStore.at !== null) leavePast();
        return;
      }
      if (timeTravelStore.boardId !== boardId || timeTravelStore.events.length === 0) void loadEvents(boardId);
      void showPast(boardId, seq);
    }),
  );

  const shown = () => (at() !== null ? timeTravelStore.past : board());

  const move = (command: ClientCommand, also: Record<string, unknown> | null, key: string) => {
    // A refused move (a full column) changes nothing else either: the card returns whole.
    if (change(command) !== null && also) change({ type: "updateTask", key, changes: also });
  };

  const openTask = (key: string) => navigate(withQuery({}, boardPath(route.boardKey ?? "", key)));

  onCleanup(() => setPresence(null, null));

  return (
    <Show when={board()} fallback={<Loading what="the board" />}>
      {(b) => (
        <div class="board-screen">
          <div class="toolbar" role="toolbar" aria-label="Board filters">
            <button
              type="button"
              class="chip"
              aria-pressed={query().mine === "1"}
              onClick={() => setQuery({ mine: query().mine === "1" ? null : "1" })}
            >
              Only my tasks
            </button>
            <label>
              <span class="sr-only">Type</span>
              <select value={query().type ?? ""} onChange={(e) => setQuery({ type: e.currentTarget.value })}>
                <option value="">All types</option>
                <For each={TASK_TYPES}>{(t) => <option value={t}>{t}</option>}</For>
              </select>
            </label>
            <label>
              <span class="sr-only">Label</span>
              <select value={query().label ?? ""} onChange={(e) => setQuery({ label: e.currentTarget.value })}>
                <option value="">All labels</option>
                <For each={labels()}>{(l) => <option value={l}>{l}</option>}</For>
              </select>
            </label>
            <label class="search">
              <span class="sr-only">Search cards</span>
              <input
                id="search"
                type="search"
                placeholder="Search ( / )"
                value={query().q ?? ""}
                onInput={(e) => setQuery({ q: e.currentTarget.value }, { replace: true })}
              />
            </label>
            <label>
              Swimlanes{" "}
              <select
                value={lanes()}
                onChange={(e) => setQuery({ lanes: e.currentTarget.value === "none" ? null : e.currentTarget.value })}
              >
                <For each={LANE_MODES}>{(m) => <option value={m.id}>{m.label}</option>}</For>
              </select>
            </label>
            <span class="spacer" />
            <Show when={at() === null}>
              <button type="button" onClick={() => setQuery({ at: String(b().seq) })}>
                Time travel
              </button>
              <Show when={!readOnly()}>
                <button type="button" class="primary" onClick={() => props.setCreating(true)}>
                  Create task
                </button>
              </Show>
            </Show>
          </div>

          <Show when={at() !== null}>
            <TimeTravelBar at={at() as number} latest={b().seq} />
          </Show>
          <Show when={isScrum() && at() === null && activeSprints().length === 0}>
            <p class="notice">
              No sprint is running.{" "}
              <a
                href={boardPath(route.boardKey ?? "", "backlog")}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(boardPath(route.boardKey ?? "", "backlog"));
                }}
              >
                Plan and start one in the backlog
              </a>
              .
            </p>
          </Show>
          <Show when={shown()} fallback={<Loading what="the board as it was" />}>
            {(state) => (
              <BoardView
                board={state()}
                version={at() === null ? boardsStore.boardVersion : 0}
                readOnly={readOnly()}
                lanes={lanes()}
                shows={shows}
                sprintIds={isScrum() ? activeSprints() : null}
                me={me()}
                presence={boardsStore.live.presence}
                open={openTask}
                move={move}
                dragging={(key) => setPresence(key, key ? "dragging" : null)}
                announce={props.announce}
              />
            )}
          </Show>
          <Show when={route.taskKey && at() === null}>
            <TaskDrawer taskKey={route.taskKey as string} announce={props.announce} />
          </Show>
          <Show when={props.creating}>
            <CreateTask onClose={() => props.setCreating(false)} announce={props.announce} />
          </Show>
        </div>
      )}
    </Show>
  );
}

function TimeTravelBar(props: { at: number; latest: number }) {
  const events = () => timeTravelStore.events;
  const current = () => events().find((e) => e.seq === props.at);
  const max = () => Math.max(events().at(-1)?.seq ?? props.latest, 1);
  return (
    <section class="time-travel" aria-label="Time travel">
      <p class="banner" role="status">
        <strong>Viewing the past</strong>: the board right after event {props.at}
        <Show when={current()}>
          {(e) => (
            <>
              {" "}
              ({eventLabel(e().type)} by {memberName(boardsStore.board, e().actor)}, {when(e().at)})
            </>
          )}
        </Show>
        . Read-only.
      </p>
      <div class="scrub">
        <button
          type="button"
          disabled={props.at <= 1}
          onClick={() => setQuery({ at: String(props.at - 1) }, { replace: true })}
        >
          Previous event
        </button>
        <input
          type="range"
          min="1"
          max={max()}
          value={props.at}
          aria-label="Event"
          aria-valuetext={`Event ${props.at} of ${max()}`}
          onChange={(e) => setQuery({ at: e.currentTarget.value }, { replace: true })}
        />
        <button
          type="button"
          disabled={props.at >= max()}
          onClick={() => setQuery({ at: String(props.at + 1) }, { replace: true })}
        >
          Next event
        </button>
        <button type="button" class="primary" onClick={() => setQuery({ at: null })}>
          Back to live
        </button>
      </div>
    </section>
  );
}

function CreateTask(props: { onClose: () => void; announce: (text: string) => void }) {
  const [title, setTitle] = createSignal("");
  const [type, setType] = createSignal<Task["type"]>("task");
  const [priority, setPriority] = createSignal<Task["priority"]>("medium");
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const board = boardsStore.board;
    if (!board?.board) return;
    const key = `${board.board.key}-${board.nextNumber}`;
    const sprint = Object.values(board.sprints).find((s) => s.state === "active");
    const opId = change({ type: "createTask", task: { title: title().trim(), type: type(), priority: priority() } });
    if (opId === null) return;
    if (sprint && board.board.mode === "scrum") change({ type: "addToSprint", sprintId: sprint.id, keys: [key] });
    props.announce(`Created ${key}, ${title().trim()}.`);
    props.onClose();
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-key="${key}"]`)?.focus());
  };
  return (
    <Modal title="Create task" onClose={props.onClose}>
      <form onSubmit={submit}>
        <label>
          Title
          <input required maxLength={255} value={title()} onInput={(e) => setTitle(e.currentTarget.value)} autofocus />
        </label>
        <label>
          Type
          <select value={type()} onChange={(e) => setType(e.currentTarget.value as Task["type"])}>
            <For each={TASK_TYPES}>{(t) => <option value={t}>{t}</option>}</For>
          </select>
        </label>
        <label>
          Priority
          <select value={priority()} onChange={(e) => setPriority(e.currentTarget.value as Task["priority"])}>
            <For each={PRIORITIES}>{(p) => <option value={p}>{p}</option>}</For>
          </select>
        </label>
        <FormButtons submit="Create" onCancel={props.onClose} />
      </form>
    </Modal>
  );
}
