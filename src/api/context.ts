import type { Actor } from "../auth/identify";
import type { BoardRow } from "../db/schema";
import type { Role } from "../domain/model";

/** The caller's membership of the board in the path, read together with who they are. */
export interface BoardAccess {
  boardId: string;
  /** null: no such live board, or the caller is not on it. */
  found: { row: BoardRow; role: Role } | null;
}

/** What every route sees: the bindings and who is asking (absent only on sign-up and sign-in). */
export interface AppEnv {
  Bindings: Env;
  Variables: { actor: Actor; boardAccess?: BoardAccess };
}
