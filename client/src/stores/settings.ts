import { createStore } from "solid-js/store";
import type { Role } from "../../../src/domain/model";
import { type ApiToken, api, type BoardMember } from "../api";
import { toast } from "./toasts";

// The board's members with their emails (the live board knows names and roles only)
// and the person's own API tokens.

interface SettingsState {
  members: BoardMember[];
  tokens: ApiToken[];
  /** A token just made: shown this once. */
  newToken: { name: string; token: string } | null;
}

const [state, setState] = createStore<SettingsState>({ members: [], tokens: [], newToken: null });
export const settingsStore = state;

async function attempt<T>(what: string, run: () => Promise<T>): Promise<T | null> {
  try {
    return await run();
  } catch (error) {
    toast(`${what}: ${(error as Error).message}`);
    return null;
  }
}

export async function loadMembers(boardId: string): Promise<void> {
  const answer = await attempt("The members could not be loaded", () => api.members(boardId));
  if (answer) setState("members", answer.members);
}

export async function addMember(boardId: string, email: string, role: Role): Promise<boolean> {
  const answer = await attempt("The person could not be added", () => api.addMember(boardId, email, role));
  if (answer) await loadMembers(boardId);
  return answer !== null;
}

export async function changeRole(boardId: string, userId: string, role: Role): Promise<void> {
  await attempt("The role could not be changed", () => api.changeRole(boardId, userId, role));
  await loadMembers(boardId);
}

export async function removeMember(boardId: string, userId: string): Promise<void> {
  await attempt("The member could not be removed", () => api.removeMember(boardId, userId));
  await loadMembers(boardId);
}

export async function loadTokens(): Promise<void> {
  const answer = await attempt("Your API tokens could not be loaded", () => api.tokens());
  if (answer) setState("tokens", answer.tokens);
}

export async function createToken(name: string, scope: "read" | "write"): Promise<void> {
  const made = await attempt("The token could not be made", () => api.createToken(name, scope));
  if (made) {
    setState("newToken", { name: made.name, token: made.token });
    await loadTokens();
  }
}

export async function revokeToken(id: string): Promise<void> {
  await attempt("The token could not be revoked", () => api.revokeToken(id));
  await loadTokens();
}

export function forgetNewToken(): void {
  setState("newToken", null);
}
