import { createEffect, createMemo, createSignal, For, type JSX, on, onCleanup, Show } from "solid-js";
import { parseDuration } from "../../../src/domain/durations";
import {
  type Comment,
  orderedColumns,
  PRIORITIES,
  TASK_TYPES,
  type Task,
  type Worklog,
} from "../../../src/domain/model";
import { duration, eventLabel, localDateTimeInput, when } from "../format";
import { boardsStore, change, memberName, rowsOf, setPresence } from "../stores/boards";
import { boardPath, navigate, route, withQuery } from "../stores/route";
import { sessionStore } from "../stores/session";
import {
  closeTaskDetail,
  deleteComment,
  deleteWorklog,
  editComment,
  editWorklog,
  loadTaskDetail,
  taskDetailStore,
  type WorklogEdit,
} from "../stores/taskDetail";
import { Avatar, ConfirmDelete, FieldError, FormButtons, focusOnShow, Modal } from "./common";
import { Markdown } from "./Markdown";

// Everything about one task, beside the board (full screen on a phone), at its own
// URL. Every field is edited in place and saved as the live board's command.

export function TaskDrawer(props: { taskKey: string; announce: (text: string) => void }) {
  const board = () => boardsStore.board;
  const task = () => board()?.tasks[props.taskKey];
  const me = () => sessionStore.user?.id ?? "";
  const canEdit = () => boardsStore.live.role !== "viewer";
  const [tab, setTab] = createSignal<"details" | "history">("details");
  const [logging, setLogging] = createSignal(false);
  const close = () => navigate(withQuery({}, boardPath(route.boardKey ?? "")));

  // The drawer's extra data follows the board: any new event may be about this task.
  // A change of this person's being confirmed or refused reloads it too: a refused edit
  // of a comment or worklog must not stay on screen as if it had been saved.
  createEffect(
    on(
      [() => props.taskKey, () => board()?.seq, () => boardsStore.boardId, () => boardsStore.live.pending],
      ([key, seq, boardId]) => {
        if (boardId && seq !== undefined) void loadTaskDetail(boardId, key, seq);
      },
    ),
  );
  createEffect(
    on(
      () => props.taskKey,
      (key) => setPresence(key, "editing"),
    ),
  );
  onCleanup(() => {
    setPresence(null, null);
    closeTaskDetail();
  });

  const update = (changes: Record<string, unknown>) => change({ type: "updateTask", key: props.taskKey, changes });

  let panel!: HTMLElement;
  createEffect(
    on(
      () => props.taskKey,
      () => requestAnimationFrame(() => panel?.focus()),
    ),
  );

  return (
    <aside class="drawer" role="dialog" aria-label={`${props.taskKey} details`} tabindex="-1" ref={panel}>
      <Show
        when={task()}
        fallback={
          <div class="drawer-body">
            <p role="alert">There is no task {props.taskKey} on this board.</p>
            <button type="button" onClick={close}>
              Close
            </button>
          </div>
        }
      >
        {(t) => (
          <div class="drawer-body">
            <header class="drawer-head">
              <span class="key">{t().key}</span>
              <Show when={t().parentKey}>
                {(parent) => (
                  <a
                    href={boardPath(route.boardKey ?? "", parent())}
                    onClick={(e) => {
                      e.preventDefault();
                      navigate(boardPath(route.boardKey ?? "", parent()));
                    }}
                  >
                    in {parent()}
                  </a>
                )}
              </Show>
              <span class="spacer" />
              <WatchButton task={t()} me={me()} canEdit={canEdit()} />
              <button type="button" class="close" aria-label="Close task" onClick={close}>
                ✕
              </button>
            </header>
            <InlineText
              label="Title"
              value={t().title}
              disabled={!canEdit()}
              onSave={(title) => update({ title })}
              display={(v) => <h2 class="task-title">{v}</h2>}
            />
            <div class="tabs" role="tablist" aria-label="Task sections">
              <button type="button" role="tab" aria-selected={tab() === "details"} onClick={() => setTab("details")}>
                Details
              </button>
              <button type="button" role="tab" aria-selected={tab() === "history"} onClick={() => setTab("history")}>
                History
              </button>
            </div>
            <Show when={tab() === "details"} fallback={<History />}>
              <Fields task={t()} canEdit={canEdit()} update={update} />
              <Description task={t()} canEdit={canEdit()} update={update} />
              <TimeTracking task={t()} canEdit={canEdit()} onLog={() => setLogging(true)} />
              <Subtasks task={t()} canEdit={canEdit()} />
              <Comments task={t()} canEdit={canEdit()} />
            </Show>
            <Show when={logging()}>
              <LogWork task={t()} onClose={() => setLogging(false)} announce={props.announce} />
            </Show>
          </div>
        )}
      </Show>
    </aside>
  );
}

function WatchButton(props: { task: Task; me: string; canEdit: boolean }) {
  const watching = () => props.task.watchers.includes(props.me);
  return (
    <button
      type="button"
      aria-pressed={watching()}
      disabled={!props.canEdit}
      onClick={() =>
        change({
          type: "updateTask",
          key: props.task.key,
          changes: { watchers: watching() ? { remove: [props.me] } : { add: [props.me] } },
        })
      }
    >
      {watching() ? "Watching" : "Watch"} · {props.task.watchers.length}
    </button>
  );
}

/** A value shown as text that turns into an input on click or Enter; Enter or leaving saves, Escape cancels. */
function InlineText(props: {
  label: string;
  value: string;
  disabled: boolean;
  onSave: (value: string) => void;
  display?: (value: string) => JSX.Element;
  placeholder?: string;
}) {
  const [editing, setEditing] = createSignal(false);
  let input!: HTMLInputElement;
  const save = () => {
    if (!editing()) return;
    setEditing(false);
    const next = input.value.trim();
    if (next !== props.value) props.onSave(next);
  };
  return (
    <Show
      when={editing()}
      fallback={
        <button
          type="button"
          class="inline-edit"
          aria-label={`${props.label}: ${props.value || (props.placeholder ?? "None")}. Edit`}
          disabled={props.disabled}
          onClick={() => {
            setEditing(true);
            input.focus();
            input.select();
          }}
        >
          {props.display
            ? props.display(props.value)
            : props.value || <span class="muted">{props.placeholder ?? "None"}</span>}
        </button>
      }
    >
      <input
        ref={(el) => {
          input = el;
          focusOnShow(el);
        }}
        class="inline-input"
        aria-label={props.label}
        value={props.value}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            save();
          } else if (e.key === "Escape") {
            e.preventDefault();
            e.stopPropagation();
            setEditing(false);
          }
        }}
        onBlur={save}
      />
    </Show>
  );
}

function Fields(props: { task: Task; canEdit: boolean; update: (changes: Record<string, unknown>) => void }) {
  const board = () => boardsStore.board;
  const columns = createMemo(() => (board() ? orderedColumns(board() as NonNullable<ReturnType<typeof board>>) : []));
  const members = () => Object.values(board()?.members ?? {}).sort((a, b) => a.name.localeCompare(b.name));
  const t = () => props.task;
  const [labelsError, setLabelsError] = createSignal<string | null>(null);
  const [estimateError, setEstimateError] = createSignal<string | null>(null);
  const saveEstimate = (field: "originalEstimate" | "remainingEstimate", text: string) => {
    if (text === "") return props.update({ [field]: null });
    const parsed = parseDuration(text, board()?.settings);
    if (!parsed.ok) return setEstimateError(parsed.message);
    setEstimateError(null);
    props.update({ [field]: text });
  };
  return (
    <dl class="fields">
      <dt>Status</dt>
      <dd>
        <select
          aria-label="Status"
          disabled={!props.canEdit}
          value={t().columnId}
          onChange={(e) => {
            const columnId = e.currentTarget.value;
            e.currentTarget.value = t().columnId;
            change({ type: "moveTask", key: t().key, columnId, position: "bottom" });
          }}
        >
          <For each={columns()}>{(c) => <option value={c.id}>{c.name}</option>}</For>
        </select>
      </dd>
      <dt>Type</dt>
      <dd>
        <select
          aria-label="Type"
          disabled={!props.canEdit}
          value={t().type}
          onChange={(e) => props.update({ type: e.currentTarget.value })}
        >
          <For each={TASK_TYPES}>{(v) => <option value={v}>{v}</option>}</For>
        </select>
      </dd>
      <dt>Priority</dt>
      <dd>
        <select
          aria-label="Priority"
          disabled={!props.canEdit}
          value={t().priority}
          onChange={(e) => props.update({ priority: e.currentTarget.value })}
        >
          <For each={PRIORITIES}>{(v) => <option value={v}>{v}</option>}</For>
        </select>
      </dd>
      <dt>Assignee</dt>
      <dd>
        <select
          aria-label="Assignee"
          disabled={!props.canEdit}
          value={t().assigneeId ?? ""}
          onChange={(e) => props.update({ assigneeId: e.currentTarget.value || null })}
        >
          <option value="">Unassigned</option>
          <For each={members()}>{(m) => <option value={m.userId}>{m.name}</option>}</For>
        </select>
      </dd>
      <dt>Story points</dt>
      <dd>
        <InlineText
          label="Story points"
          value={t().storyPoints === null ? "" : String(t().storyPoints)}
          disabled={!props.canEdit}
          onSave={(v) => props.update({ storyPoints: v === "" ? null : Number(v) })}
        />
      </dd>
      <dt>Labels</dt>
      <dd>
        <InlineText
          label="Labels"
          value={t().labels.join(", ")}
          disabled={!props.canEdit}
          placeholder="No labels"
          onSave={(v) => {
            const next = v.split(/[,\s]+/).filter(Boolean);
            if (next.some((l) => l.length > 64)) return setLabelsError("A label is at most 64 characters.");
            setLabelsError(null);
            props.update({
              labels: {
                add: next.filter((l) => !t().labels.includes(l)),
                remove: t().labels.filter((l) => !next.includes(l)),
              },
            });
          }}
        />
        <FieldError message={labelsError()} />
      </dd>
      <dt>Due date</dt>
      <dd>
        <input
          type="date"
          aria-label="Due date"
          disabled={!props.canEdit}
          value={t().dueDate ?? ""}
          onChange={(e) => props.update({ dueDate: e.currentTarget.value || null })}
        />
      </dd>
      <dt>Estimate</dt>
      <dd>
        <InlineText
          label="Original estimate"
          value={t().originalEstimateSeconds === null ? "" : duration(t().originalEstimateSeconds, board()?.settings)}
          disabled={!props.canEdit}
          placeholder="Not estimated"
          onSave={(v) => saveEstimate("originalEstimate", v)}
        />
      </dd>
      <dt>Remaining</dt>
      <dd>
        <InlineText
          label="Remaining estimate"
          value={t().remainingEstimateSeconds === null ? "" : duration(t().remainingEstimateSeconds, board()?.settings)}
          disabled={!props.canEdit}
          placeholder="Not estimated"
          onSave={(v) => saveEstimate("remainingEstimate", v)}
        />
        <FieldError message={estimateError()} />
      </dd>
      <dt>Reporter</dt>
      <dd>{memberName(board(), t().reporterId)}</dd>
      <dt>Created</dt>
      <dd>{when(t().createdAt)}</dd>
    </dl>
  );
}

function Description(props: { task: Task; canEdit: boolean; update: (changes: Record<string, unknown>) => void }) {
  const [editing, setEditing] = createSignal(false);
  const [draft, setDraft] = createSignal("");
  return (
    <section class="section" aria-label="Description">
      <h3>Description</h3>
      <Show
        when={editing()}
        fallback={
          <>
            <Show when={props.task.description} fallback={<p class="muted">No description.</p>}>
              <Markdown text={props.task.description} />
            </Show>
            <Show when={props.canEdit}>
              <button
                type="button"
                onClick={() => {
                  setDraft(props.task.description);
                  setEditing(true);
                }}
              >
                Edit description
              </button>
            </Show>
          </>
        }
      >
        <textarea
          aria-label="Description (markdown)"
          rows="8"
          value={draft()}
          onInput={(e) => setDraft(e.currentTarget.value)}
          ref={(el) => focusOnShow(el)}
        />
        <div class="actions">
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
          <button
            type="button"
            class="primary"
            onClick={() => {
              if (draft() !== props.task.description) props.update({ description: draft() });
              setEditing(false);
            }}
          >
            Save description
          </button>
        </div>
      </Show>
    </section>
  );
}

function TimeTracking(props: { task: Task; canEdit: boolean; onLog: () => void }) {
  const board = () => boardsStore.board;
  const me = () => sessionStore.user?.id ?? "";
  const timer = () => board()?.timers[me()];
  /**
   * When this person's timer on the task started, or null. The live board knows the
   * timers it saw start; one started before the page loaded is found in the task's
   * history (the board's snapshot carries no timers).
   */
  const runningSince = (): string | null => {
    const live = timer();
    if (live) return live.taskKey === props.task.key ? live.startedAt : null;
    let since: string | null = null;
    for (const entry of taskDetailStore.history) {
      if (entry.rejected || entry.actor !== me()) continue;
      if (entry.type === "timer.started") since = entry.at;
      else if (entry.type === "timer.stopped") since = null;
    }
    return since;
  };
  const running = () => runningSince() !== null;
  const spent = () => props.task.timeSpentSeconds;
  const left = () => props.task.remainingEstimateSeconds ?? 0;
  const percent = () => (spent() + left() === 0 ? 0 : Math.round((spent() / (spent() + left())) * 100));
  return (
    <section class="section" aria-label="Time tracking">
      <h3>Time tracking</h3>
      <div
        class="progress big"
        role="progressbar"
        aria-label="Time logged"
        aria-valuenow={percent()}
        aria-valuemin="0"
        aria-valuemax="100"
      >
        <span style={{ width: `${percent()}%` }} />
      </div>
      <p class="time-figures">
        <span data-testid="time-logged">Logged {duration(spent(), board()?.settings)}</span> ·{" "}
        <span data-testid="time-remaining">
          Remaining {duration(props.task.remainingEstimateSeconds, board()?.settings)}
        </span>{" "}
        · Estimate {duration(props.task.originalEstimateSeconds, board()?.settings)}
      </p>
      <Show when={props.canEdit}>
        <div class="actions left">
          <button type="button" data-action="log-work" onClick={props.onLog}>
            Log work
          </button>
          <Show
            when={running()}
            fallback={
              <button type="button" onClick={() => change({ type: "startTimer", key: props.task.key })}>
                Start timer
              </button>
            }
          >
            <button type="button" class="running" onClick={() => change({ type: "stopTimer", key: props.task.key })}>
              Stop timer (since {when(runningSince())})
            </button>
          </Show>
        </div>
      </Show>
      <Show when={taskDetailStore.worklogs.length > 0}>
        <ul class="worklogs" aria-label="Work logged">
          <For each={taskDetailStore.worklogs}>
            {(w) => <WorklogItem worklog={w} task={props.task} canEdit={props.canEdit} />}
          </For>
        </ul>
      </Show>
    </section>
  );
}

function LogWork(props: { task: Task; onClose: () => void; announce: (text: string) => void }) {
  const board = () => boardsStore.board;
  const [spent, setSpent] = createSignal("");
  const [mode, setMode] = createSignal<"auto" | "leave" | "new">("auto");
  const [remaining, setRemaining] = createSignal("");
  const [comment, setComment] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const parsed = parseDuration(spent(), board()?.settings);
    if (!parsed.ok) return setError(parsed.message);
    if (mode() === "new") {
      const left = parseDuration(remaining(), board()?.settings);
      if (!left.ok) return setError(`Remaining estimate: ${left.message}`);
    }
    const opId = change({
      type: "logWork",
      key: props.task.key,
      timeSpent: spent().trim(),
      ...(comment().trim() ? { comment: comment().trim() } : {}),
      adjust: mode() === "new" ? { mode: "new", value: remaining().trim() } : { mode: mode() },
    });
    if (opId === null) return;
    props.announce(`Logged ${spent().trim()} on ${props.task.key}.`);
    props.onClose();
  };
  return (
    <Modal title={`Log work on ${props.task.key}`} onClose={props.onClose}>
      <form onSubmit={submit}>
        <label>
          Time spent
          <input
            required
            placeholder="1h 30m"
            value={spent()}
            onInput={(e) => setSpent(e.currentTarget.value)}
            aria-describedby="spent-hint"
            autofocus
          />
        </label>
        <p id="spent-hint" class="hint">
          Weeks, days, hours, minutes: 1w 2d 3h 30m.
        </p>
        <fieldset>
          <legend>Remaining estimate</legend>
          <label class="inline">
            <input type="radio" name="adjust" checked={mode() === "auto"} onChange={() => setMode("auto")} /> Reduce by
            the time spent
          </label>
          <label class="inline">
            <input type="radio" name="adjust" checked={mode() === "leave"} onChange={() => setMode("leave")} /> Leave
            unchanged
          </label>
          <label class="inline">
            <input type="radio" name="adjust" checked={mode() === "new"} onChange={() => setMode("new")} /> Set to
          </label>
          <Show when={mode() === "new"}>
            <input
              aria-label="New remaining estimate"
              placeholder="4h"
              value={remaining()}
              onInput={(e) => setRemaining(e.currentTarget.value)}
            />
          </Show>
        </fieldset>
        <label>
          Comment
          <input value={comment()} onInput={(e) => setComment(e.currentTarget.value)} />
        </label>
        <FieldError message={error()} />
        <FormButtons submit="Log" onCancel={props.onClose} />
      </form>
    </Modal>
  );
}

function Subtasks(props: { task: Task; canEdit: boolean }) {
  const board = () => boardsStore.board;
  // Found among the plain rows (see `boardVersion`), shown through the store so each row follows its task.
  const children = createMemo(() => {
    void boardsStore.boardVersion;
    const tasks = board()?.tasks ?? {};
    return rowsOf(tasks)
      .filter((t) => t.parentKey === props.task.key && t.archivedAt === null)
      .sort((a, b) => a.number - b.number)
      .map((t) => tasks[t.key] ?? t);
  });
  const [title, setTitle] = createSignal("");
  const columnName = (id: string) => board()?.columns[id]?.name ?? id;
  return (
    <section class="section" aria-label="Sub-tasks">
      <h3>Sub-tasks</h3>
      <Show when={children().length > 0} fallback={<p class="muted">No sub-tasks.</p>}>
        <ul class="subtasks">
          <For each={children()}>
            {(c) => (
              <li>
                <a
                  href={boardPath(route.boardKey ?? "", c.key)}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(withQuery({}, boardPath(route.boardKey ?? "", c.key)));
                  }}
                >
                  {c.key}
                </a>{" "}
                {c.title} <span class="status">{columnName(c.columnId)}</span>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={props.canEdit}>
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!title().trim()) return;
            change({ type: "createTask", task: { title: title().trim(), type: "subtask", parentKey: props.task.key } });
            setTitle("");
          }}
        >
          <input
            aria-label="New sub-task title"
            placeholder="Add a sub-task"
            value={title()}
            onInput={(e) => setTitle(e.currentTarget.value)}
          />
          <button type="submit">Add</button>
        </form>
      </Show>
    </section>
  );
}

function Comments(props: { task: Task; canEdit: boolean }) {
  const [body, setBody] = createSignal("");
  return (
    <section class="section" aria-label="Comments">
      <h3>Comments</h3>
      <Show when={taskDetailStore.comments.length > 0} fallback={<p class="muted">No comments yet.</p>}>
        <ol class="comments">
          <For each={taskDetailStore.comments}>{(c) => <CommentItem comment={c} canEdit={props.canEdit} />}</For>
        </ol>
      </Show>
      <Show when={props.canEdit}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!body().trim()) return;
            change({ type: "addComment", key: props.task.key, body: body().trim() });
            setBody("");
          }}
        >
          <textarea aria-label="New comment" rows="3" value={body()} onInput={(e) => setBody(e.currentTarget.value)} />
          <div class="actions">
            <button type="submit" class="primary">
              Comment
            </button>
          </div>
        </form>
      </Show>
    </section>
  );
}

/** Escape inside an editor cancels that edit only, not the whole task. */
function cancelOnEscape(cancel: () => void) {
  return (e: KeyboardEvent) => {
    if (e.key !== "Escape") return;
    e.preventDefault();
    e.stopPropagation();
    cancel();
  };
}

/** Who may change a comment or worklog, as the board's rules say: its author edits; its author or an owner deletes. */
function rights(authorId: string, canEdit: boolean) {
  const mine = () => authorId === (sessionStore.user?.id ?? "");
  return {
    mine,
    edit: () => canEdit && mine(),
    remove: () => canEdit && (mine() || boardsStore.live.role === "owner"),
  };
}

function CommentItem(props: { comment: Comment; canEdit: boolean }) {
  const board = () => boardsStore.board;
  const author = () => memberName(board(), props.comment.authorId);
  const may = () => rights(props.comment.authorId, props.canEdit);
  const [editing, setEditing] = createSignal(false);
  const [confirming, setConfirming] = createSignal(false);
  const [draft, setDraft] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);
  let editButton: HTMLButtonElement | undefined;
  const stop = () => {
    setEditing(false);
    setError(null);
    requestAnimationFrame(() => editButton?.focus());
  };
  const save = () => {
    const body = draft().trim();
    if (!body) return setError("A comment cannot be empty; to remove it, delete it.");
    // Refused at once (a toast says why): the editor stays open with the words in it.
    if (body !== props.comment.body && !editComment(props.comment, body)) return;
    stop();
  };
  return (
    <li class="comment" aria-label={`Comment by ${author()}, ${when(props.comment.createdAt)}`}>
      <div class="comment-head">
        <Avatar userId={props.comment.authorId} name={author()} size="small" />
        <strong>{author()}</strong> <span class="muted">{when(props.comment.createdAt)}</span>
        <Show when={props.comment.editedAt}>
          {(at) => (
            <span class="muted edited" title={`Edited ${when(at())}`}>
              · edited
            </span>
          )}
        </Show>
        <Show when={!editing()}>
          <span class="item-actions">
            <Show when={may().edit()}>
              <button
                type="button"
                class="small"
                aria-label="Edit comment"
                ref={editButton}
                onClick={() => {
                  setDraft(props.comment.body);
                  setEditing(true);
                }}
              >
                Edit
              </button>
            </Show>
            <Show when={may().remove()}>
              <button type="button" class="small" aria-label="Delete comment" onClick={() => setConfirming(true)}>
                Delete
              </button>
            </Show>
          </span>
        </Show>
      </div>
      <Show when={editing()} fallback={<Markdown text={props.comment.body} />}>
        <form
          class="edit-form"
          onSubmit={(e) => {
            e.preventDefault();
            save();
          }}
          onKeyDown={cancelOnEscape(stop)}
        >
          <textarea
            aria-label="Edit comment (markdown)"
            rows="4"
            value={draft()}
            onInput={(e) => setDraft(e.currentTarget.value)}
            ref={(el) => focusOnShow(el)}
          />
          <FieldError message={error()} />
          <FormButtons submit="Save comment" onCancel={stop} />
        </form>
      </Show>
      <Show when={confirming()}>
        <ConfirmDelete
          title="Delete this comment?"
          confirm="Delete comment"
          onKeep={() => setConfirming(false)}
          onConfirm={() => {
            if (!deleteComment(props.comment)) return;
            setConfirming(false);
            focusLater('.drawer [aria-label="New comment"]', ".drawer");
          }}
        >
          <p>
            {may().mine() ? "Your comment" : `${author()}'s comment`} from {when(props.comment.createdAt)} goes for
            everyone. This cannot be undone.
          </p>
          <blockquote class="quote">{excerpt(props.comment.body)}</blockquote>
        </ConfirmDelete>
      </Show>
    </li>
  );
}

/** Where focus goes once what held it is gone (a deleted comment's own buttons). */
function focusLater(...selectors: string[]): void {
  requestAnimationFrame(() => {
    for (const selector of selectors) {
      const target = document.querySelector<HTMLElement>(selector);
      if (target) return target.focus();
    }
  });
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 140 ? `${flat.slice(0, 139)}…` : flat;
}

function WorklogItem(props: { worklog: Worklog; task: Task; canEdit: boolean }) {
  const board = () => boardsStore.board;
  const settings = () => board()?.settings;
  const author = () => memberName(board(), props.worklog.authorId);
  const spent = () => duration(props.worklog.timeSpentSeconds, settings());
  const may = () => rights(props.worklog.authorId, props.canEdit);
  const [editing, setEditing] = createSignal(false);
  const [confirming, setConfirming] = createSignal(false);
  const [giveBack, setGiveBack] = createSignal(true);
  let editButton: HTMLButtonElement | undefined;
  const stop = () => {
    setEditing(false);
    requestAnimationFrame(() => editButton?.focus());
  };
  const edited = () => props.worklog.updatedAt !== props.worklog.createdAt;
  return (
    <li class="worklog" aria-label={`${author()} logged ${spent()}`}>
      <Show
        when={editing()}
        fallback={
          <div class="worklog-line">
            <span class="worklog-text">
              {author()} logged {spent()} · {when(props.worklog.startedAt)}
              <Show when={props.worklog.comment}> · {props.worklog.comment}</Show>
              <Show when={edited()}>
                <span class="muted edited" title={`Edited ${when(props.worklog.updatedAt)}`}>
                  {" "}
                  · edited
                </span>
              </Show>
            </span>
            <span class="item-actions">
              <Show when={may().edit()}>
                <button
                  type="button"
                  class="small"
                  aria-label={`Edit worklog of ${spent()}`}
                  ref={editButton}
                  onClick={() => setEditing(true)}
                >
                  Edit
                </button>
              </Show>
              <Show when={may().remove()}>
                <button
                  type="button"
                  class="small"
                  aria-label={`Delete worklog of ${spent()}`}
                  onClick={() => {
                    setGiveBack(true);
                    setConfirming(true);
                  }}
                >
                  Delete
                </button>
              </Show>
            </span>
          </div>
        }
      >
        <EditWorklog worklog={props.worklog} onDone={stop} />
      </Show>
      <Show when={confirming()}>
        <ConfirmDelete
          title="Delete this worklog?"
          confirm="Delete worklog"
          onKeep={() => setConfirming(false)}
          onConfirm={() => {
            if (!deleteWorklog(props.worklog, giveBack() ? "auto" : "leave")) return;
            setConfirming(false);
            focusLater('.drawer [data-action="log-work"]', ".drawer");
          }}
        >
          <p>
            {may().mine() ? "You" : author()} logged {spent()} on {props.task.key}, started{" "}
            {when(props.worklog.startedAt)}. Deleting it takes the time off the task for everyone.
          </p>
          <Show when={props.task.remainingEstimateSeconds !== null}>
            <label class="inline">
              <input type="checkbox" checked={giveBack()} onChange={(e) => setGiveBack(e.currentTarget.checked)} />
              Add {spent()} back to the remaining estimate
            </label>
          </Show>
        </ConfirmDelete>
      </Show>
    </li>
  );
}

const DAY_MS = 24 * 3600 * 1000;

function EditWorklog(props: { worklog: Worklog; onDone: () => void }) {
  const board = () => boardsStore.board;
  const startedInput = localDateTimeInput(props.worklog.startedAt);
  const [spent, setSpent] = createSignal(duration(props.worklog.timeSpentSeconds, board()?.settings));
  const [started, setStarted] = createSignal(startedInput);
  const [comment, setComment] = createSignal(props.worklog.comment);
  const [error, setError] = createSignal<string | null>(null);
  const save = (e: SubmitEvent) => {
    e.preventDefault();
    const parsed = parseDuration(spent(), board()?.settings);
    if (!parsed.ok) return setError(`Time spent: ${parsed.message}`);
    if (parsed.seconds === 0) return setError("Time spent: log at least 1m, or delete the worklog.");
    const edit: WorklogEdit = {};
    if (parsed.seconds !== props.worklog.timeSpentSeconds) {
      edit.timeSpent = spent().trim();
      edit.timeSpentSeconds = parsed.seconds;
    }
    if (started() !== startedInput) {
      const at = new Date(started());
      if (!started() || Number.isNaN(at.getTime())) return setError("Started: pick a date and a time.");
      if (at.getTime() > Date.now() + DAY_MS) return setError("Started: work cannot start more than a day from now.");
      edit.startedAt = at.toISOString();
    }
    if (comment().trim() !== props.worklog.comment) edit.comment = comment().trim();
    // Refused at once (a toast says why): the form stays open with what was typed.
    if (Object.keys(edit).length > 0 && !editWorklog(props.worklog, edit)) return;
    props.onDone();
  };
  return (
    <form class="edit-form" aria-label="Edit worklog" onSubmit={save} onKeyDown={cancelOnEscape(props.onDone)}>
      <div class="edit-grid">
        <div class="field">
          <label>
            Time spent
            <input
              required
              value={spent()}
              placeholder="1h 30m"
              aria-describedby={`spent-hint-${props.worklog.id}`}
              onInput={(e) => setSpent(e.currentTarget.value)}
              ref={(el) => focusOnShow(el, { select: true })}
            />
          </label>
          <span id={`spent-hint-${props.worklog.id}`} class="hint">
            Like 1h 30m, or 1w 2d 3h 30m.
          </span>
        </div>
        <label>
          Started
          <input type="datetime-local" required value={started()} onInput={(e) => setStarted(e.currentTarget.value)} />
        </label>
      </div>
      <label>
        Description
        <input value={comment()} onInput={(e) => setComment(e.currentTarget.value)} />
      </label>
      <FieldError message={error()} />
      <FormButtons submit="Save worklog" onCancel={props.onDone} />
    </form>
  );
}

function History() {
  const board = () => boardsStore.board;
  const show = (field: string, value: unknown): string => {
    if (value === null || value === undefined || value === "") return "—";
    if (field === "columnId" && typeof value === "string") return board()?.columns[value]?.name ?? value;
    if (field === "assigneeId" && typeof value === "string") return memberName(board(), value);
    if (Array.isArray(value)) return value.length ? value.join(", ") : "—";
    if (typeof value === "object") return JSON.stringify(value);
    return String(value);
  };
  return (
    <section class="section" aria-label="History">
      <Show when={!taskDetailStore.error} fallback={<p role="alert">{taskDetailStore.error}</p>}>
        <ol class="history">
          <For each={[...taskDetailStore.history].reverse()}>
            {(entry) => (
              <li classList={{ rejected: entry.rejected }} data-seq={entry.seq}>
                <div class="history-head">
                  <Show when={entry.rejected}>
                    <span class="badge refused">Refused</span>
                  </Show>
                  <strong>{memberName(board(), entry.actor)}</strong> {eventLabel(entry.type)}{" "}
                  <span class="muted">{when(entry.at)}</span>
                </div>
                <ul>
                  <For each={entry.changes}>
                    {(c) => (
                      <li>
                        {c.field}: {show(c.field, c.from)} → {show(c.field, c.to)}
                      </li>
                    )}
                  </For>
                </ul>
                <Show when={entry.rejected && entry.reason}>
                  {(reason) => <p class="reason">{reason().message}</p>}
                </Show>
              </li>
            )}
          </For>
        </ol>
      </Show>
    </section>
  );
}
