import { createStore } from "solid-js/store";
import { ApiFailure, api, type User } from "../api";
import { forgetEarly } from "../boot";

// Who is signed in. The session itself is an HttpOnly cookie the page never sees.

interface SessionState {
  user: User | null;
  checked: boolean;
  error: string | null;
}

const [state, setState] = createStore<SessionState>({ user: null, checked: false, error: null });

export const sessionStore = state;

export async function checkSession(): Promise<void> {
  try {
    const { user } = await api.me();
    setState({ user, checked: true, error: null });
  } catch (error) {
    forgetEarly();
    setState({
      user: null,
      checked: true,
      error: error instanceof ApiFailure && error.status === 401 ? null : (error as Error).message,
    });
  }
}

export async function signIn(email: string, password: string): Promise<void> {
  forgetEarly();
  try {
    const { user } = await api.login(email, password);
    setState({ user, error: null });
  } catch (error) {
    setState("error", (error as Error).message);
  }
}

export async function signUp(email: string, name: string, password: string): Promise<void> {
  forgetEarly();
  try {
    const { user } = await api.signup(email, name, password);
    setState({ user, error: null });
  } catch (error) {
    setState("error", (error as Error).message);
  }
}

export function clearSessionError(): void {
  setState("error", null);
}

export async function signOut(): Promise<void> {
  forgetEarly();
  await api.logout().catch(() => {});
  setState({ user: null, error: null });
}
