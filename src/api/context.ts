import type { Actor } from "../auth/localActor";

/** What every route sees: the bindings and who is asking. */
export interface AppEnv {
  Bindings: Env;
  Variables: { actor: Actor };
}
