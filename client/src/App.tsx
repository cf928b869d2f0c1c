import { For, onMount, Show } from "solid-js";
import { BoardView } from "./components/BoardView";
import { boardsStore, loadBoards, openBoard } from "./stores/boards";

export function App() {
  onMount(() => void loadBoards());
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
