import { expect } from "vitest";
import { type CommandResult, executeCommand } from "../../src/board/engine";
import type { Command } from "../../src/domain/commands";
import type { DomainError } from "../../src/domain/errors";
import type { BoardEvent } from "../../src/domain/events";
import { columnOrder, type Role, type Task } from "../../src/domain/model";
import { clock, createBoard, OWNER } from "./boardArbitraries";
import { type MemoryStore, memoryStore } from "./memoryStore";

/** A board with its owner, driven through the engine one command at a time, for example-based tests. */
export interface TestBoard {
  store: MemoryStore;
  run(command: Command, options?: { actor?: string; baseSeq?: number; role?: Role }): CommandResult;
  /** The `at` the next command will be stamped with. */
  nextAt(): string;
  task(key: string): Task;
  /** Keys in a column, top to bottom, archived ones included. */
  order(columnId: string): string[];
}

export function testBoard(): TestBoard {
  const store = memoryStore();
  const now = clock();
  let op = 0;
  let pending: string | null = null;
  const nextAt = () => {
    pending ??= now();
    return pending;
  };
  expect(createBoard(store, now()).status).toBe("applied");
  return {
    store,
    nextAt,
    run(command, options = {}) {
      const at = nextAt();
      pending = null;
      const envelope = {
        opId: `op-${++op}`,
        command,
        ...(options.baseSeq === undefined ? {} : { baseSeq: options.baseSeq }),
      };
      return executeCommand(store, envelope, { actor: options.actor ?? OWNER, at, role: options.role ?? "owner" });
    },
    task(key) {
      const task = store.state.tasks[key];
      expect(task, `${key} exists`).toBeDefined();
      return task as Task;
    },
    order: (columnId) => columnOrder(store.state, columnId).map((t) => t.key),
  };
}

export function expectApplied(result: CommandResult): BoardEvent {
  if (result.status !== "applied") expect.fail(`expected the command to apply, got ${JSON.stringify(result)}`);
  return result.event;
}

export function expectRejected(result: CommandResult, code: string): DomainError {
  if (result.status !== "rejected") expect.fail(`expected ${code}, got ${JSON.stringify(result)}`);
  expect(result.error.code).toBe(code);
  // Every refusal carries a sentence a person can act on.
  expect(result.error.message.length).toBeGreaterThan(10);
  return result.error;
}
