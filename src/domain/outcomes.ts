import type { Command } from "./commands";
import type { DomainError, FieldConflict } from "./errors";
import type { BoardEvent } from "./events";

/** How a board settled one command: the same answer for REST, WebSocket and offline replay. */
export type CommandResult =
  | { status: "applied"; seq: number; event: BoardEvent }
  /** Valid, but nothing would change: nothing was appended. */
  | { status: "unchanged"; seq: number }
  | { status: "rejected"; seq: number; error: DomainError }
  | { status: "conflict"; seq: number; conflicts: FieldConflict[] };

/** A command that appended no event, kept for idempotency and the audit trail. */
export interface Attempt {
  opId: string;
  /** The board's seq when the command was settled. */
  seq: number;
  actor: string;
  at: string;
  baseSeq: number;
  taskKey: string | null;
  command: Command;
  result: Exclude<CommandResult, { status: "applied" }>;
}
