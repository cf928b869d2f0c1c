import { createStore } from "solid-js/store";

// Messages that tell the person what went wrong and what to do about it. They stay
// until dismissed: a refused change is something to read, not to miss.

export interface Toast {
  id: number;
  message: string;
  tone: "error" | "info";
}

const [state, setState] = createStore<{ toasts: Toast[] }>({ toasts: [] });
export const toastStore = state;

let next = 1;

export function toast(message: string, tone: Toast["tone"] = "error"): void {
  if (state.toasts.some((t) => t.message === message)) return;
  setState("toasts", (list) => [...list.slice(-4), { id: next++, message, tone }]);
}

export function dismissToast(id: number): void {
  setState("toasts", (list) => list.filter((t) => t.id !== id));
}
