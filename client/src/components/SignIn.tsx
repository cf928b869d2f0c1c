import { createSignal, Show } from "solid-js";
import { sessionStore, signIn } from "../stores/session";

export function SignIn() {
  const [email, setEmail] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    await signIn(email(), password());
    setBusy(false);
  };
  return (
    <form class="sign-in" onSubmit={(e) => void submit(e)} aria-label="Sign in">
      <h2>Sign in to Lanes</h2>
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
          autocomplete="current-password"
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
      <button type="submit" disabled={busy()}>
        Sign in
      </button>
    </form>
  );
}
