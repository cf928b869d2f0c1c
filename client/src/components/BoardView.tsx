import { For, Show } from "solid-js";
import type { Snapshot } from "../../../src/domain/views";
import { cardsOf } from "../stores/boards";

export function BoardView(props: { snapshot: Snapshot }) {
  const memberName = (id: string | null) => props.snapshot.members.find((m) => m.userId === id)?.name ?? "Unassigned";
  return (
    <section class="board" aria-label={`${props.snapshot.board?.name ?? "Board"} board`}>
      <For each={props.snapshot.columns}>
        {(column) => {
          const cards = () => cardsOf(props.snapshot, column.id);
          const over = () => column.wipLimit !== null && cards().length > column.wipLimit;
          return (
            <div class="column" classList={{ over: over() }} data-column={column.id}>
              <h2>
                {column.name} <span class="count">{cards().length}</span>
                <Show when={column.wipLimit !== null}>
                  <span class="wip" title={`${column.wipMode} WIP limit`}>
                    / {column.wipLimit}
                  </span>
                </Show>
              </h2>
              <ol>
                <For each={cards()}>
                  {(task) => (
                    <li class="card" data-key={task.key}>
                      <div class="card-top">
                        <span class="key">{task.key}</span>
                        <span class={`priority ${task.priority}`}>{task.priority}</span>
                      </div>
                      <p class="title">{task.title}</p>
                      <div class="card-bottom">
                        <For each={task.labels}>{(label) => <span class="label">{label}</span>}</For>
                        <span class="assignee">{memberName(task.assigneeId)}</span>
                      </div>
                    </li>
                  )}
                </For>
              </ol>
            </div>
          );
        }}
      </For>
    </section>
  );
}
