import { createSignal, Show } from "solid-js";
import { clearSessionError, sessionStore, signIn, signUp } from "../stores/session";

export function SignIn() {
  const [mode, setMode] = createSignal<"in" | "up">("in");
  const [email, setEmail] = createSignal("");
  const [name, setName] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    if (mode() === "in") await signIn(email(), password());
    else await signUp(email(), name(), password());
    setBusy(false);
  };
  const switchTo = (next: "in" | "up") => {
    clearSessionError();
    setMode(next);
  };
  return (
    <main class="sign-in-page">
      <form class="sign-in" onSubmit={(e) => void submit(e)} aria-label={mode() === "in" ? "Sign in" : "Sign up"}>
        <h1>Lanes</h1>
        <h2>{mode() === "in" ? "Sign in" : "Create your account"}</h2>
        <Show when={mode() === "up"}>
          <label>
            Name
            <input autocomplete="name" required value={name()} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
        </Show>
        <label>
          Email
          <input
            type="email"
            autocomplete="username"
            required
            value={email()}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </label>
        <label>
          Password
          <input
            type="password"
            autocomplete={mode() === "in" ? "current-password" : "new-password"}
            minLength={mode() === "up" ? 10 : undefined}
            required
            value={password()}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <Show when={sessionStore.error}>
          <p role="alert" class="error">
            {sessionStore.error}
          </p>
        </Show>
        <button type="submit" class="primary" disabled={busy()}>
          {mode() === "in" ? "Sign in" : "Sign up"}
        </button>
        <p class="switch">
          <Show
            when={mode() === "in"}
            fallback={
              <>
                Have an account?{" "}
                <button type="button" class="link" onClick={() => switchTo("in")}>
                  Sign in
                </button>
              </>
            }
          >
            New to Lanes?{" "}
            <button type="button" class="link" onClick={() => switchTo("up")}>
              Create an account
            </button>
          </Show>
        </p>
        <Show when={import.meta.env.DEV}>
          <p class="hint">Demo: alice@lanes.dev / alice-demo-password (owner), bob@lanes.dev / bob-demo-password.</p>
        </Show>
      </form>
    </main>
  );
}
