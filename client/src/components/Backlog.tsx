import { createMemo, createSignal, For, Show } from "solid-js";
import { unwrap } from "solid-js/store";
import type { Sprint } from "../../../src/domain/model";
import { backlogOf, sprintView, type TaskView } from "../../../src/domain/views";
import { duration, when } from "../format";
import { boardsStore, change, memberName } from "../stores/boards";
import { boardPath, navigate, route } from "../stores/route";
import { FormButtons, Loading, Modal } from "./common";

// Scrum planning: the ranked backlog and the sprints as drop targets. Rows move by
// drag and drop or by their buttons (keyboard and touch), each a board command.

export function Backlog(props: { announce: (text: string) => void }) {
  const board = () => boardsStore.board;
  const canEdit = () => boardsStore.live.role !== "viewer";
  // Read as plain rows, recomputed at each change of the board (see `boardVersion`).
  const plain = createMemo(
    () => {
      void boardsStore.boardVersion;
      const b = board();
      return b ? unwrap(b) : null;
    },
    null,
    { equals: false },
  );
  const sprints = createMemo(() => {
    const b = plain();
    if (!b) return [];
    return Object.values(b.sprints)
      .filter((s) => s.state !== "closed")
      .sort((a, b2) => (a.state === b2.state ? a.number - b2.number : a.state === "active" ? -1 : 1))
      .map((s) => sprintView(b, s));
  });
  const backlog = createMemo(() => {
    const b = plain();
    return b ? backlogOf(b) : [];
  });
  const [starting, setStarting] = createSignal<Sprint | null>(null);
  const [completing, setCompleting] = createSignal<Sprint | null>(null);
  const [dragged, setDragged] = createSignal<string | null>(null);

  /** Plans `key` in `sprintId` (null: the backlog), placed before `beforeKey` in backlog rank. */
  const place = (key: string, sprintId: string | null, beforeKey: string | null, afterKey: string | null) => {
    const task = board()?.tasks[key];
    if (!task) return;
    if (task.sprintId !== sprintId) {
      const done =
        sprintId === null
          ? change({ type: "removeFromSprint", sprintId: task.sprintId as string, keys: [key] })
          : change({ type: "addToSprint", sprintId, keys: [key] });
      if (done === null) return;
    }
    if (beforeKey && beforeKey !== key) change({ type: "rankBacklog", keys: [key], beforeKey });
    else if (afterKey && afterKey !== key) change({ type: "rankBacklog", keys: [key], afterKey });
    const where = sprintId ? (board()?.sprints[sprintId]?.name ?? "the sprint") : "the backlog";
    props.announce(`${key} moved to ${where}.`);
  };

  const List = (listProps: { tasks: TaskView[]; sprintId: string | null; label: string }) => (
    <ol
      class="backlog-list"
      aria-label={listProps.label}
      data-sprint={listProps.sprintId ?? "backlog"}
      onDragOver={(e) => {
        if (dragged()) e.preventDefault();
      }}
      onDrop={(e) => {
        e.preventDefault();
        const key = dragged();
        setDragged(null);
        if (!key) return;
        const row = (e.target as HTMLElement).closest<HTMLElement>("[data-row]");
        const beforeKey = row?.dataset.row ?? null;
        place(key, listProps.sprintId, beforeKey, beforeKey ? null : (listProps.tasks.at(-1)?.key ?? null));
      }}
    >
      <For each={listProps.tasks} fallback={<li class="empty-row">Drop tasks here to plan them.</li>}>
        {(task, i) => (
          <li
            class="backlog-row"
            data-row={task.key}
            draggable={canEdit()}
            onDragStart={(e) => {
              setDragged(task.key);
              e.dataTransfer?.setData("text/plain", task.key);
            }}
            onDragEnd={() => setDragged(null)}
          >
            <span class={`type-badge ${task.type}`}>{task.type}</span>
            <a
              class="key"
              href={boardPath(route.boardKey ?? "", task.key)}
              onClick={(e) => {
                e.preventDefault();
                navigate(boardPath(route.boardKey ?? "", task.key));
              }}
            >
              {task.key}
            </a>
            <span class="title">{task.title}</span>
            <span class="muted">{memberName(board(), task.assigneeId)}</span>
            <span class="points" title="Story points">
              {task.storyPoints ?? "–"}
            </span>
            <Show when={canEdit()}>
              <span class="row-actions">
                <button
                  type="button"
                  aria-label={`Move ${task.key} up`}
                  disabled={i() === 0}
                  onClick={() => {
                    const above = listProps.tasks[i() - 1];
                    if (above) change({ type: "rankBacklog", keys: [task.key], beforeKey: above.key });
                  }}
                >
                  ↑
                </button>
                <button
                  type="button"
                  aria-label={`Move ${task.key} down`}
                  disabled={i() === listProps.tasks.length - 1}
                  onClick={() => {
                    const below = listProps.tasks[i() + 1];
                    if (below) change({ type: "rankBacklog", keys: [task.key], afterKey: below.key });
                  }}
                >
                  ↓
                </button>
                <select
                  aria-label={`Plan ${task.key} in`}
                  value={task.sprintId ?? ""}
                  onChange={(e) => {
                    const to = e.currentTarget.value || null;
                    e.currentTarget.value = task.sprintId ?? "";
                    place(task.key, to, null, null);
                  }}
                >
                  <option value="">Backlog</option>
                  <For each={sprints()}>{(s) => <option value={s.id}>{s.name}</option>}</For>
                </select>
              </span>
            </Show>
          </li>
        )}
      </For>
    </ol>
  );

  const backlogPoints = () => backlog().reduce((sum, t) => sum + (t.storyPoints ?? 0), 0);

  return (
    <Show when={board()} fallback={<Loading what="the backlog" />}>
      {(b) => (
        <main class="backlog">
          <Show
            when={b().board?.mode === "scrum"}
            fallback={<p class="notice">This is a Kanban board: it has no sprints. Its work is on the board.</p>}
          >
            <For each={sprints()}>
              {(s) => (
                <section class="sprint" aria-label={s.name}>
                  <header class="sprint-head">
                    <h2>{s.name}</h2>
                    <span class="badge">{s.state === "active" ? "Active" : "Planned"}</span>
                    <Show when={s.startDate}>
                      <span class="muted">
                        {s.startDate} → {s.endDate}
                      </span>
                    </Show>
                    <span class="totals" data-testid={`totals-${s.id}`}>
                      {s.tasks.length} tasks · {s.totals.points} points ·{" "}
                      {duration(s.totals.remainingSeconds, b().settings)} remaining
                    </span>
                    <span class="spacer" />
                    <Show when={canEdit() && s.state === "future"}>
                      <button type="button" onClick={() => setStarting(s)}>
                        Start sprint
                      </button>
                    </Show>
                    <Show when={canEdit() && s.state === "active"}>
                      <button type="button" onClick={() => setCompleting(s)}>
                        Complete sprint
                      </button>
                    </Show>
                  </header>
                  <Show when={s.goal}>
                    <p class="goal">Goal: {s.goal}</p>
                  </Show>
                  <List tasks={s.tasks.filter((t) => t.type !== "subtask")} sprintId={s.id} label={`${s.name} tasks`} />
                </section>
              )}
            </For>
            <section class="sprint" aria-label="Backlog">
              <header class="sprint-head">
                <h2>Backlog</h2>
                <span class="totals">
                  {backlog().length} tasks · {backlogPoints()} points
                </span>
                <span class="spacer" />
                <Show when={canEdit()}>
                  <button
                    type="button"
                    onClick={() =>
                      change({ type: "createSprint", name: `Sprint ${Object.keys(b().sprints).length + 1}` })
                    }
                  >
                    Create sprint
                  </button>
                </Show>
              </header>
              <List tasks={backlog()} sprintId={null} label="Backlog tasks" />
            </section>
          </Show>
          <Show when={starting()}>
            {(s) => <StartSprint sprint={s()} onClose={() => setStarting(null)} announce={props.announce} />}
          </Show>
          <Show when={completing()}>
            {(s) => <CompleteSprint sprint={s()} onClose={() => setCompleting(null)} announce={props.announce} />}
          </Show>
        </main>
      )}
    </Show>
  );
}

function isoDay(offsetDays: number): string {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return d.toISOString().slice(0, 10);
}

function StartSprint(props: { sprint: Sprint; onClose: () => void; announce: (text: string) => void }) {
  const [goal, setGoal] = createSignal(props.sprint.goal);
  const [start, setStart] = createSignal(props.sprint.startDate ?? isoDay(0));
  const [end, setEnd] = createSignal(props.sprint.endDate ?? isoDay(14));
  return (
    <Modal title={`Start ${props.sprint.name}`} onClose={props.onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const done = change({
            type: "startSprint",
            sprintId: props.sprint.id,
            startDate: start(),
            endDate: end(),
            goal: goal(),
          });
          if (done === null) return;
          props.announce(`${props.sprint.name} started.`);
          props.onClose();
        }}
      >
        <label>
          Sprint goal
          <input value={goal()} onInput={(e) => setGoal(e.currentTarget.value)} />
        </label>
        <label>
          Start date
          <input type="date" required value={start()} onInput={(e) => setStart(e.currentTarget.value)} />
        </label>
        <label>
          End date
          <input type="date" required value={end()} onInput={(e) => setEnd(e.currentTarget.value)} />
        </label>
        <FormButtons submit="Start" onCancel={props.onClose} />
      </form>
    </Modal>
  );
}

function CompleteSprint(props: { sprint: Sprint; onClose: () => void; announce: (text: string) => void }) {
  const board = () => boardsStore.board;
  const view = () => {
    const b = board();
    return b ? sprintView(b, props.sprint) : null;
  };
  const open = () =>
    (view()?.tasks ?? []).filter((t) => t.type !== "subtask" && board()?.columns[t.columnId]?.category !== "done");
  const future = () => Object.values(board()?.sprints ?? {}).filter((s) => s.state === "future");
  const [to, setTo] = createSignal("backlog");
  return (
    <Modal title={`Complete ${props.sprint.name}`} onClose={props.onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const done = change({ type: "completeSprint", sprintId: props.sprint.id, moveOpenTo: to() });
          if (done === null) return;
          props.announce(`${props.sprint.name} completed.`);
          props.onClose();
        }}
      >
        <p>
          {(view()?.tasks.length ?? 0) - open().length} done, {open().length} not finished.
        </p>
        <Show when={open().length > 0}>
          <label>
            Move unfinished work to
            <select value={to()} onChange={(e) => setTo(e.currentTarget.value)}>
              <option value="backlog">Backlog</option>
              <For each={future()}>{(s) => <option value={s.id}>{s.name}</option>}</For>
            </select>
          </label>
        </Show>
        <p class="muted">Started {when(props.sprint.startedAt)}.</p>
        <FormButtons submit="Complete sprint" onCancel={props.onClose} />
      </form>
    </Modal>
  );
}
