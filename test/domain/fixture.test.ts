/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";
import { type BoardEvent, EVENT_VERSIONS, type StoredEvent, storedEventSchema, upcast } from "../../src/domain/events";
import { replay } from "../../src/domain/evolve";
import log from "../fixtures/board-v1.ndjson?raw";
import { expectedV1 as expected } from "../fixtures/boardV1Expected";

// A board log as an older build stored it, checked in. Whatever the event
// versions become, this log must keep folding to the same board: change the
// upcasters, never this file or its expected state.

const stored: StoredEvent[] = log
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => storedEventSchema.parse(JSON.parse(line)));

const upcasted: BoardEvent[] = stored.map(upcast);

describe("the checked-in v1 board log", () => {
  it("is a contiguous log in the stored format", () => {
    expect(stored.length).toBeGreaterThanOrEqual(30);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(new Set(stored.map((e) => e.opId)).size).toBe(stored.length);
  });

  it("still holds task.updated events in their old v1 shape, without `previous`", () => {
    const old = stored.filter((e) => e.type === "task.updated" && e.v === 1);
    expect(old.length).toBeGreaterThanOrEqual(2);
    for (const event of old) expect(Object.keys(event.payload).sort()).toEqual(["changes", "key"]);
    expect(stored.some((e) => e.type === "task.updated" && e.v === EVENT_VERSIONS["task.updated"])).toBe(true);
  });

  it("upcasts every event to the current version of its type", () => {
    for (const event of upcasted) expect(event.v, `seq ${event.seq}`).toBe(EVENT_VERSIONS[event.type]);
    const first = upcasted.find((e) => e.type === "task.updated" && e.seq === 9);
    expect(first?.payload).toEqual({
      key: "WEB-1",
      changes: { title: "Set up CI pipeline on GitHub Actions", assigneeId: "usr_ana" },
      previous: {},
    });
  });

  it("replays to the expected board", () => {
    expect(replay(upcasted)).toStrictEqual(expected);
  });

  it("replays a prefix to the board as it was then", () => {
    const before = replay(upcasted.filter((e) => e.seq <= 8));
    expect(before.tasks["WEB-1"]).toMatchObject({ title: "Set up CI pipeline", assigneeId: null, columnId: "todo" });
    expect(before.tasks["WEB-5"]).toBeUndefined();
    const archived = replay(upcasted.filter((e) => e.seq <= 24));
    expect(archived.tasks["WEB-3"]?.archivedAt).toBe("2026-03-02T11:05:07.866Z");
    expect(Object.values(archived.comments).map((c) => c.taskKey)).toEqual(["WEB-1", "WEB-3"]);
    expect(archived.board?.name).toBe("Website relaunch");
  });
});
