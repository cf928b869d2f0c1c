import { type JSX, onCleanup, onMount, Show } from "solid-js";
import { avatarHue, initials } from "../format";

export function Avatar(props: { userId: string; name: string; size?: "small" | "normal"; note?: string }) {
  const label = () => (props.note ? `${props.name} (${props.note})` : props.name);
  return (
    <span
      class="avatar"
      classList={{ small: props.size === "small" }}
      style={{ "--hue": String(avatarHue(props.userId)) }}
      title={label()}
      role="img"
      aria-label={label()}
    >
      {initials(props.name)}
    </span>
  );
}

/**
 * A modal dialog on the platform's <dialog>: it traps focus, Escape closes it, and
 * focus returns to where it was.
 */
export function Modal(props: {
  title: string;
  onClose: () => void;
  children: JSX.Element;
  role?: "dialog" | "alertdialog";
  class?: string;
}) {
  let dialog!: HTMLDialogElement;
  const before = document.activeElement as HTMLElement | null;
  onMount(() => dialog.showModal());
  onCleanup(() => {
    // Closed first: while it is modal, the rest of the page is inert and cannot take focus.
    dialog.close();
    if (before?.isConnected) before.focus();
  });
  const id = `dialog-${Math.random().toString(36).slice(2)}`;
  return (
    <dialog
      ref={dialog}
      class={`modal ${props.class ?? ""}`}
      role={props.role}
      aria-labelledby={id}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      <h2 id={id}>{props.title}</h2>
      {props.children}
    </dialog>
  );
}

export function Loading(props: { what: string }) {
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" /> Loading {props.what}…
    </p>
  );
}

/** Asks before something goes for everyone: "Keep it" (focused first), or the button that deletes. */
export function ConfirmDelete(props: {
  title: string;
  confirm: string;
  onKeep: () => void;
  onConfirm: () => void;
  children: JSX.Element;
}) {
  return (
    <Modal title={props.title} role="alertdialog" onClose={() => props.onKeep()}>
      {props.children}
      <div class="actions">
        <button type="button" onClick={() => props.onKeep()} autofocus>
          Keep it
        </button>
        <button type="button" class="danger" onClick={() => props.onConfirm()}>
          {props.confirm}
        </button>
      </div>
    </Modal>
  );
}

/** A form's last row: Cancel, and the button that submits it. */
export function FormButtons(props: { submit: string; onCancel: () => void }) {
  return (
    <div class="actions">
      <button type="button" onClick={() => props.onCancel()}>
        Cancel
      </button>
      <button type="submit" class="primary">
        {props.submit}
      </button>
    </div>
  );
}

/**
 * Focuses an editor once it is in the page (a ref runs before it is attached), unless
 * the person has already moved focus into its form: a quick Tab must not be pulled back.
 */
export function focusOnShow(el: HTMLInputElement | HTMLTextAreaElement, options: { select?: boolean } = {}): void {
  requestAnimationFrame(() => {
    const home = el.form ?? el.parentElement;
    const active = document.activeElement;
    if (active && active !== el && home?.contains(active)) return;
    el.focus();
    if (options.select) el.select();
  });
}

export function FieldError(props: { message: string | null }) {
  return (
    <Show when={props.message}>
      <p class="field-error" role="alert">
        {props.message}
      </p>
    </Show>
  );
}
