import type { z } from "zod";
import type { clientCommandSchema } from "../../../src/domain/commands";

// A task made offline has no key yet: the board numbers tasks in the order their
// creations arrive. Until then the client shows the key it predicts, and a command
// that names such a task remembers, per field, which creation it means; the key is
// filled in from the creation's current prediction when the board is shown, and
// from the board's own event once the creation lands.

export type ClientCommand = z.infer<typeof clientCommandSchema>;

/** The fields of a command that name a task. */
export const TASK_KEY_FIELDS = ["key", "beforeKey", "afterKey", "parentKey"] as const;
export type TaskKeyField = (typeof TASK_KEY_FIELDS)[number];
export type TaskKeys = Partial<Record<TaskKeyField, string>>;

/** Every task a command names, by the field that names it. */
export function taskKeysOf(command: ClientCommand): TaskKeys {
  switch (command.type) {
    case "updateTask":
      return { key: command.key, ...(command.changes.parentKey ? { parentKey: command.changes.parentKey } : {}) };
    case "moveTask":
      return {
        key: command.key,
        ...(command.beforeKey === undefined ? {} : { beforeKey: command.beforeKey }),
        ...(command.afterKey === undefined ? {} : { afterKey: command.afterKey }),
      };
    case "createTask":
      return command.task.parentKey ? { parentKey: command.task.parentKey } : {};
    case "archiveTask":
    case "restoreTask":
    case "deleteTask":
    case "addComment":
      return { key: command.key };
    default:
      return {};
  }
}

/** The command with the given fields naming other tasks; the command itself is left untouched. */
export function withTaskKeys(command: ClientCommand, keys: TaskKeys): ClientCommand {
  const { key, beforeKey, afterKey, parentKey } = keys;
  switch (command.type) {
    case "updateTask":
      return {
        ...command,
        key: key ?? command.key,
        changes: { ...command.changes, ...(parentKey && command.changes.parentKey ? { parentKey } : {}) },
      };
    case "moveTask":
      return {
        ...command,
        key: key ?? command.key,
        ...(beforeKey && command.beforeKey !== undefined ? { beforeKey } : {}),
        ...(afterKey && command.afterKey !== undefined ? { afterKey } : {}),
      };
    case "createTask":
      return parentKey && command.task.parentKey ? { ...command, task: { ...command.task, parentKey } } : command;
    case "archiveTask":
    case "restoreTask":
    case "deleteTask":
    case "addComment":
      return { ...command, key: key ?? command.key };
    default:
      return command;
  }
}
