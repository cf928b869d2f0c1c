import { createEffect, For, onMount, Show } from "solid-js";
import { BoardView } from "./components/BoardView";
import { SignIn } from "./components/SignIn";
import { boardsStore, loadBoards, openBoard } from "./stores/boards";
import { checkSession, sessionStore, signOut } from "./stores/session";

export function App() {
  onMount(() => void checkSession());
  createEffect(() => {
    if (sessionStore.user) void loadBoards();
  });
  return (
    <Show when={sessionStore.checked}>
      <Show when={sessionStore.user} fallback={<SignIn />}>
        {(user) => <Workspace name={user().name} />}
      </Show>
    </Show>
  );
}

function Workspace(props: { name: string }) {
  return (
    <div class="app">
      <header>
        <h1>Lanes</h1>
        <label>
          Board{" "}
          <select value={boardsStore.current?.board?.id ?? ""} onChange={(e) => void openBoard(e.currentTarget.value)}>
            <For each={boardsStore.boards}>{(b) => <option value={b.id}>{`${b.key} · ${b.name}`}</option>}</For>
          </select>
        </label>
        <a href="/api/docs">API reference</a>
        <span class="who">
          {props.name}{" "}
          <button type="button" onClick={() => void signOut().then(() => location.reload())}>
            Sign out
          </button>
        </span>
      </header>
      <Show when={boardsStore.error}>
        <p role="alert" class="error">
          {boardsStore.error}
        </p>
      </Show>
      <Show
        when={boardsStore.current}
        fallback={<p class="empty">{boardsStore.loading ? "Loading…" : "No boards yet."}</p>}
      >
        {(snapshot) => <BoardView snapshot={snapshot()} />}
      </Show>
    </div>
  );
}
