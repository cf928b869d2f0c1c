/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";
import {
  BOARD_LOG_FORMAT,
  type BoardLog,
  BoardLogError,
  boardLogFileName,
  boardLogHeader,
  boardLogLine,
  type ReadOptions,
  readBoardLog,
  rebrandLog,
} from "../../src/domain/boardLog";
import { type StoredEvent, upcast } from "../../src/domain/events";
import { replay } from "../../src/domain/evolve";
import type { BoardState } from "../../src/domain/model";
import fixture from "../fixtures/board-v1.ndjson?raw";
import { expectedV1 as expected } from "../fixtures/boardV1Expected";

// Reading a board log file: everything import and the replay CLI rely on. The
// checked-in v1 fixture is a bare list of events (no header); `withHeader` gives it
// the header an export writes.

// biome-ignore lint/suspicious/noExplicitAny: events are edited loosely, to break them
type Json = Record<string, any>;

const fixtureEvents: Json[] = fixture
  .split("\n")
  .filter((l) => l !== "")
  .map((l) => JSON.parse(l));
const header = boardLogHeader(
  { id: "brd_5e1f0c2a9b3d47e8a6c1f2d0", name: "Website relaunch", key: "WEB", mode: "kanban" },
  fixtureEvents.length,
  "2026-03-03T08:00:00.000Z",
);
const text = (lines: unknown[]) =>
  lines.map((l) => (typeof l === "string" ? `${l}\n` : `${JSON.stringify(l)}\n`)).join("");
const withHeader = (events: unknown[] = fixtureEvents) => text([header, ...events]);
const IMPORT: ReadOptions = { requireHeader: true, requireLiveBoard: true };
const CLI: ReadOptions = { requireHeader: false, requireLiveBoard: false };

/** The events with the one at `seq` replaced by `edit(event)` (undefined drops it). */
function editing(seq: number, edit: (event: Json) => Json | undefined): Json[] {
  return fixtureEvents.flatMap((e) => {
    if (e.seq !== seq) return [e];
    const edited = edit(structuredClone(e));
    return edited === undefined ? [] : [edited];
  });
}

function refusal(file: string, options: ReadOptions = IMPORT): BoardLogError {
  try {
    readBoardLog(file, options);
  } catch (error) {
    if (error instanceof BoardLogError) return error;
    throw error;
  }
  throw new Error("the log was accepted");
}

describe("reading a board log", () => {
  it("folds the checked-in v1 log to the board it must replay to, keeping old versions as stored", () => {
    const log = readBoardLog(withHeader(), IMPORT);
    expect(log.header).toEqual(header);
    expect(log.state).toStrictEqual(expected as BoardState);
    expect(log.events.map((e) => e.seq)).toEqual(fixtureEvents.map((_, i) => i + 1));
    const old = log.events.find((e) => e.seq === 9);
    expect(old).toEqual(fixtureEvents[8]);
    expect(old?.v).toBe(1);
    expect(replay(log.events.map(upcast))).toStrictEqual(expected);
  });

  it("reads a bare list of events when the caller allows it (the replay CLI), but import wants the header", () => {
    expect(readBoardLog(fixture, CLI).header).toBeNull();
    expect(readBoardLog(fixture, CLI).state).toStrictEqual(expected);
    const error = refusal(fixture);
    expect(error.line).toBe(1);
    expect(error.message).toMatch(/^Line 1: this is not a board-log header/);
  });

  it("tolerates CRLF line ends and blank lines, and still counts them when it names a line", () => {
    const lines = withHeader().split("\n");
    const crlf = `${lines.join("\r\n")}\r\n\r\n`;
    expect(readBoardLog(crlf, IMPORT).state).toStrictEqual(expected);

    const spaced = text([header, "", fixtureEvents[0], "   ", ...editing(3, () => undefined).slice(1)]);
    // header 1, blank 2, seq 1 on 3, blank 4, seq 2 on 5, then seq 4 on line 6.
    expect(refusal(spaced).line).toBe(6);
  });

  it("drops fields a current-version payload does not define, so they never reach the board", () => {
    const file = withHeader(
      editing(34, (e) => ({
        ...e,
        payload: { ...e.payload, changes: { ...e.payload.changes, stamps: {} }, extra: 1 },
      })),
    );
    const event = readBoardLog(file, IMPORT).events.at(-1) as StoredEvent;
    expect(event.payload).toEqual({
      key: "WEB-5",
      changes: { description: "Use actions/cache keyed on the lockfile.", assigneeId: "usr_ben" },
      previous: { description: "", assigneeId: null },
    });
  });

  describe("refuses, naming the first bad line", () => {
    // Line numbers: the header is line 1, so the event with seq N is on line N + 1.
    const cases: [string, () => string, number, RegExp][] = [
      ["an empty file", () => "", 1, /the file is empty/],
      ["a file of blank lines", () => "\n\n  \n", 1, /the file is empty/],
      ["a header and nothing else", () => text([header]), 2, /a header but no events/],
      ["a header that is not JSON", () => `{"format": "lanes-board-log"\n${text(fixtureEvents)}`, 1, /not valid JSON/],
      ["another format", () => text([{ ...header, format: "jira" }, ...fixtureEvents]), 1, /not a Lanes board log/],
      ["a newer version", () => text([{ ...header, version: 9 }, ...fixtureEvents]), 1, /version 9, newer/],
      [
        "a header missing its board",
        () => text([{ format: BOARD_LOG_FORMAT, version: 1, seq: 34, exportedAt: "x" }, ...fixtureEvents]),
        1,
        /the header is not valid \(board: /,
      ],
      [
        "a header of another board",
        () => text([{ ...header, board: { ...header.board, key: "DOC" } }, ...fixtureEvents]),
        1,
        /header names board DOC .* but the events are those of WEB/,
      ],
      [
        "a header that counts more events than the file holds",
        () => withHeader(fixtureEvents.slice(0, 30)),
        32,
        /ends at seq 30, but its header says the board had 34 events: the file was cut short/,
      ],
      [
        "a header that counts fewer events",
        () => text([{ ...header, seq: 20 }, ...fixtureEvents]),
        1,
        /says the board had 20 events, but the file holds 34/,
      ],
      ["a gap", () => withHeader(editing(7, () => undefined)), 8, /expected seq 7 but found 8: event 7 is missing/],
      [
        "a bigger gap",
        () => withHeader(fixtureEvents.filter((e) => e.seq < 7 || e.seq > 9)),
        8,
        /events 7–9 are missing/,
      ],
      [
        "events out of order",
        () => withHeader([...fixtureEvents.slice(0, 5), fixtureEvents[6], fixtureEvents[5], ...fixtureEvents.slice(7)]),
        7,
        /expected seq 6 but found 7/,
      ],
      [
        "a repeated event",
        () => withHeader([...fixtureEvents.slice(0, 5), fixtureEvents[4], ...fixtureEvents.slice(5)]),
        7,
        /expected seq 6 but found 5: events must appear once each/,
      ],
      [
        "a reused opId",
        () => withHeader(editing(6, (e) => ({ ...e, opId: fixtureEvents[2]?.opId }))),
        7,
        /opId .* was already used by the event on line 4/,
      ],
      ["a line that is not an object", () => withHeader(editing(3, () => [1, 2])), 4, /not a JSON object/],
      [
        "a line missing a field",
        () => withHeader(editing(3, ({ actor: _a, ...e }) => e)),
        4,
        /not a stored event \(actor: /,
      ],
      [
        "an unknown event type",
        () => withHeader(editing(3, (e) => ({ ...e, type: "column.teleported" }))),
        4,
        /"column.teleported" is not an event type this build knows/,
      ],
      [
        "a version newer than this build",
        () => withHeader(editing(3, (e) => ({ ...e, v: 5 }))),
        4,
        /column.added version 5 is newer than this build knows \(version 1\)/,
      ],
      [
        "an old-version payload upcast cannot make valid",
        () => withHeader(editing(9, (e) => ({ ...e, payload: { key: "WEB-1", changes: "everything" } }))),
        10,
        /this task.updated v1 event is not valid \(payload\.changes: /,
      ],
      [
        "a current-version payload that fails its schema",
        () => withHeader(editing(14, (e) => ({ ...e, payload: { ...e.payload, labels: { added: "css" } } }))),
        15,
        /the task.updated payload is not valid \(payload\.labels\.added: /,
      ],
      [
        "a first event that is not board.created",
        () =>
          withHeader(editing(1, (e) => ({ ...e, type: "board.renamed", payload: { name: "a", previousName: "b" } }))),
        2,
        /must start with board.created, but this first event is board.renamed/,
      ],
      [
        "a second board.created",
        () => withHeader(editing(2, () => ({ ...fixtureEvents[0], seq: 2, opId: "again" }))),
        3,
        /already created/,
      ],
      [
        "a board key that is not a key",
        () => text(editing(1, (e) => ({ ...e, payload: { ...e.payload, key: "web site" } }))),
        1,
        /board key "web site" is not valid/,
      ],
      [
        "a task whose key is not the board's",
        () => withHeader(editing(5, (e) => ({ ...e, payload: { task: { ...e.payload.task, key: "DOC-1" } } }))),
        6,
        /task DOC-1 does not follow the board's key/,
      ],
      [
        "a task number used twice",
        () =>
          withHeader(editing(6, (e) => ({ ...e, payload: { task: { ...e.payload.task, key: "WEB-1", number: 1 } } }))),
        7,
        /task WEB-1 was created before/,
      ],
      [
        "a task in a column that does not exist",
        () => withHeader(editing(5, (e) => ({ ...e, payload: { task: { ...e.payload.task, columnId: "nowhere" } } }))),
        6,
        /names column "nowhere", which does not exist/,
      ],
      [
        "a move to a column that does not exist",
        () => withHeader(editing(10, (e) => ({ ...e, payload: { ...e.payload, toColumnId: "nowhere" } }))),
        11,
        /task.moved names column "nowhere"/,
      ],
      [
        "an edit of a task that does not exist yet",
        () => withHeader(editing(9, (e) => ({ ...e, payload: { ...e.payload, key: "WEB-6" } }))),
        10,
        /task.updated names task WEB-6, which does not exist at this point of the log/,
      ],
      [
        "a comment on a deleted task",
        () => withHeader(editing(32, (e) => ({ ...e, payload: { ...e.payload, key: "WEB-3" } }))),
        33,
        /comment.added names task WEB-3/,
      ],
      [
        "an edit of a comment that does not exist",
        () => withHeader(editing(13, (e) => ({ ...e, payload: { ...e.payload, commentId: "cmt_nope" } }))),
        14,
        /comment.edited names comment cmt_nope/,
      ],
      [
        "a member added twice",
        () => withHeader(editing(2, (e) => ({ ...e, payload: { ...e.payload, userId: "usr_ana" } }))),
        3,
        /usr_ana is already a member of the board/,
      ],
      [
        "a column added twice",
        () => withHeader(editing(26, (e) => ({ ...e, payload: { column: { ...e.payload.column, id: "col_3" } } }))),
        27,
        /column "col_3" already exists/,
      ],
      [
        "a log that deletes its board, for import",
        () =>
          withHeader([
            ...fixtureEvents.slice(0, 33),
            { ...fixtureEvents[18], seq: 34, opId: "del", type: "board.deleted", payload: {} },
          ]),
        35,
        /deletes the board, and a deleted board cannot be imported/,
      ],
      [
        "an event after the board was deleted",
        () =>
          text([
            ...fixtureEvents.slice(0, 19),
            { ...fixtureEvents[19], seq: 20, opId: "del", type: "board.deleted", payload: {} },
            { ...fixtureEvents[20], seq: 21 },
          ]),
        21,
        /the board was deleted at .*; no event can follow its deletion/,
      ],
      [
        "a line that is not JSON in the middle",
        () => withHeader(fixtureEvents).replace('"seq":5,', '"seq":5,,'),
        6,
        /this line is not valid JSON \(.*\); each line must be one JSON object/,
      ],
      [
        "a last line cut short",
        () => withHeader().slice(0, -40),
        35,
        /this line is not complete JSON \(.*\); the file looks cut short/,
      ],
    ];

    for (const [what, file, line, message] of cases) {
      it(what, () => {
        const options = what === "a board key that is not a key" || what.startsWith("an event after") ? CLI : IMPORT;
        const error = refusal(file(), options);
        expect(error.line).toBe(line);
        expect(error.message).toMatch(new RegExp(`^Line ${line}: `));
        expect(error.problem).toMatch(message);
      });
    }

    it("accepts a deleted board where the caller allows it (the replay CLI)", () => {
      const deleted = text([
        ...fixtureEvents,
        {
          ...fixtureEvents[0],
          seq: 35,
          opId: "del",
          type: "board.deleted",
          at: "2026-03-03T00:00:00.000Z",
          payload: {},
        },
      ]);
      expect(readBoardLog(deleted, CLI).state.board?.deletedAt).toBe("2026-03-03T00:00:00.000Z");
    });
  });
});

describe("rebranding a log for a new board", () => {
  const log: BoardLog = readBoardLog(withHeader(), IMPORT);
  // Ana owns the fixture board: her import adds no membership fact of her own, but
  // removes Ben, the log's other member (access is never carried over).
  const stamp = { opId: "op-import", actor: "usr_ana", actorName: "Ana Ortiz", at: "2026-04-01T00:00:00.000Z" };
  /** What the importer appends to remove Ben from the fixture board, as the `i`-th added fact at `seq`. */
  const benRemoved = (seq: number, i: number, actor = "usr_ana"): StoredEvent => ({
    seq,
    opId: `op-import:${i}:member.removed`,
    actor,
    at: stamp.at,
    type: "member.removed",
    v: 1,
    payload: { userId: "usr_ben", previousRole: "member" },
  });

  it("gives board.created the new id, and everything else stays as recorded", () => {
    const events = rebrandLog(log, { boardId: "brd_new" }, stamp);
    expect(events[0]?.payload).toEqual({ ...log.events[0]?.payload, boardId: "brd_new" });
    expect(events.slice(1, log.events.length)).toEqual(log.events.slice(1));
    // The one fact the log did not hold: Ben, its other member, is removed by the importer.
    expect(events.slice(log.events.length)).toEqual([benRemoved(35, 0)]);
    const state = replay(events.map(upcast));
    expect(state.board?.id).toBe("brd_new");
    expect(state.members).toEqual({ usr_ana: { userId: "usr_ana", name: "Ana Ortiz", role: "owner" } });
  });

  it("renames every task key, parents and old-version payloads included, and folds to the same board", () => {
    const events = rebrandLog(log, { boardId: "brd_new", key: "NEW" }, stamp);
    expect(JSON.stringify(events)).not.toMatch(/"WEB-\d+"/);
    const state = replay(events.map(upcast));
    expect(Object.keys(state.tasks).sort()).toEqual(["NEW-1", "NEW-2", "NEW-4", "NEW-5", "NEW-6"]);
    expect(state.tasks["NEW-5"]?.parentKey).toBe("NEW-1");
    expect(events.find((e) => e.seq === 9)).toMatchObject({ v: 1, payload: { key: "NEW-1" } });
    expect(state.board).toMatchObject({ id: "brd_new", key: "NEW", name: "Website relaunch" });
    // The same board, key for key, less Ben's access and one event later: rename the
    // expected state's keys back and compare.
    const { usr_ben, ...others } = expected.members;
    expect(usr_ben).toEqual({ userId: "usr_ben", name: "Ben Okafor", role: "member" });
    const back = JSON.parse(JSON.stringify(state).replace(/"NEW-(\d+)"/g, '"WEB-$1"'));
    expect({ ...back, board: { ...back.board, id: log.state.board?.id, key: "WEB" } }).toStrictEqual({
      ...expected,
      seq: expected.seq + 1,
      members: others,
    });
  });

  it("leaves a string that only mentions a key, or a key of another board, alone", () => {
    const file = withHeader(
      editing(12, (e) => ({ ...e, payload: { ...e.payload, body: "Same as WEB-2, see DOC-2" } })).map((e) =>
        e.seq === 8 ? { ...e, payload: { task: { ...e.payload.task, labels: ["WEB-2x", "DOC-4"] } } } : e,
      ),
    );
    const events = rebrandLog(readBoardLog(file, IMPORT), { boardId: "b", key: "NEW" }, stamp);
    expect(events.find((e) => e.seq === 12)?.payload.body).toBe("Same as WEB-2, see DOC-2");
    expect(events.find((e) => e.seq === 8)?.payload.task).toMatchObject({ key: "NEW-4", labels: ["WEB-2x", "DOC-4"] });
  });

  it("records a new name after the log's own renames, by the importer, so history reads true", () => {
    const events = rebrandLog(log, { boardId: "b", name: "Copy" }, stamp);
    expect(events).toHaveLength(log.events.length + 2);
    expect(events[0]?.payload.name).toBe("Website");
    // The rename comes last, after the removal of the log's other member.
    expect(events.slice(log.events.length)).toEqual([
      benRemoved(35, 0),
      {
        seq: 36,
        opId: "op-import:1:board.renamed",
        actor: "usr_ana",
        at: stamp.at,
        type: "board.renamed",
        v: 1,
        payload: { name: "Copy", previousName: "Website relaunch" },
      },
    ]);
    expect(replay(events.map(upcast)).board?.name).toBe("Copy");
    // The log's own last name: no rename is added, only the removal.
    expect(rebrandLog(log, { boardId: "b", name: "Website relaunch" }, stamp).slice(log.events.length)).toEqual([
      benRemoved(35, 0),
    ]);
  });

  it("makes the importer an owner of the new board when the log does not", () => {
    const stranger = { ...stamp, actor: "usr_new", actorName: "Nia New" };
    const joined = rebrandLog(log, { boardId: "b", name: "Copy" }, stranger);
    const by = (seq: number, i: number, type: string) => ({
      seq,
      opId: `op-import:${i}:${type}`,
      actor: "usr_new",
      at: stamp.at,
      type,
      v: 1,
    });
    expect(joined.slice(log.events.length)).toEqual([
      { ...by(35, 0, "member.added"), payload: { userId: "usr_new", name: "Nia New", role: "owner" } },
      { ...by(36, 1, "member.removed"), payload: { userId: "usr_ana", previousRole: "owner" } },
      benRemoved(37, 2, "usr_new"),
      { ...by(38, 3, "board.renamed"), payload: { name: "Copy", previousName: "Website relaunch" } },
    ]);
    // The importer is the board's only member: its owner.
    expect(replay(joined.map(upcast)).members).toEqual({
      usr_new: { userId: "usr_new", name: "Nia New", role: "owner" },
    });

    // Ben is a member of the fixture board: he is promoted, not added twice, and Ana is removed.
    const promoted = rebrandLog(log, { boardId: "b" }, { ...stamp, actor: "usr_ben", actorName: "Ben" });
    expect(promoted.slice(log.events.length)).toEqual([
      {
        seq: 35,
        opId: "op-import:0:member.roleChanged",
        actor: "usr_ben",
        at: stamp.at,
        type: "member.roleChanged",
        v: 1,
        payload: { userId: "usr_ben", role: "owner", previousRole: "member" },
      },
      {
        seq: 36,
        opId: "op-import:1:member.removed",
        actor: "usr_ben",
        at: stamp.at,
        type: "member.removed",
        v: 1,
        payload: { userId: "usr_ana", previousRole: "owner" },
      },
    ]);
    expect(replay(promoted.map(upcast)).members).toEqual({
      usr_ben: { userId: "usr_ben", name: "Ben Okafor", role: "owner" },
    });
    // The result is itself a valid log.
    const header2 = { ...header, seq: joined.length, board: { ...header.board, id: "b" } };
    const reread = readBoardLog(text([header2, ...joined]), IMPORT);
    expect(reread.state.board?.name).toBe("Copy");
    expect(Object.keys(reread.state.members)).toEqual(["usr_new"]);
  });

  it("removes every other member of the log's last state, each once, under its own opId", () => {
    const at = "2026-03-03T00:00:00.000Z";
    const member = (seq: number, type: string, payload: Json) => ({
      seq,
      opId: `m${seq}`,
      actor: "usr_ana",
      at,
      type,
      v: 1,
      payload,
    });
    const crowded = readBoardLog(
      text([
        ...fixtureEvents,
        member(35, "member.added", { userId: "usr_cy", name: "Cy", role: "viewer" }),
        member(36, "member.added", { userId: "usr_dee", name: "Dee", role: "member" }),
        member(37, "member.roleChanged", { userId: "usr_cy", role: "owner", previousRole: "viewer" }),
        // Dee already left: the log removes her itself, and the import does not again.
        member(38, "member.removed", { userId: "usr_dee", previousRole: "member" }),
      ]),
      CLI,
    );
    const events = rebrandLog(crowded, { boardId: "b" }, { ...stamp, actor: "usr_ida", actorName: "Ida" });
    const added = events.slice(crowded.events.length);
    expect(added.map((e) => [e.seq, e.opId, e.actor, e.type, e.payload])).toEqual([
      [39, "op-import:0:member.added", "usr_ida", "member.added", { userId: "usr_ida", name: "Ida", role: "owner" }],
      [40, "op-import:1:member.removed", "usr_ida", "member.removed", { userId: "usr_ana", previousRole: "owner" }],
      [41, "op-import:2:member.removed", "usr_ida", "member.removed", { userId: "usr_ben", previousRole: "member" }],
      [42, "op-import:3:member.removed", "usr_ida", "member.removed", { userId: "usr_cy", previousRole: "owner" }],
    ]);
    expect(replay(events.map(upcast)).members).toEqual({ usr_ida: { userId: "usr_ida", name: "Ida", role: "owner" } });
    // Every opId is its own, so the result reads back as a log.
    expect(new Set(events.map((e) => e.opId)).size).toBe(events.length);
    expect(readBoardLog(text(events), CLI).state.seq).toBe(42);
  });

  it("writes a new name into board.created when the log never renamed the board", () => {
    const short = readBoardLog(text(fixtureEvents.slice(0, 10)), CLI);
    const events = rebrandLog(short, { boardId: "b", name: "Copy" }, stamp);
    // No board.renamed is added: only the removal of Ben, a member by seq 2.
    expect(events.slice(10)).toEqual([benRemoved(11, 0)]);
    expect(events[0]?.payload.name).toBe("Copy");
    expect(replay(events.map(upcast)).board?.name).toBe("Copy");
  });
});

describe("the file around the events", () => {
  it("names the download after the board's key and the day of the export", () => {
    expect(boardLogFileName("WEB", "2026-11-24T23:59:59.000Z")).toBe("WEB-2026-11-24.ndjson");
  });

  it("writes one JSON value per line, and what it writes reads back", () => {
    const file = boardLogLine(header) + fixtureEvents.map((e) => boardLogLine(e as StoredEvent)).join("");
    expect(file.split("\n")).toHaveLength(fixtureEvents.length + 2);
    expect(readBoardLog(file, IMPORT).state).toStrictEqual(expected);
  });
});
