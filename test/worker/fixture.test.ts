/// <reference types="vite/client" />
import { runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { EVENT_VERSIONS, storedEventSchema } from "../../src/domain/events";
import type { BoardState } from "../../src/domain/model";
import { snapshotOf } from "../../src/domain/views";
import log from "../fixtures/board-v1.ndjson?raw";
import { expectedV1 as expected } from "../fixtures/boardV1Expected";
import { roomOf } from "./helpers";

// The same checked-in v1 log (see test/domain/fixture.test.ts), this time as rows in
// a board's SQLite event table: the storage read path must upcast old rows too.

it("a board whose SQLite log holds v1 events reads and replays them in the current shape", async () => {
  const rows = log
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => storedEventSchema.parse(JSON.parse(line)));
  const stub = roomOf("fixture-board-v1");
  await runInDurableObject(stub, (_instance, state) => {
    for (const e of rows) {
      state.storage.sql.exec(
        "INSERT INTO events (seq, op_id, actor, at, type, v, payload) VALUES (?, ?, ?, ?, ?, ?, ?)",
        e.seq,
        e.opId,
        e.actor,
        e.at,
        e.type,
        e.v,
        JSON.stringify(e.payload),
      );
    }
  });

  const { events } = await stub.events(0, 1000);
  expect(events).toHaveLength(rows.length);
  for (const event of events) expect(event.v).toBe(EVENT_VERSIONS[event.type]);
  expect(events.find((e) => e.seq === 15)?.payload).toEqual({
    key: "WEB-2",
    changes: { priority: "highest", storyPoints: 5 },
    previous: {},
  });

  const replayed = await stub.stateAt(rows.length);
  expect(replayed).toEqual(snapshotOf(expected as BoardState));
});
