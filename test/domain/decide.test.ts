import { describe, expect, it } from "vitest";
import {
  commandSchema,
  MAX_DESCRIPTION_BYTES,
  MAX_TITLE_CHARS,
  markdownSchema,
  taskChangesSchema,
  titleSchema,
} from "../../src/domain/commands";
import { orderedColumns, tasksInColumn } from "../../src/domain/model";
import { OWNER } from "./boardArbitraries";
import { expectApplied, expectRejected, type TestBoard, testBoard } from "./testBoard";

// The rules of the board, one example each, as a user meets them.

function addColumn(b: TestBoard, name: string, wip: { wipLimit?: number; wipMode?: "soft" | "hard" } = {}): string {
  const event = expectApplied(b.run({ type: "addColumn", name, category: "in_progress", ...wip }));
  if (event.type !== "column.added") throw new Error(`expected column.added, got ${event.type}`);
  return event.payload.column.id;
}

function createTasks(b: TestBoard, count: number, columnId?: string): string[] {
  return Array.from({ length: count }, (_, i) => {
    const event = expectApplied(b.run({ type: "createTask", task: { title: `Task ${i + 1}`, columnId } }));
    if (event.type !== "task.created") throw new Error(`expected task.created, got ${event.type}`);
    return event.payload.task.key;
  });
}

function archiveAndDelete(b: TestBoard, key: string): void {
  expectApplied(b.run({ type: "archiveTask", key }));
  expectApplied(b.run({ type: "deleteTask", key }));
}

describe("a new board", () => {
  it("starts with To Do, In Progress and Done, without WIP limits, owned by its creator", () => {
    const b = testBoard();
    expect(orderedColumns(b.store.state).map(({ rank: _rank, ...c }) => c)).toEqual([
      { id: "todo", name: "To Do", category: "todo", wipLimit: null, wipMode: "soft" },
      { id: "in_progress", name: "In Progress", category: "in_progress", wipLimit: null, wipMode: "soft" },
      { id: "done", name: "Done", category: "done", wipLimit: null, wipMode: "soft" },
    ]);
    expect(b.store.state.members).toEqual({ [OWNER]: { userId: OWNER, name: "Olga", role: "owner" } });
    expect(b.store.state.board).toMatchObject({ key: "WEB", name: "Website", createdBy: OWNER, deletedAt: null });
  });

  it("puts a new task at the bottom of the first column, reported and watched by its creator", () => {
    const b = testBoard();
    createTasks(b, 2);
    expect(b.order("todo")).toEqual(["WEB-1", "WEB-2"]);
    expect(b.task("WEB-2")).toMatchObject({
      title: "Task 2",
      type: "task",
      priority: "medium",
      reporterId: OWNER,
      watchers: [OWNER],
      resolvedAt: null,
    });
  });
});

describe("task keys", () => {
  it("count up per board and are never handed out again after a delete", () => {
    const b = testBoard();
    expect(createTasks(b, 2)).toEqual(["WEB-1", "WEB-2"]);
    archiveAndDelete(b, "WEB-2");
    expect(createTasks(b, 1)).toEqual(["WEB-3"]);
    archiveAndDelete(b, "WEB-3");
    archiveAndDelete(b, "WEB-1");
    expect(createTasks(b, 1)).toEqual(["WEB-4"]);
    expect(Object.keys(b.store.state.tasks)).toEqual(["WEB-4"]);
    const gone = expectRejected(
      b.run({ type: "updateTask", key: "WEB-2", changes: { title: "Back?" } }),
      "task_not_found",
    );
    expect(gone.kind).toBe("not_found");
  });
});

describe("the edge schemas", () => {
  it("trim a title and refuse an empty one", () => {
    expect(titleSchema.parse("  Fix login  ")).toBe("Fix login");
    const parsed = commandSchema.parse({ type: "createTask", task: { title: "\tFix login \n" } });
    expect(parsed).toEqual({ type: "createTask", task: { title: "Fix login" } });
    for (const empty of ["", "   "]) {
      const result = titleSchema.safeParse(empty);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toBe("A task needs a title.");
    }
    expect(taskChangesSchema.safeParse({ title: " " }).success).toBe(false);
  });

  it("allow a title of 255 characters and refuse 256", () => {
    expect(MAX_TITLE_CHARS).toBe(255);
    expect(titleSchema.parse("a".repeat(255))).toHaveLength(255);
    expect(titleSchema.safeParse("a".repeat(256)).success).toBe(false);
    expect(commandSchema.safeParse({ type: "createTask", task: { title: "a".repeat(256) } }).success).toBe(false);
  });

  it("measure a description in UTF-8 bytes: 64 KiB fits, one byte more does not", () => {
    expect(MAX_DESCRIPTION_BYTES).toBe(65_536);
    expect(markdownSchema.safeParse("a".repeat(65_536)).success).toBe(true);
    expect(markdownSchema.safeParse("a".repeat(65_537)).success).toBe(false);
    // 32,768 two-byte characters are exactly 64 KiB; one more ASCII byte is too much.
    expect(markdownSchema.safeParse("é".repeat(32_768)).success).toBe(true);
    expect(markdownSchema.safeParse(`${"é".repeat(32_768)}a`).success).toBe(false);
    const update = { type: "updateTask", key: "WEB-1", changes: { description: "a".repeat(65_537) } };
    expect(commandSchema.safeParse(update).success).toBe(false);
  });

  it("refuse a field they do not know instead of dropping it", () => {
    expect(taskChangesSchema.safeParse({ titel: "Typo" }).success).toBe(false);
  });
});

describe("columns", () => {
  it("refuse a task in a column the board does not have", () => {
    const b = testBoard();
    const error = expectRejected(
      b.run({ type: "createTask", task: { title: "Lost", columnId: "nope" } }),
      "unknown_column",
    );
    expect(error).toMatchObject({ kind: "rule", details: { columnId: "nope" } });
    createTasks(b, 1);
    expectRejected(b.run({ type: "moveTask", key: "WEB-1", columnId: "nope" }), "unknown_column");
    expect(b.task("WEB-1").columnId).toBe("todo");
    expect(b.store.events).toHaveLength(2);
  });

  it("with a hard WIP limit refuse one task too many, by move, create or restore", () => {
    const b = testBoard();
    const review = addColumn(b, "Review", { wipLimit: 2, wipMode: "hard" });
    createTasks(b, 2, review);
    createTasks(b, 1);
    const error = expectRejected(b.run({ type: "moveTask", key: "WEB-3", columnId: review }), "wip_limit_reached");
    expect(error).toMatchObject({ kind: "rule", details: { columnId: review, limit: 2, count: 2 } });
    expect(error.message).toContain("Review");
    expect(b.task("WEB-3").columnId).toBe("todo");
    expectRejected(b.run({ type: "createTask", task: { title: "One more", columnId: review } }), "wip_limit_reached");

    // An archived task does not count, but restoring it into a full column is one too many.
    expectApplied(b.run({ type: "archiveTask", key: "WEB-1" }));
    expectApplied(b.run({ type: "moveTask", key: "WEB-3", columnId: review }));
    expectRejected(b.run({ type: "restoreTask", key: "WEB-1" }), "wip_limit_reached");
    expect(b.task("WEB-1").archivedAt).not.toBeNull();
    expect(tasksInColumn(b.store.state, review).map((t) => t.key)).toEqual(["WEB-2", "WEB-3"]);
  });

  it("with a soft WIP limit let the task in and say by how much the limit is exceeded", () => {
    const b = testBoard();
    const review = addColumn(b, "Review", { wipLimit: 2, wipMode: "soft" });
    createTasks(b, 3);
    const within = expectApplied(b.run({ type: "moveTask", key: "WEB-1", columnId: review }));
    expect(within.type === "task.moved" && within.payload.wipExceeded).toBeUndefined();
    expectApplied(b.run({ type: "moveTask", key: "WEB-2", columnId: review }));
    const over = expectApplied(b.run({ type: "moveTask", key: "WEB-3", columnId: review }));
    expect(over.type === "task.moved" && over.payload.wipExceeded).toEqual({ limit: 2, count: 3 });
    expect(b.order(review)).toEqual(["WEB-1", "WEB-2", "WEB-3"]);
  });

  it("accept a limit lowered below the tasks a column already holds", () => {
    const b = testBoard();
    const review = addColumn(b, "Review", { wipLimit: 3, wipMode: "hard" });
    createTasks(b, 3, review);
    expectApplied(b.run({ type: "updateColumn", columnId: review, wipLimit: 1 }));
    expect(b.store.state.columns[review]?.wipLimit).toBe(1);
    expect(b.order(review)).toHaveLength(3);
  });

  it("keep a column that still holds tasks unless told where they go", () => {
    const b = testBoard();
    createTasks(b, 2);
    const error = expectRejected(b.run({ type: "removeColumn", columnId: "todo" }), "column_not_empty");
    expect(error.details).toEqual({ taskCount: 2 });
    expect(b.store.state.columns.todo).toBeDefined();
  });

  it("move a removed column's tasks, archived ones too, to the bottom of the target in their order", () => {
    const b = testBoard();
    createTasks(b, 1, "in_progress");
    createTasks(b, 3);
    expectApplied(b.run({ type: "moveTask", key: "WEB-4", columnId: "todo", position: "top" }));
    expectApplied(b.run({ type: "archiveTask", key: "WEB-3" }));
    expect(b.order("todo")).toEqual(["WEB-4", "WEB-2", "WEB-3"]);

    expectApplied(b.run({ type: "removeColumn", columnId: "todo", targetColumnId: "in_progress" }));
    expect(b.store.state.columns.todo).toBeUndefined();
    expect(b.order("in_progress")).toEqual(["WEB-1", "WEB-4", "WEB-2", "WEB-3"]);
    expect(b.task("WEB-3").archivedAt).not.toBeNull();
  });

  it("refuse to move a removed column's tasks into a full hard-WIP column", () => {
    const b = testBoard();
    const review = addColumn(b, "Review", { wipLimit: 2, wipMode: "hard" });
    createTasks(b, 1, review);
    createTasks(b, 2);
    const error = expectRejected(
      b.run({ type: "removeColumn", columnId: "todo", targetColumnId: review }),
      "wip_limit_reached",
    );
    expect(error.details).toEqual({ columnId: review, limit: 2, count: 1 });
    expect(b.order("todo")).toEqual(["WEB-2", "WEB-3"]);
  });

  it("keep the last column", () => {
    const b = testBoard();
    expectApplied(b.run({ type: "removeColumn", columnId: "done" }));
    expectApplied(b.run({ type: "removeColumn", columnId: "in_progress" }));
    expectRejected(b.run({ type: "removeColumn", columnId: "todo" }), "last_column");
    expect(Object.keys(b.store.state.columns)).toEqual(["todo"]);
  });
});

describe("parents and sub-tasks", () => {
  it("refuse a parent that is the task itself or one of its descendants", () => {
    const b = testBoard();
    createTasks(b, 3);
    expectApplied(b.run({ type: "updateTask", key: "WEB-2", changes: { parentKey: "WEB-1" } }));
    expectApplied(b.run({ type: "updateTask", key: "WEB-3", changes: { parentKey: "WEB-2" } }));
    const cycle = expectRejected(
      b.run({ type: "updateTask", key: "WEB-1", changes: { parentKey: "WEB-3" } }),
      "parent_cycle",
    );
    expect(cycle.details).toEqual({ key: "WEB-1", parentKey: "WEB-3" });
    expectRejected(b.run({ type: "updateTask", key: "WEB-1", changes: { parentKey: "WEB-1" } }), "parent_cycle");
    expect(b.task("WEB-1").parentKey).toBeNull();
  });

  it("refuse a parent that does not exist", () => {
    const b = testBoard();
    createTasks(b, 1);
    const create = b.run({ type: "createTask", task: { title: "Orphan", parentKey: "WEB-99" } });
    expect(expectRejected(create, "unknown_parent").details).toEqual({ parentKey: "WEB-99" });
    expectRejected(b.run({ type: "updateTask", key: "WEB-1", changes: { parentKey: "WEB-99" } }), "unknown_parent");
  });

  it("refuse a sub-task without a parent", () => {
    const b = testBoard();
    createTasks(b, 1);
    expectRejected(b.run({ type: "createTask", task: { title: "Sub", type: "subtask" } }), "subtask_needs_parent");
    expectRejected(b.run({ type: "updateTask", key: "WEB-1", changes: { type: "subtask" } }), "subtask_needs_parent");
    expectApplied(b.run({ type: "createTask", task: { title: "Sub", type: "subtask", parentKey: "WEB-1" } }));
    expectRejected(b.run({ type: "updateTask", key: "WEB-2", changes: { parentKey: null } }), "subtask_needs_parent");
    expect(b.task("WEB-2")).toMatchObject({ type: "subtask", parentKey: "WEB-1" });
  });

  it("keep a sub-task editable after its parent is deleted", () => {
    const b = testBoard();
    createTasks(b, 1);
    expectApplied(b.run({ type: "createTask", task: { title: "Sub", type: "subtask", parentKey: "WEB-1" } }));
    archiveAndDelete(b, "WEB-1");
    expect(b.task("WEB-2").parentKey).toBeNull();
    expectApplied(b.run({ type: "updateTask", key: "WEB-2", changes: { title: "Sub, renamed" } }));
    expectApplied(b.run({ type: "moveTask", key: "WEB-2", columnId: "done" }));
    expect(b.task("WEB-2")).toMatchObject({ title: "Sub, renamed", columnId: "done" });
  });
});

describe("archive, restore and delete", () => {
  it("delete only an archived task, and its comments with it", () => {
    const b = testBoard();
    createTasks(b, 2);
    expectApplied(b.run({ type: "updateTask", key: "WEB-2", changes: { parentKey: "WEB-1" } }));
    expectApplied(b.run({ type: "addComment", key: "WEB-1", body: "Why?" }));
    expect(expectRejected(b.run({ type: "deleteTask", key: "WEB-1" }), "task_not_archived").details).toEqual({
      key: "WEB-1",
    });
    expect(b.store.state.tasks["WEB-1"]).toBeDefined();

    archiveAndDelete(b, "WEB-1");
    expect(b.store.state.tasks["WEB-1"]).toBeUndefined();
    expect(b.store.state.comments).toEqual({});
    expect(b.task("WEB-2").parentKey).toBeNull();
  });

  it("refuse to edit or move an archived task until it is restored", () => {
    const b = testBoard();
    createTasks(b, 1);
    expectApplied(b.run({ type: "archiveTask", key: "WEB-1" }));
    const edit = b.run({ type: "updateTask", key: "WEB-1", changes: { title: "Sneaky" } });
    expect(expectRejected(edit, "task_archived").details).toEqual({ key: "WEB-1" });
    expectRejected(b.run({ type: "moveTask", key: "WEB-1", columnId: "done" }), "task_archived");
    expect(b.task("WEB-1")).toMatchObject({ title: "Task 1", columnId: "todo" });

    expectApplied(b.run({ type: "restoreTask", key: "WEB-1" }));
    expectApplied(b.run({ type: "updateTask", key: "WEB-1", changes: { title: "Back" } }));
    expect(b.task("WEB-1")).toMatchObject({ title: "Back", archivedAt: null });
  });
});

describe("comments", () => {
  it("can be edited by their author only, and deleted by their author or an owner", () => {
    const b = testBoard();
    createTasks(b, 1);
    const added = expectApplied(b.run({ type: "addComment", key: "WEB-1", body: "First!" }, { actor: "ana" }));
    const id = added.type === "comment.added" ? added.payload.commentId : "";
    for (const command of [
      { type: "editComment", commentId: id, body: "Hijacked" },
      { type: "deleteComment", commentId: id },
    ] as const) {
      const error = expectRejected(b.run(command, { actor: "ben", role: "member" }), "not_comment_author");
      expect(error.kind).toBe("forbidden");
    }
    expect(b.store.state.comments[id]).toMatchObject({ body: "First!", authorId: "ana", editedAt: null });

    const editAt = b.nextAt();
    expectApplied(b.run({ type: "editComment", commentId: id, body: "First, edited" }, { actor: "ana" }));
    expect(b.store.state.comments[id]).toMatchObject({ body: "First, edited", editedAt: editAt });
    expectApplied(b.run({ type: "deleteComment", commentId: id }, { actor: "ana" }));
    expect(b.store.state.comments[id]).toBeUndefined();

    const another = expectApplied(b.run({ type: "addComment", key: "WEB-1", body: "Off topic" }, { actor: "ana" }));
    const anotherId = another.type === "comment.added" ? another.payload.commentId : "";
    expectRejected(
      b.run({ type: "editComment", commentId: anotherId, body: "x" }, { actor: "ben" }),
      "not_comment_author",
    );
    expectApplied(b.run({ type: "deleteComment", commentId: anotherId }, { actor: "ben", role: "owner" }));
    expect(b.store.state.comments[anotherId]).toBeUndefined();
  });
});

describe("a command that would change nothing", () => {
  it("is answered unchanged and appends nothing", () => {
    const b = testBoard();
    createTasks(b, 3);
    expectApplied(b.run({ type: "archiveTask", key: "WEB-3" }));
    const events = b.store.events.length;
    const before = structuredClone(b.store.state);
    for (const command of [
      { type: "updateTask", key: "WEB-1", changes: { title: "Task 1", priority: "medium" } },
      { type: "moveTask", key: "WEB-1", columnId: "todo", position: "top" },
      { type: "moveTask", key: "WEB-1", columnId: "todo", beforeKey: "WEB-2" },
      { type: "moveTask", key: "WEB-2", columnId: "todo", afterKey: "WEB-1" },
      { type: "moveTask", key: "WEB-2", columnId: "todo", beforeKey: "WEB-3" },
      { type: "updateColumn", columnId: "todo", name: "To Do", category: "todo" },
      { type: "moveColumn", columnId: "todo", afterColumnId: null },
      { type: "archiveTask", key: "WEB-3" },
      { type: "restoreTask", key: "WEB-1" },
      { type: "renameBoard", name: "Website" },
    ] as const) {
      expect(b.run(command), command.type).toEqual({ status: "unchanged", seq: before.seq });
    }
    expect(b.store.events).toHaveLength(events);
    expect(b.store.state).toEqual(before);
    expect(b.store.attempts.at(-1)?.result.status).toBe("unchanged");
  });

  it("differs from a move that does change the order", () => {
    const b = testBoard();
    createTasks(b, 3);
    expectApplied(b.run({ type: "moveTask", key: "WEB-1", columnId: "todo", position: "bottom" }));
    expect(b.order("todo")).toEqual(["WEB-2", "WEB-3", "WEB-1"]);
    expectApplied(b.run({ type: "moveTask", key: "WEB-1", columnId: "todo", beforeKey: "WEB-3" }));
    expect(b.order("todo")).toEqual(["WEB-2", "WEB-1", "WEB-3"]);
  });
});

describe("resolution", () => {
  it("is stamped when a task enters a done column and cleared when it leaves", () => {
    const b = testBoard();
    createTasks(b, 2);
    const doneAt = b.nextAt();
    expectApplied(b.run({ type: "moveTask", key: "WEB-1", columnId: "done" }));
    expect(b.task("WEB-1").resolvedAt).toBe(doneAt);
    expectApplied(b.run({ type: "moveTask", key: "WEB-2", columnId: "done", position: "top" }));
    expectApplied(b.run({ type: "moveTask", key: "WEB-1", columnId: "done", position: "top" }));
    expect(b.task("WEB-1").resolvedAt, "a reorder inside Done keeps the first resolution").toBe(doneAt);
    expectApplied(b.run({ type: "moveTask", key: "WEB-1", columnId: "in_progress" }));
    expect(b.task("WEB-1").resolvedAt).toBeNull();
  });

  it("follows a column whose category changes, and a task created straight into Done", () => {
    const b = testBoard();
    createTasks(b, 1, "in_progress");
    const createdAt = b.nextAt();
    createTasks(b, 1, "done");
    expect(b.task("WEB-2").resolvedAt).toBe(createdAt);
    const changedAt = b.nextAt();
    expectApplied(b.run({ type: "updateColumn", columnId: "in_progress", category: "done" }));
    expect(b.task("WEB-1").resolvedAt).toBe(changedAt);
    expectApplied(b.run({ type: "updateColumn", columnId: "in_progress", category: "in_progress" }));
    expect(b.task("WEB-1").resolvedAt).toBeNull();
  });

  it("moves with a removed column's tasks into the target", () => {
    const b = testBoard();
    createTasks(b, 1, "done");
    const movedAt = b.nextAt();
    expectApplied(b.run({ type: "removeColumn", columnId: "done", targetColumnId: "todo" }));
    expect(b.task("WEB-1")).toMatchObject({ columnId: "todo", resolvedAt: null });
    expect(b.task("WEB-1").updatedAt).toBe(movedAt);
  });
});

describe("conflicts", () => {
  it("answer with the current value, who set it and when; a command without a base never conflicts", () => {
    const b = testBoard();
    expectApplied(b.run({ type: "addMember", userId: "ana", name: "Ana", role: "member" }));
    createTasks(b, 1);
    const base = b.store.state.seq;
    const anaAt = b.nextAt();
    expectApplied(b.run({ type: "moveTask", key: "WEB-1", columnId: "done" }, { actor: "ana", baseSeq: base }));

    const stale = b.run({ type: "moveTask", key: "WEB-1", columnId: "in_progress" }, { actor: "ben", baseSeq: base });
    expect(stale).toEqual({
      status: "conflict",
      seq: base + 1,
      conflicts: [
        { field: "columnId", yours: "in_progress", current: "done", changedBy: "ana", changedAt: anaAt, seq: base + 1 },
      ],
    });
    expect(b.task("WEB-1").columnId).toBe("done");

    // A script (REST without If-Match) acts on the board as it is.
    expectApplied(b.run({ type: "moveTask", key: "WEB-1", columnId: "in_progress" }, { actor: "ben" }));
    expect(b.task("WEB-1").columnId).toBe("in_progress");
  });
});
