import { createEffect, createSignal, For, on, Show } from "solid-js";
import { CATEGORIES, type Column, orderedColumns, ROLES, type Role } from "../../../src/domain/model";
import { when } from "../format";
import { boardsStore, change } from "../stores/boards";
import { sessionStore } from "../stores/session";
import {
  addMember,
  changeRole,
  createToken,
  forgetNewToken,
  loadMembers,
  loadTokens,
  removeMember,
  revokeToken,
  settingsStore,
} from "../stores/settings";
import { Loading } from "./common";

// The board's columns and WIP limits and its members (owners change them), and the
// person's own API tokens.

export function Settings(props: { announce: (text: string) => void }) {
  const board = () => boardsStore.board;
  const owner = () => boardsStore.live.role === "owner";
  /**
   * Moves a column one place left or right, as the board's `moveColumn` says it: after
   * the column it should follow (null: first). Focus stays on the button pressed, so a
   * keyboard can keep moving; at the end of the row it goes to the other direction.
   */
  const moveColumn = (column: Column, direction: "left" | "right") => {
    const b = board();
    const list = b ? orderedColumns(b) : [];
    const from = list.findIndex((c) => c.id === column.id);
    const to = direction === "left" ? from - 1 : from + 1;
    if (from < 0 || to < 0 || to >= list.length) return;
    const afterColumnId = direction === "left" ? (list[from - 2]?.id ?? null) : (list[from + 1]?.id ?? null);
    if (change({ type: "moveColumn", columnId: column.id, afterColumnId }) === null) return;
    props.announce(`${column.name} moved to position ${to + 1} of ${list.length}.`);
    requestAnimationFrame(() => {
      const button = (side: string) =>
        document.querySelector<HTMLButtonElement>(`[data-move="${CSS.escape(`${column.id}:${side}`)}"]`);
      const same = button(direction);
      (same && !same.disabled ? same : button(direction === "left" ? "right" : "left"))?.focus();
    });
  };
  createEffect(
    on(
      () => boardsStore.boardId,
      (id) => {
        if (id) void loadMembers(id);
      },
    ),
  );
  void loadTokens();
  return (
    <Show when={board()} fallback={<Loading what="the settings" />}>
      {(b) => (
        <main class="settings">
          <section aria-label="Columns and WIP limits">
            <h2>Columns and WIP limits</h2>
            <Show when={!owner()}>
              <p class="muted">Only the board's owners change its columns.</p>
            </Show>
            <table>
              <thead>
                <tr>
                  <Show when={owner()}>
                    <th scope="col">Order</th>
                  </Show>
                  <th scope="col">Column</th>
                  <th scope="col">Category</th>
                  <th scope="col">WIP limit</th>
                  <th scope="col">When exceeded</th>
                  <th scope="col">
                    <span class="sr-only">Save</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                <For each={orderedColumns(b())}>
                  {(c, i) => (
                    <ColumnRow
                      column={c}
                      editable={owner()}
                      first={i() === 0}
                      last={i() === Object.keys(b().columns).length - 1}
                      onMove={(direction) => moveColumn(c, direction)}
                    />
                  )}
                </For>
              </tbody>
            </table>
            <Show when={owner()}>
              <AddColumn />
            </Show>
          </section>
          <section aria-label="Members">
            <h2>Members</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">
                    <span class="sr-only">Remove</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                <For each={settingsStore.members}>
                  {(m) => (
                    <tr>
                      <td>{m.name}</td>
                      <td>{m.email}</td>
                      <td>
                        <select
                          aria-label={`Role of ${m.name}`}
                          disabled={!owner()}
                          value={m.role}
                          onChange={(e) =>
                            void changeRole(boardsStore.boardId ?? "", m.userId, e.currentTarget.value as Role)
                          }
                        >
                          <For each={ROLES}>{(r) => <option value={r}>{r}</option>}</For>
                        </select>
                      </td>
                      <td>
                        <Show when={owner() || m.userId === sessionStore.user?.id}>
                          <button type="button" onClick={() => void removeMember(boardsStore.boardId ?? "", m.userId)}>
                            {m.userId === sessionStore.user?.id ? "Leave" : `Remove ${m.name}`}
                          </button>
                        </Show>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
            <Show when={owner()}>
              <AddMember />
            </Show>
          </section>
          <Tokens />
        </main>
      )}
    </Show>
  );
}

function ColumnRow(props: {
  column: Column;
  editable: boolean;
  first: boolean;
  last: boolean;
  onMove: (direction: "left" | "right") => void;
}) {
  const [name, setName] = createSignal(props.column.name);
  const [limit, setLimit] = createSignal(props.column.wipLimit === null ? "" : String(props.column.wipLimit));
  const [mode, setMode] = createSignal(props.column.wipMode);
  return (
    <tr data-column-row={props.column.id}>
      <Show when={props.editable}>
        <td class="order">
          <button
            type="button"
            data-move={`${props.column.id}:left`}
            aria-label={`Move ${props.column.name} left`}
            title={`Move ${props.column.name} left`}
            disabled={props.first}
            onClick={() => props.onMove("left")}
          >
            <span aria-hidden="true">←</span>
          </button>
          <button
            type="button"
            data-move={`${props.column.id}:right`}
            aria-label={`Move ${props.column.name} right`}
            title={`Move ${props.column.name} right`}
            disabled={props.last}
            onClick={() => props.onMove("right")}
          >
            <span aria-hidden="true">→</span>
          </button>
        </td>
      </Show>
      <td>
        <input
          aria-label={`Name of ${props.column.name}`}
          disabled={!props.editable}
          value={name()}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </td>
      <td>{props.column.category.replace("_", " ")}</td>
      <td>
        <input
          type="number"
          min="1"
          max="999"
          aria-label={`WIP limit of ${props.column.name}`}
          placeholder="None"
          disabled={!props.editable}
          value={limit()}
          onInput={(e) => setLimit(e.currentTarget.value)}
        />
      </td>
      <td>
        <select
          aria-label={`WIP mode of ${props.column.name}`}
          disabled={!props.editable}
          value={mode()}
          onChange={(e) => setMode(e.currentTarget.value as "soft" | "hard")}
        >
          <option value="soft">Warn (soft)</option>
          <option value="hard">Refuse (hard)</option>
        </select>
      </td>
      <td>
        <Show when={props.editable}>
          <button
            type="button"
            onClick={() =>
              change({
                type: "updateColumn",
                columnId: props.column.id,
                name: name().trim(),
                wipLimit: limit() === "" ? null : Number(limit()),
                wipMode: mode(),
              })
            }
          >
            Save {props.column.name}
          </button>
        </Show>
      </td>
    </tr>
  );
}

function AddColumn() {
  const [name, setName] = createSignal("");
  const [category, setCategory] = createSignal<(typeof CATEGORIES)[number]>("in_progress");
  return (
    <form
      class="inline-form"
      aria-label="Add a column"
      onSubmit={(e) => {
        e.preventDefault();
        if (change({ type: "addColumn", name: name().trim(), category: category() }) !== null) setName("");
      }}
    >
      <input
        aria-label="New column name"
        placeholder="New column"
        required
        value={name()}
        onInput={(e) => setName(e.currentTarget.value)}
      />
      <select
        aria-label="New column category"
        value={category()}
        onChange={(e) => setCategory(e.currentTarget.value as (typeof CATEGORIES)[number])}
      >
        <For each={CATEGORIES}>{(c) => <option value={c}>{c.replace("_", " ")}</option>}</For>
      </select>
      <button type="submit">Add column</button>
    </form>
  );
}

function AddMember() {
  const [email, setEmail] = createSignal("");
  const [role, setRole] = createSignal<Role>("member");
  return (
    <form
      class="inline-form"
      aria-label="Add a member"
      onSubmit={async (e) => {
        e.preventDefault();
        if (await addMember(boardsStore.boardId ?? "", email().trim(), role())) setEmail("");
      }}
    >
      <input
        type="email"
        aria-label="Email of the person to add"
        placeholder="name@example.com"
        required
        value={email()}
        onInput={(e) => setEmail(e.currentTarget.value)}
      />
      <select
        aria-label="Role of the person to add"
        value={role()}
        onChange={(e) => setRole(e.currentTarget.value as Role)}
      >
        <For each={ROLES}>{(r) => <option value={r}>{r}</option>}</For>
      </select>
      <button type="submit">Add member</button>
    </form>
  );
}

function Tokens() {
  const [name, setName] = createSignal("");
  const [scope, setScope] = createSignal<"read" | "write">("read");
  return (
    <section aria-label="API tokens">
      <h2>Your API tokens</h2>
      <p class="muted">
        For scripts and programs: send as <code>Authorization: Bearer lanes_…</code>.
      </p>
      <Show when={settingsStore.newToken}>
        {(t) => (
          <div class="notice" role="status">
            <p>
              Your new token <strong>{t().name}</strong>, shown this once — copy it now:
            </p>
            <code class="token" data-testid="new-token">
              {t().token}
            </code>{" "}
            <button type="button" onClick={() => void navigator.clipboard?.writeText(t().token)}>
              Copy
            </button>{" "}
            <button type="button" onClick={forgetNewToken}>
              Done
            </button>
          </div>
        )}
      </Show>
      <Show when={settingsStore.tokens.length > 0} fallback={<p class="muted">No tokens.</p>}>
        <ul class="tokens">
          <For each={settingsStore.tokens}>
            {(t) => (
              <li>
                <strong>{t.name}</strong> ({t.scope}) · made {when(t.createdAt)} ·{" "}
                {t.lastUsedAt ? `last used ${when(t.lastUsedAt)}` : "never used"}{" "}
                <button type="button" onClick={() => void revokeToken(t.id)}>
                  Revoke {t.name}
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <form
        class="inline-form"
        aria-label="Make a token"
        onSubmit={(e) => {
          e.preventDefault();
          void createToken(name().trim(), scope()).then(() => setName(""));
        }}
      >
        <input
          aria-label="Token name"
          placeholder="Token name"
          required
          value={name()}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <select
          aria-label="Token scope"
          value={scope()}
          onChange={(e) => setScope(e.currentTarget.value as "read" | "write")}
        >
          <option value="read">read</option>
          <option value="write">read and write</option>
        </select>
        <button type="submit">Make token</button>
      </form>
    </section>
  );
}
