import { createSignal, For, Show } from "solid-js";
import { boardsStore, createBoard } from "../stores/boards";
import { boardPath, navigate } from "../stores/route";
import { Loading } from "./common";

export function Projects() {
  const [name, setName] = createSignal("");
  const [key, setKey] = createSignal("");
  const [keyTouched, setKeyTouched] = createSignal(false);
  const [mode, setMode] = createSignal<"kanban" | "scrum">("kanban");
  const [busy, setBusy] = createSignal(false);
  const suggestedKey = (text: string) =>
    text
      .toUpperCase()
      .replace(/[^A-Z0-9 ]/g, "")
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => w[0])
      .join("")
      .padEnd(2, "X")
      .slice(0, 10);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    const made = await createBoard({ name: name().trim(), key: key(), mode: mode() });
    setBusy(false);
    if (made) navigate(mode() === "scrum" ? boardPath(key(), "backlog") : boardPath(key()));
  };
  return (
    <main class="projects">
      <h1>Projects</h1>
      <Show when={boardsStore.boardsLoaded} fallback={<Loading what="your projects" />}>
        <Show
          when={boardsStore.boards.length > 0}
          fallback={<p class="empty">No projects yet: create the first one.</p>}
        >
          <ul class="project-list">
            <For each={boardsStore.boards}>
              {(b) => (
                <li>
                  <a
                    href={boardPath(b.key)}
                    onClick={(e) => {
                      e.preventDefault();
                      navigate(boardPath(b.key));
                    }}
                  >
                    <span class="key">{b.key}</span> <span class="name">{b.name}</span>
                  </a>{" "}
                  <span class="mode">{b.mode === "scrum" ? "Scrum" : "Kanban"}</span>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>
      <form class="create-project" onSubmit={(e) => void submit(e)} aria-label="Create a project">
        <h2>Create a project</h2>
        <label>
          Name
          <input
            required
            maxLength={100}
            value={name()}
            onInput={(e) => {
              setName(e.currentTarget.value);
              if (!keyTouched()) setKey(suggestedKey(e.currentTarget.value));
            }}
          />
        </label>
        <label>
          Key
          <input
            required
            pattern="[A-Z][A-Z0-9]{1,9}"
            title="2–10 capital letters or digits, starting with a letter (e.g. WEB)"
            value={key()}
            onInput={(e) => {
              setKeyTouched(true);
              setKey(e.currentTarget.value.toUpperCase());
            }}
          />
        </label>
        <fieldset>
          <legend>Board</legend>
          <label class="inline">
            <input type="radio" name="mode" checked={mode() === "kanban"} onChange={() => setMode("kanban")} /> Kanban
          </label>
          <label class="inline">
            <input type="radio" name="mode" checked={mode() === "scrum"} onChange={() => setMode("scrum")} /> Scrum
          </label>
        </fieldset>
        <button type="submit" class="primary" disabled={busy()}>
          Create project
        </button>
      </form>
    </main>
  );
}
