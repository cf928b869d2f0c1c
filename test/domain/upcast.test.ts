import { describe, expect, it } from "vitest";
import { EVENT_VERSIONS, type StoredEvent, upcast } from "../../src/domain/events";
import { evolve, replay } from "../../src/domain/evolve";
import { expectApplied, testBoard } from "./testBoard";

// Old events keep folding: a task.updated written before v2 recorded no `previous`.

function boardWithTask() {
  const b = testBoard();
  expectApplied(b.run({ type: "createTask", task: { title: "Old title", priority: "low" } }));
  return b;
}

describe("upcast", () => {
  it("brings a v1 task.updated without `previous` to the current shape, and it folds", () => {
    const b = boardWithTask();
    const seq = b.store.state.seq + 1;
    const v1: StoredEvent = {
      seq,
      opId: "op-legacy",
      actor: "ana",
      at: "2025-06-01T10:00:00.000Z",
      type: "task.updated",
      v: 1,
      payload: { key: "WEB-1", changes: { title: "New title", priority: "high" } },
    };
    const event = upcast(v1);
    expect(EVENT_VERSIONS["task.updated"]).toBe(2);
    expect(event).toEqual({
      ...v1,
      v: 2,
      payload: { key: "WEB-1", changes: { title: "New title", priority: "high" }, previous: {} },
    });

    const state = evolve(replay(structuredClone(b.store.events)), event);
    expect(state.seq).toBe(seq);
    expect(state.tasks["WEB-1"]).toMatchObject({
      title: "New title",
      priority: "high",
      updatedAt: "2025-06-01T10:00:00.000Z",
    });
    expect(state.tasks["WEB-1"]?.stamps.title).toEqual({ seq, actor: "ana", at: "2025-06-01T10:00:00.000Z" });
  });

  it("passes an event of the current version through as it is", () => {
    const b = boardWithTask();
    const stored = b.store.events.at(-1) as StoredEvent;
    expect(upcast(stored)).toBe(stored);
  });

  it("refuses an event newer than this build, and an old event that is malformed", () => {
    const base = { seq: 9, opId: "op-x", actor: "ana", at: "2025-06-01T10:00:00.000Z", type: "task.updated" } as const;
    expect(() => upcast({ ...base, v: 3, payload: { key: "WEB-1", changes: {}, previous: {} } })).toThrow(
      /newer than this build/,
    );
    expect(() => upcast({ ...base, v: 1, payload: { key: "WEB-1" } })).toThrow();
  });
});

describe("sprints recorded before they kept time", () => {
  it("fold with their time unknown (null), not zero, and their points as recorded", () => {
    const b = testBoard();
    expectApplied(b.run({ type: "createTask", task: { title: "Old work", storyPoints: 3, originalEstimate: "2h" } }));
    const created = expectApplied(b.run({ type: "createSprint", name: "Old sprint" }));
    if (created.type !== "sprint.created") throw new Error("no sprint");
    const sprintId = created.payload.sprint.id;
    expectApplied(b.run({ type: "addToSprint", sprintId, keys: ["WEB-1"] }));
    const at = "2025-06-01T10:00:00.000Z";
    const base = { opId: "op-legacy", actor: "ana", at } as const;
    const started: StoredEvent = {
      ...base,
      seq: b.store.state.seq + 1,
      type: "sprint.started",
      v: 1,
      payload: {
        sprintId,
        startDate: "2025-06-01",
        endDate: "2025-06-14",
        goal: "",
        committed: { keys: ["WEB-1"], points: 3 },
      },
    };
    const scope = { keys: ["WEB-1"], points: 3 };
    const empty = { keys: [], points: 0 };
    const completed: StoredEvent = {
      ...base,
      seq: started.seq + 1,
      type: "sprint.completed",
      v: 1,
      payload: {
        sprintId,
        to: null,
        moved: ["WEB-1"],
        report: {
          committed: scope,
          completed: empty,
          addedAfterStart: empty,
          removedAfterStart: empty,
          carriedOver: { ...scope, to: null },
        },
      },
    };
    expect([EVENT_VERSIONS["sprint.started"], EVENT_VERSIONS["sprint.completed"]]).toEqual([2, 2]);
    const state = [started, completed].reduce((s, e) => evolve(s, upcast(e)), replay(structuredClone(b.store.events)));
    expect(state.sprints[sprintId]).toMatchObject({
      state: "closed",
      committed: { keys: ["WEB-1"], points: 3, seconds: null },
      report: {
        committed: { ...scope, seconds: null },
        completed: { ...empty, seconds: null },
        carriedOver: { ...scope, seconds: null, to: null, remainingSeconds: null },
        spentSeconds: null,
      },
    });
  });
});
