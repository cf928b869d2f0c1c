import { describe, expect, it } from "vitest";
import type { BoardEvent } from "../../src/domain/events";
import { mentionedIn, noticesFor } from "../../src/domain/notifications";
import { OWNER } from "./boardArbitraries";
import { expectApplied, type TestBoard, testBoard } from "./testBoard";

// Who hears of what in their inbox: one example per reason, and never the actor.

function team(): TestBoard {
  const b = testBoard();
  expectApplied(b.run({ type: "addMember", userId: "ana", name: "Ana Lima", role: "member" }));
  expectApplied(b.run({ type: "addMember", userId: "ann", name: "Ann", role: "member" }));
  expectApplied(b.run({ type: "addMember", userId: "ben", name: "Ben", role: "viewer" }));
  return b;
}

/** Each recipient with the reasons they hear of `event`, most specific first. */
function heard(b: TestBoard, event: BoardEvent): Record<string, string[]> {
  return Object.fromEntries([...noticesFor(event, b.store.state)].map(([user, n]) => [user, n.kinds]));
}

function createTask(b: TestBoard, fields: Record<string, unknown>, actor = OWNER): { key: string; event: BoardEvent } {
  const event = expectApplied(
    b.run({ type: "createTask", task: { title: "Fix the login form", ...fields } }, { actor }),
  );
  if (event.type !== "task.created") throw new Error(event.type);
  return { key: event.payload.task.key, event };
}

describe("notifications", () => {
  it("tells the assignee of a new task, not the person who assigned it", () => {
    const b = team();
    const { event } = createTask(b, { assigneeId: "ana" });
    expect(heard(b, event)).toEqual({ ana: ["assigned"] });
    const n = noticesFor(event, b.store.state).get("ana");
    expect(n).toMatchObject({ boardName: "Website", title: "Fix the login form", actorName: "Olga" });
    expect(n?.text).toMatch(/^Olga assigned \S+ “Fix the login form” to you$/);
    // Assigning yourself is news to no one.
    expect(heard(b, createTask(b, { assigneeId: OWNER }).event)).toEqual({});
  });

  it("tells a new assignee on a change, and whoever is newly mentioned in the description", () => {
    const b = team();
    const { key } = createTask(b, { description: "cc @Ben" });
    const event = expectApplied(
      b.run({ type: "updateTask", key, changes: { assigneeId: "ana", description: "cc @Ben and @ann" } }),
    );
    expect(heard(b, event)).toEqual({ ana: ["assigned"], ann: ["mentioned"] });
  });

  it("tells those mentioned in a comment, and the reporter, assignee and watchers of the task", () => {
    const b = team();
    const { key } = createTask(b, { assigneeId: "ana" });
    const comment = expectApplied(
      b.run({ type: "addComment", key, body: "@Ben can you look? @Ana Lima fyi" }, { actor: "ann" }),
    );
    // The owner reported it and watches it; Ana is assigned and mentioned; Ann wrote it.
    expect(heard(b, comment)).toEqual({ owner: ["commented"], ana: ["mentioned", "commented"], ben: ["mentioned"] });
  });

  it("tells the people on a task when it moves or changes sprint, and everyone when a sprint starts or ends", () => {
    const b = team();
    const { key } = createTask(b, { assigneeId: "ana" });
    expectApplied(b.run({ type: "updateTask", key, changes: { watchers: { add: ["ben"] } } }));
    const moved = expectApplied(b.run({ type: "moveTask", key, columnId: "done" }, { actor: "ann" }));
    expect(heard(b, moved)).toEqual({ owner: ["moved"], ana: ["moved"], ben: ["moved"] });
    expect(noticesFor(moved, b.store.state).get("ana")?.text).toMatch(/^Ann moved \S+ “Fix the login form” to Done$/);

    const sprint = expectApplied(b.run({ type: "createSprint", name: "Sprint 1" }));
    if (sprint.type !== "sprint.created") throw new Error(sprint.type);
    const sprintId = sprint.payload.sprint.id;
    const planned = expectApplied(b.run({ type: "addToSprint", sprintId, keys: [key] }, { actor: "ana" }));
    expect(heard(b, planned)).toEqual({ owner: ["sprint_changed"], ben: ["sprint_changed"] });
    const started = expectApplied(b.run({ type: "startSprint", sprintId }));
    expect(heard(b, started)).toEqual({ ana: ["sprint_started"], ann: ["sprint_started"], ben: ["sprint_started"] });
    const completed = expectApplied(
      b.run({ type: "completeSprint", sprintId, moveOpenTo: "backlog" }, { actor: "ben" }),
    );
    expect(heard(b, completed)).toEqual({
      owner: ["sprint_completed"],
      ana: ["sprint_completed"],
      ann: ["sprint_completed"],
    });
  });

  it("tells no one about changes that concern no one but the actor", () => {
    const b = team();
    const { key } = createTask(b, {});
    expect(heard(b, expectApplied(b.run({ type: "moveTask", key, columnId: "done" })))).toEqual({});
    expect(heard(b, expectApplied(b.run({ type: "updateTask", key, changes: { title: "Renamed" } })))).toEqual({});
  });
});

describe("mentions", () => {
  it("finds members by name after @, any case, the longest name first, never inside an email address", () => {
    const b = team();
    const state = b.store.state;
    expect(mentionedIn("@ana lima and @Ann, see @ben.", state).sort()).toEqual(["ana", "ann", "ben"]);
    expect(mentionedIn("@Annabel is no one here, nor @Lima", state)).toEqual([]);
    expect(mentionedIn("mail ben@Ben.example or olga@ann.com", state)).toEqual([]);
    expect(mentionedIn("no mention at all", state)).toEqual([]);
    // A first name on its own, when no one else has it, and the name without its space.
    expect(mentionedIn("@AnaLima and @ana: see this", state)).toEqual(["ana"]);
    expectApplied(b.run({ type: "addMember", userId: "ana2", name: "Ana Sousa", role: "member" }));
    expect(mentionedIn("@ana, which one?", state)).toEqual([]);
    expect(mentionedIn("@Ana Sousa", state)).toEqual(["ana2"]);
  });
});
