import { For, Show } from "solid-js";
import { when } from "../format";
import { applyMine, boardsStore, keepTheirs, memberName } from "../stores/boards";
import { Modal } from "./common";

// A change of yours that someone else beat to the same field: never silently undone.
// The person sees both values, who changed it and when, and chooses.

const FIELD_NAMES: Record<string, string> = {
  columnId: "Status",
  assigneeId: "Assignee",
  storyPoints: "Story points",
  dueDate: "Due date",
  parentKey: "Parent",
  originalEstimateSeconds: "Original estimate",
  remainingEstimateSeconds: "Remaining estimate",
};

export function ConflictDialog() {
  const first = () => boardsStore.live.conflicts[0];
  const board = () => boardsStore.board;
  const show = (field: string, value: unknown): string => {
    if (value === null || value === undefined || value === "") return "(none)";
    if (field === "columnId" && typeof value === "string") return board()?.columns[value]?.name ?? value;
    if (field === "assigneeId" && typeof value === "string") return memberName(board(), value);
    if (typeof value === "object") return JSON.stringify(value);
    return String(value);
  };
  const taskKey = () => {
    const command = first()?.command as { key?: string } | undefined;
    return command?.key ?? "";
  };
  return (
    <Show when={first()}>
      {(conflict) => (
        <Modal
          title={`Your change to ${taskKey()} collided`}
          role="alertdialog"
          onClose={() => keepTheirs(conflict().opId)}
        >
          <p>Someone changed the same thing first. Choose which value stays.</p>
          <For each={conflict().conflicts}>
            {(c) => (
              <dl class="conflict">
                <dt>Field</dt>
                <dd>{FIELD_NAMES[c.field] ?? c.field}</dd>
                <dt>Your value</dt>
                <dd data-testid="yours">{show(c.field, c.yours)}</dd>
                <dt>Current value</dt>
                <dd data-testid="current">{show(c.field, c.current)}</dd>
                <dt>Changed by</dt>
                <dd>
                  {memberName(board(), c.changedBy)}, {when(c.changedAt)}
                </dd>
              </dl>
            )}
          </For>
          <div class="actions">
            <button type="button" onClick={() => keepTheirs(conflict().opId)}>
              Keep theirs
            </button>
            <button type="button" class="primary" onClick={() => applyMine(conflict().opId)}>
              Apply mine
            </button>
          </div>
        </Modal>
      )}
    </Show>
  );
}
