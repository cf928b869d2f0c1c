import type { Command } from "./commands";
import { type DomainError, forbidden } from "./errors";
import type { Role } from "./model";

// Who may do what on a board. Owners: everything, including the board's settings
// (name, columns), its members and its deletion. Members: read and write the work
// (tasks, comments, and later sprints and worklogs). Viewers: read only.

export type Access = "read" | "write" | "owner";

const OWNER_COMMANDS = new Set<Command["type"]>([
  "createBoard",
  "renameBoard",
  "deleteBoard",
  "addColumn",
  "updateColumn",
  "moveColumn",
  "removeColumn",
  "addMember",
  "changeMemberRole",
  "removeMember",
  "updateBoardSettings",
]);

export function accessFor(command: Command): Access {
  return OWNER_COMMANDS.has(command.type) ? "owner" : "write";
}

export function allows(role: Role, access: Access): boolean {
  if (access === "read") return true;
  if (access === "write") return role !== "viewer";
  return role === "owner";
}

/** Why `actor` in `role` may not run `command`, or null when it may. Anyone may leave a board. */
export function permissionFor(role: Role, command: Command, actor: string): DomainError | null {
  if (command.type === "removeMember" && command.userId === actor) return null;
  return refusal(role, accessFor(command));
}

export function refusal(role: Role, access: Access): DomainError | null {
  if (allows(role, access)) return null;
  return access === "owner"
    ? forbidden("owners_only", "Only the board's owners can do this; ask an owner.")
    : forbidden("read_only", "You can view this board but not change it; ask an owner for member access.");
}
