import { generateKeyBetween } from "fractional-indexing";
import { describe, expect, it } from "vitest";
import { executeCommand } from "../../src/board/engine";
import type { Command } from "../../src/domain/commands";
import type { Sprint } from "../../src/domain/model";
import { rankForNumber } from "../../src/domain/ranks";
import { backlogOf, historyOf, snapshotOf, taskView } from "../../src/domain/views";
import { clock, OWNER } from "./boardArbitraries";
import { memoryStore } from "./memoryStore";
import { expectApplied, expectRejected, testBoard } from "./testBoard";

// Sprints and the backlog. The property that completing a sprint moves exactly its
// unfinished work runs over random sequences in replay.test.ts; here a scripted
// sprint whose figures were worked out by hand, and each rule on its own.

function scrumBoard() {
  const board = testBoard();
  const run = (command: Command) => expectApplied(board.run(command));
  const sprint = (id: string): Sprint => {
    const found = board.store.state.sprints[id];
    expect(found, `${id} exists`).toBeDefined();
    return found as Sprint;
  };
  const newSprint = (name: string) => {
    const event = run({ type: "createSprint", name });
    if (event.type !== "sprint.created") throw new Error("no sprint");
    return event.payload.sprint.id;
  };
  const task = (title: string, storyPoints: number | null, extra: Record<string, unknown> = {}) => {
    const event = run({ type: "createTask", task: { title, storyPoints, ...extra } });
    if (event.type !== "task.created") throw new Error("no task");
    return event.payload.task.key;
  };
  return { board, run, sprint, newSprint, task };
}

describe("a scripted sprint", () => {
  it("records committed, completed, scope changes and carry-over as worked out by hand", () => {
    const { board, run, sprint, newSprint, task } = scrumBoard();
    // Original estimates in seconds, with Jira's 8-hour day and 5-day week.
    const login = task("Login", 3, { originalEstimate: "1d" }); // 28,800
    const signup = task("Signup", 5, { originalEstimate: "2d" }); // 57,600
    const profile = task("Profile", 2, { originalEstimate: "3h" }); // 10,800
    const signupSub = task("Signup e-mail", null, { type: "subtask", parentKey: signup, originalEstimate: "4h" }); // 14,400
    const search = task("Search", 8, { originalEstimate: "1w" }); // 144,000
    const avatar = task("Avatar", 1, { originalEstimate: "30m" }); // 1,800
    const first = newSprint("Sprint 1");

    run({ type: "addToSprint", sprintId: first, keys: [login, signup, profile] });
    expect(board.task(signupSub).sprintId, "a sub-task goes with its parent").toBe(first);
    expect(backlogOf(board.store.state).map((t) => t.key)).toEqual([search, avatar]);

    const started = run({ type: "startSprint", sprintId: first, startDate: "2026-01-05", endDate: "2026-01-16" });
    // Committed time: login 28,800 + signup 57,600 + its sub-task 14,400 + profile 10,800.
    expect(started.payload).toMatchObject({
      committed: { keys: [login, signup, profile], points: 10, seconds: 111_600 },
    });

    // Scope changes while it runs, each kept with its time.
    run({ type: "addToSprint", sprintId: first, keys: [search] });
    run({ type: "removeFromSprint", sprintId: first, keys: [profile] });
    run({ type: "updateTask", key: login, changes: { storyPoints: 5 } });
    run({ type: "addToSprint", sprintId: first, keys: [avatar] });
    run({ type: "removeFromSprint", sprintId: first, keys: [avatar] });
    expect(sprint(first).scopeChanges.map(({ key, kind, points }) => ({ key, kind, points }))).toEqual([
      { key: search, kind: "added", points: 8 },
      { key: profile, kind: "removed", points: 2 },
      { key: login, kind: "points", points: 5 },
      { key: avatar, kind: "added", points: 1 },
      { key: avatar, kind: "removed", points: 1 },
    ]);
    expect(sprint(first).scopeChanges[2]?.previousPoints).toBe(3);
    expect(new Set(sprint(first).scopeChanges.map((c) => c.at)).size, "each change has its own time").toBe(5);

    // Time logged during the sprint counts; work dated before its start does not.
    run({ type: "logWork", key: signupSub, timeSpent: "1h" }); // remaining 14,400 → 10,800
    run({ type: "logWork", key: signup, timeSpent: "2h" }); // remaining 57,600 → 50,400
    run({ type: "logWork", key: login, timeSpent: "3h", startedAt: "2025-12-31T10:00:00Z" });
    run({ type: "moveTask", key: login, columnId: "done" });
    run({ type: "moveTask", key: signup, columnId: "in_progress" });
    run({ type: "moveTask", key: search, columnId: "done" });
    const second = newSprint("Sprint 2");

    const completed = run({ type: "completeSprint", sprintId: first, moveOpenTo: second });
    expect(completed.payload).toEqual({
      sprintId: first,
      to: second,
      moved: [signup, signupSub],
      report: {
        committed: { keys: [login, signup, profile], points: 10, seconds: 111_600 },
        completed: { keys: [login, search], points: 13, seconds: 172_800 },
        addedAfterStart: { keys: [search, avatar], points: 9, seconds: 145_800 },
        removedAfterStart: { keys: [profile, avatar], points: 3, seconds: 12_600 },
        // Signup's 57,600 + 14,400 planned; 50,400 + 10,800 left after the work logged.
        carriedOver: { keys: [signup], points: 5, seconds: 72_000, to: second, remainingSeconds: 61_200 },
        spentSeconds: 10_800,
      },
    });
    if (completed.type !== "sprint.completed") throw new Error("not completed");
    expect(sprint(first)).toMatchObject({ state: "closed", report: completed.payload.report });
    expect(
      [login, search].map((k) => board.task(k).sprintId),
      "done work stays recorded in the sprint",
    ).toEqual([first, first]);
    expect([signup, signupSub].map((k) => board.task(k).sprintId)).toEqual([second, second]);
    expect(backlogOf(board.store.state).map((t) => t.key)).toEqual([profile, avatar]);
    expect(snapshotOf(board.store.state).sprints.map((s) => [s.id, s.state])).toEqual([
      [second, "future"],
      [first, "closed"],
    ]);
    // Each task's history shows where it was planned, and when.
    const history = historyOf(signup, board.store.events, board.store.attempts).filter((e) =>
      e.changes.some((c) => c.field === "sprintId"),
    );
    expect(history.map((e) => e.changes)).toEqual([
      [{ field: "sprintId", from: null, to: first }],
      [{ field: "sprintId", from: first, to: second }],
    ]);
    // Nothing of a completed sprint changes any more.
    expectRejected(board.run({ type: "addToSprint", sprintId: first, keys: [profile] }), "sprint_closed");
    expectRejected(board.run({ type: "completeSprint", sprintId: first, moveOpenTo: "backlog" }), "sprint_not_active");
  });
});

describe("sprint rules", () => {
  it("one active sprint, unless the board runs parallel sprints; the refusal names the active one", () => {
    const { board, run, newSprint } = scrumBoard();
    const a = newSprint("Alpha");
    const b = newSprint("Beta");
    run({ type: "startSprint", sprintId: a });
    const seq = board.store.state.seq;
    const error = expectRejected(board.run({ type: "startSprint", sprintId: b }), "sprint_already_active");
    expect(error.message).toContain('"Alpha"');
    expect(error.details).toEqual({ activeSprintId: a, activeSprintName: "Alpha" });
    expect(board.store.state.seq).toBe(seq);
    expectRejected(
      board.run({ type: "updateBoardSettings", parallelSprints: true }, { actor: "ana", role: "member" }),
      "owners_only",
    );
    run({ type: "updateBoardSettings", parallelSprints: true });
    run({ type: "startSprint", sprintId: b });
    expectRejected(board.run({ type: "updateBoardSettings", parallelSprints: false }), "parallel_sprints_active");
  });

  it("starting takes today and two weeks unless dates are given; an end before the start is refused", () => {
    const { board, run, sprint, newSprint } = scrumBoard();
    const a = newSprint("Alpha");
    expectRejected(
      board.run({ type: "startSprint", sprintId: a, startDate: "2026-02-10", endDate: "2026-02-01" }),
      "invalid_sprint_dates",
    );
    run({ type: "startSprint", sprintId: a });
    expect(sprint(a)).toMatchObject({ state: "active", startDate: "2026-01-01", endDate: "2026-01-15" });
    expectRejected(board.run({ type: "startSprint", sprintId: a }), "sprint_not_future");
  });

  it("completing needs an active sprint and a future one (or the backlog) to take the rest", () => {
    const { board, run, newSprint } = scrumBoard();
    const a = newSprint("Alpha");
    const b = newSprint("Beta");
    expectRejected(board.run({ type: "completeSprint", sprintId: a, moveOpenTo: "backlog" }), "sprint_not_active");
    run({ type: "startSprint", sprintId: a });
    expectRejected(board.run({ type: "completeSprint", sprintId: a, moveOpenTo: a }), "invalid_target_sprint");
    expectRejected(board.run({ type: "completeSprint", sprintId: a, moveOpenTo: "spr_9" }), "invalid_target_sprint");
    run({ type: "completeSprint", sprintId: a, moveOpenTo: b });
  });

  it("a done task may be planned in a future sprint; a deleted one, an archived one or a sub-task not", () => {
    const { board, run, newSprint, task } = scrumBoard();
    const a = newSprint("Alpha");
    const done = task("Shipped", 1);
    run({ type: "moveTask", key: done, columnId: "done" });
    run({ type: "addToSprint", sprintId: a, keys: [done] });
    const gone = task("Gone", 1);
    run({ type: "archiveTask", key: gone });
    expectRejected(board.run({ type: "addToSprint", sprintId: a, keys: [gone] }), "task_archived");
    run({ type: "deleteTask", key: gone });
    expectRejected(board.run({ type: "addToSprint", sprintId: a, keys: [gone] }), "task_not_found");
    const parent = task("Parent", 2);
    const sub = task("Sub", null, { type: "subtask", parentKey: parent });
    expectRejected(board.run({ type: "addToSprint", sprintId: a, keys: [sub] }), "subtask_follows_parent");
    expectRejected(board.run({ type: "removeFromSprint", sprintId: a, keys: [parent] }), "not_in_sprint");
    expect(board.run({ type: "addToSprint", sprintId: a, keys: [done] }).status).toBe("unchanged");
    // A sub-task created under a planned parent joins its sprint.
    run({ type: "addToSprint", sprintId: a, keys: [parent] });
    const later = task("Later sub", null, { type: "subtask", parentKey: parent });
    expect([sub, later].map((k) => board.task(k).sprintId)).toEqual([a, a]);
  });

  it("only a sprint never started can be deleted; its tasks return to the backlog", () => {
    const { board, run, newSprint, task } = scrumBoard();
    const a = newSprint("Alpha");
    const b = newSprint("Beta");
    const one = task("One", 1);
    run({ type: "addToSprint", sprintId: b, keys: [one] });
    run({ type: "startSprint", sprintId: a });
    expectRejected(board.run({ type: "deleteSprint", sprintId: a }), "sprint_started");
    run({ type: "deleteSprint", sprintId: b });
    expect(board.task(one).sprintId).toBeNull();
    expect(board.store.state.sprints[b]).toBeUndefined();
    expectRejected(board.run({ type: "updateSprint", sprintId: b, name: "Back" }), "sprint_not_found");
  });

  it("a Kanban board has no sprints", () => {
    const store = memoryStore();
    const now = clock();
    const create: Command = {
      type: "createBoard",
      boardId: "k",
      name: "K",
      key: "KAN",
      mode: "kanban",
      ownerName: "O",
    };
    expect(
      executeCommand(store, { opId: "c", command: create }, { actor: OWNER, at: now(), role: "owner" }).status,
    ).toBe("applied");
    const result = executeCommand(
      store,
      { opId: "s", command: { type: "createSprint", name: "S" } },
      { actor: OWNER, at: now(), role: "owner" },
    );
    expectRejected(result, "scrum_only");
  });
});

describe("the backlog", () => {
  it("ranks tasks to the top, the bottom, before or after another, a selection keeping its order", () => {
    const { board, run, task } = scrumBoard();
    const keys = ["A", "B", "C", "D", "E"].map((t) => task(t, null));
    const [a, b, c, d, e] = keys as [string, string, string, string, string];
    const order = () => backlogOf(board.store.state).map((t) => t.title);
    expect(order()).toEqual(["A", "B", "C", "D", "E"]);
    run({ type: "rankBacklog", keys: [d], position: "top" });
    expect(order()).toEqual(["D", "A", "B", "C", "E"]);
    // Named in any order, the selection keeps the order it had.
    const ranked = run({ type: "rankBacklog", keys: [e, a], beforeKey: b });
    expect(order()).toEqual(["D", "A", "E", "B", "C"]);
    expect(ranked.type === "backlog.ranked" && ranked.payload.moves.map((m) => m.key)).toEqual([a, e]);
    run({ type: "rankBacklog", keys: [d], afterKey: c });
    expect(order()).toEqual(["A", "E", "B", "C", "D"]);
    run({ type: "rankBacklog", keys: [a], position: "bottom" });
    expect(order()).toEqual(["E", "B", "C", "D", "A"]);
    expect(board.run({ type: "rankBacklog", keys: [a], position: "bottom" }).status).toBe("unchanged");
    expectRejected(board.run({ type: "rankBacklog", keys: [a], afterKey: a }), "invalid_position");
    expectRejected(board.run({ type: "rankBacklog", keys: [a] }), "ambiguous_position");
    expectRejected(board.run({ type: "rankBacklog", keys: ["WEB-99"], position: "top" }), "task_not_found");
    expect(c).toBeDefined();
  });

  it("a task from before backlog ranks gets one that follows its number", () => {
    let previous: string | null = null;
    for (const n of [0, 1, 61, 62, 63, 3905, 3906, 3907, 3906 + 62, 250_000]) {
      const rank = rankForNumber(n);
      if (previous !== null) expect(rank > previous, `${n}: ${rank} after ${previous}`).toBe(true);
      // A rank fractional-indexing accepts, so new tasks can be ranked after it.
      expect(generateKeyBetween(rank, null) > rank).toBe(true);
      previous = rank;
    }
  });
});

describe("board settings", () => {
  it("a board's working day gives durations their length", () => {
    const { board, run, task } = scrumBoard();
    run({ type: "updateBoardSettings", hoursPerDay: 6, daysPerWeek: 4 });
    const key = task("Estimated", null, { originalEstimate: "1w 1d" });
    expect(board.task(key).originalEstimateSeconds).toBe((24 + 6) * 3600);
    expect(board.run({ type: "updateBoardSettings", hoursPerDay: 6 }).status).toBe("unchanged");
  });
});

describe("an epic's progress", () => {
  it("counts its stories done, by points when they have points and by count when they have none", () => {
    const { board, run, task } = scrumBoard();
    const epic = task("Checkout", null, { type: "epic" });
    const cart = task("Cart", 3, { parentKey: epic });
    const pay = task("Pay", 5, { parentKey: epic });
    const receipt = task("Receipt", 2, { parentKey: epic });
    const view = (key: string) => taskView(board.store.state, board.task(key));
    expect(view(epic).children).toEqual({ total: 3, done: 0, points: 10, donePoints: 0, percent: 0 });
    run({ type: "moveTask", key: pay, columnId: "done" });
    expect(view(epic).children).toEqual({ total: 3, done: 1, points: 10, donePoints: 5, percent: 50 });
    // An archived story no longer counts; a story's sub-tasks are its own progress, not the epic's.
    run({ type: "archiveTask", key: receipt });
    const sub = task("Cart icon", null, { type: "subtask", parentKey: cart });
    expect(view(epic).children).toEqual({ total: 2, done: 1, points: 8, donePoints: 5, percent: 63 });
    expect(view(cart).children).toEqual({ total: 1, done: 0, points: 0, donePoints: 0, percent: 0 });
    run({ type: "moveTask", key: sub, columnId: "done" });
    expect(view(cart).children?.percent, "unestimated children count by number").toBe(100);
    expect(view(sub).children, "no children, no progress").toBeNull();
  });
});
