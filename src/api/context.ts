import type { Actor } from "../auth/identify";

/** What every route sees: the bindings and who is asking (absent only on sign-up and sign-in). */
export interface AppEnv {
  Bindings: Env;
  Variables: { actor: Actor };
}
