import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { boardLogHeader, boardLogLine } from "../../src/domain/boardLog";
import type { BoardEvent } from "../../src/domain/events";
import { replay } from "../../src/domain/evolve";
import { cumulativeFlow, cycleTime } from "../../src/reporting/flowReports";
import { replayFacts } from "../../src/reporting/reportFacts";
import { otherRows, reportSubscriber } from "../../src/reporting/reportProjector";
import { burndown, sprintSummary, velocity } from "../../src/reporting/sprintReports";
import { timesheetGrid } from "../../src/reporting/timesheetReport";
import { ANA, OLGA, reportsBoard } from "../fixtures/reportsBoard";
import {
  type Answer,
  call,
  expectError,
  type Json,
  me,
  newBoard,
  type Person,
  rawCall,
  roomOf,
  signUp,
  subscriberDueAt,
  uniqueBoardKey,
  withinOnePeriod,
} from "./helpers";

// The reports API over D1, fed by the board's subscriber: the scripted board
// (test/fixtures/reportsBoard.ts) imported as its log, asked every report, and the
// answers checked against the figures worked out by hand and against the same
// reports computed from a replay of the board's log.

const H = 3600;
const REPORT_TABLES = [
  "report_boards",
  "report_columns",
  "report_tasks",
  "report_transitions",
  "report_sprints",
  "report_scope_changes",
  "report_estimates",
  "report_worklogs",
];

interface Imported {
  id: string;
  key: string;
  sprint1: string;
  sprint2: string;
  events: BoardEvent[];
}

let fixture: Imported;

async function importFixture(): Promise<Imported> {
  const { events, state, sprint1, sprint2 } = reportsBoard();
  const board = state.board as NonNullable<typeof state.board>;
  const file = [boardLogHeader(board, state.seq, "2026-03-20T00:00:00.000Z"), ...events].map(boardLogLine).join("");
  const key = uniqueBoardKey("R");
  const res = await rawCall("POST", `/boards/import?key=${key}`, file, { "content-type": "application/x-ndjson" });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const id: string = res.body.board.id;
  await deliver(id);
  return { id, key, sprint1, sprint2, events: await logOf(id) };
}

async function deliver(boardId: string): Promise<void> {
  await runDurableObjectAlarm(roomOf(boardId));
}

async function logOf(boardId: string): Promise<BoardEvent[]> {
  const res = await call("GET", `/boards/${boardId}/events?after=0&limit=1000`);
  expect(res.status).toBe(200);
  return res.body.events;
}

function report(path: string, as?: Person): Promise<Answer> {
  return call("GET", path, undefined, {}, as);
}

async function ok(path: string): Promise<Json> {
  const res = await report(path);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** The id the board's report rows are under (report_generations; the board's own id until a rebuild). */
async function rowsIdOf(boardId: string): Promise<string> {
  const row = await env.DB.prepare("SELECT rows_id FROM report_generations WHERE board_id = ?").bind(boardId).first();
  return (row?.rows_id as string | undefined) ?? boardId;
}

/** Every report row D1 holds under this id, table by table, sorted, without the id. */
async function rowsUnder(rowsId: string): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of REPORT_TABLES) {
    const { results } = await env.DB.prepare(`SELECT * FROM ${table} WHERE board_id = ?`).bind(rowsId).all();
    out[table] = results.map(({ board_id, ...row }) => JSON.stringify(row)).sort();
  }
  return out;
}

/** The board's report rows, as its reports read them. */
async function projection(boardId: string): Promise<Record<string, unknown[]>> {
  return rowsUnder(await rowsIdOf(boardId));
}

async function reportsSubscriber(boardId: string): Promise<Json> {
  const res = await call("GET", `/boards/${boardId}/subscribers`);
  expect(res.status).toBe(200);
  return res.body.subscribers.find((s: Json) => s.name === "reports");
}

/** Runs the board's alarms until its reports are rebuilt and caught up; the progress seen after each run. */
async function rebuildToTheEnd(boardId: string): Promise<Json[]> {
  const seen: Json[] = [];
  for (let run = 0; run < 50; run++) {
    await deliver(boardId);
    const reports = await reportsSubscriber(boardId);
    seen.push(reports.rebuild);
    if (reports.rebuild === null && reports.lag === 0) return seen;
  }
  throw new Error(`the rebuild did not finish: ${JSON.stringify(seen.at(-1))}`);
}

/** What live delivery writes for `events`, in batches as the alarm hands them over, under a board id of its own. */
async function deliveredLive(events: BoardEvent[]): Promise<Record<string, unknown[]>> {
  const id = `brd_reference_${crypto.randomUUID()}`;
  const state = replay(events);
  const subscriber = reportSubscriber(env.DB);
  for (let i = 0; i < events.length; i += 200) {
    await subscriber.deliver({ boardId: id, events: events.slice(i, i + 200), state });
  }
  return projection(id);
}

/** Waits out the last seconds of a UTC day, so a test that reads "today" writes and reads within one. */
const withinOneDay = (needsMs: number) => withinOnePeriod(86_400_000, needsMs);

beforeAll(async () => {
  await me();
  fixture = await importFixture();
});

describe("reports of the scripted board, from D1", () => {
  it("burns sprint 1 down with its scope changes marked, the ideal line and the carried-over end", async () => {
    const { id, key, sprint1 } = fixture;
    const body = await ok(`/boards/${id}/reports/burndown?sprint=${sprint1}`);
    expect(body.unit).toBe("points");
    expect(body.series.map((p: Json) => [p.remaining, p.scope, p.scopeChange])).toEqual([
      [10, 10, false],
      [7, 10, false],
      [15, 18, true],
      [13, 16, true],
      [10, 16, false],
      [8, 14, true],
    ]);
    expect(body.series[2].changes).toEqual([{ kind: "added", key: `${key}-4`, delta: 8 }]);
    expect(body.ideal.map((d: Json) => d.remaining)).toEqual([10, 8, 6, 6, 6, 4, 2, 0]);
    const time = await ok(`/boards/${id}/reports/burndown?sprint=${sprint1}&unit=time`);
    expect(time.series.at(-1).remaining).toBe(5 * H);
  });

  it("answers the sprint report, velocity, cumulative flow and cycle time with the figures worked out by hand", async () => {
    const { id, key, sprint1 } = fixture;
    const sprint = await ok(`/boards/${id}/reports/sprint?sprint=${sprint1}`);
    expect(sprint.completed).toEqual({
      points: 6,
      items: [
        { key: `${key}-1`, title: "Login", points: 3 },
        { key: `${key}-2`, title: "Signup", points: 3 },
      ],
    });
    expect([sprint.notCompleted.points, sprint.addedAfterStart.points, sprint.removedAfterStart.points]).toEqual([
      8, 8, 2,
    ]);

    const speed = await ok(`/boards/${id}/reports/velocity`);
    expect(speed.sprints.map((s: Json) => [s.committed, s.completed])).toEqual([
      [10, 6],
      [9, 9],
    ]);

    const flow = await ok(`/boards/${id}/reports/cfd?from=2026-03-05&to=2026-03-10`);
    expect(flow.days.map((d: Json) => [d.counts.todo, d.counts.in_progress, d.counts.done])).toEqual([
      [4, 0, 1],
      [3, 1, 1],
      [3, 1, 1],
      [3, 1, 1],
      [3, 0, 2],
      [2, 1, 2],
    ]);

    const cycle = await ok(`/boards/${id}/reports/cycle-time?from=2026-03-01&to=2026-03-31&window=2`);
    expect(cycle.points.map((p: Json) => p.key)).toEqual([`${key}-1`, `${key}-2`, `${key}-4`, `${key}-5`]);
    expect([cycle.cycle.p50Seconds, cycle.cycle.p85Seconds, cycle.cycle.p95Seconds]).toEqual([27 * H, 78 * H, 78 * H]);
    expect(cycle.throughput.map((w: Json) => w.count)).toEqual([0, 1, 2, 1, 0, 0]);
  });

  it("puts worklogs on the viewer's days: New York sees olga's late-night work on the 5th", async () => {
    const { id } = fixture;
    const path = `/boards/${id}/reports/timesheet?from=2026-03-05&to=2026-03-07`;
    const ny = await ok(`${path}&timeZone=America/New_York`);
    expect(ny.people.map((p: Json) => [p.userId, p.days])).toEqual([
      [ANA, [0, 5400, 0]],
      [OLGA, [7200, 0, 0]],
    ]);
    const tokyo = await ok(`${path}&timeZone=Asia/Tokyo`);
    expect(tokyo.dayTotals).toEqual([0, 7200, 5400]);
    const olga = await ok(`${path}&timeZone=UTC&userId=${OLGA}`);
    expect(olga.people.map((p: Json) => p.userId)).toEqual([OLGA]);
    expect(olga.totalSeconds).toBe(7200);
  });

  it("gives the same figures as computing each report from a replay of the board's log", async () => {
    const { id, sprint1, sprint2, events } = fixture;
    const rows = replayFacts(id, events, replay(events)).rows();
    // Each answer also says it holds the whole log.
    const through = { throughSeq: events.at(-1)?.seq };
    const scoped = (sprintId: string) => {
      const sprint = rows.sprints.find((s) => s.sprintId === sprintId);
      if (!sprint) throw new Error("no sprint");
      return { ...rows, sprint, scope: rows.scope.filter((r) => r.sprintId === sprintId) };
    };
    for (const sprintId of [sprint1, sprint2]) {
      const unit = "points";
      expect(await ok(`/boards/${id}/reports/burndown?sprint=${sprintId}&timeZone=Europe/Paris`)).toEqual({
        ...burndown({ ...scoped(sprintId), unit, workingDays: [1, 2, 3, 4, 5], timeZone: "Europe/Paris" }),
        ...through,
      });
      expect(await ok(`/boards/${id}/reports/sprint?sprint=${sprintId}`)).toEqual({
        ...sprintSummary(scoped(sprintId)),
        ...through,
      });
    }
    expect(await ok(`/boards/${id}/reports/velocity`)).toEqual({ ...velocity(rows.sprints, 7), ...through });
    const range = { from: "2026-03-03", to: "2026-03-20", timeZone: "Asia/Kolkata" };
    const query = `from=${range.from}&to=${range.to}&timeZone=${range.timeZone}`;
    expect(await ok(`/boards/${id}/reports/cfd?${query}`)).toEqual({
      ...cumulativeFlow({ ...rows, ...range }),
      ...through,
    });
    for (const timeZone of ["UTC", "Europe/Paris", "Pacific/Chatham"]) {
      const zoned = { ...range, timeZone };
      expect(await ok(`/boards/${id}/reports/cfd?from=${range.from}&to=${range.to}&timeZone=${timeZone}`)).toEqual({
        ...cumulativeFlow({ ...rows, ...zoned }),
        ...through,
      });
    }
    expect(await ok(`/boards/${id}/reports/cycle-time?${query}`)).toEqual({
      ...cycleTime({ ...rows, ...range, window: 7 }),
      ...through,
    });
    const sheet = await ok(`/boards/${id}/reports/timesheet?${query}`);
    const expected = timesheetGrid({ worklogs: rows.worklogs, ...range });
    expect([sheet.people.map((p: Json) => p.days), sheet.totalSeconds]).toEqual([
      expected.people.map((p) => p.days),
      expected.totalSeconds,
    ]);
  });

  it("exports every report as CSV", async () => {
    const { id, sprint1 } = fixture;
    const heads: Record<string, string> = {
      [`burndown?sprint=${sprint1}`]: "seq,at,date,remaining,scope,completed,scope_change,changes,unit",
      [`sprint?sprint=${sprint1}`]: "group,key,title,points",
      velocity: "sprint_id,name,completed_at,committed,completed,added_after_start,removed_after_start,carried_over",
      "cfd?from=2026-03-05&to=2026-03-06": "date,To Do,In Progress,Done,total",
      "cycle-time?from=2026-03-01&to=2026-03-31":
        "key,title,type,created_at,started_at,resolved_at,cycle_seconds,lead_seconds,rolling_average_seconds",
      "timesheet?from=2026-03-05&to=2026-03-06": "user_id,name,2026-03-05,2026-03-06,total_seconds",
    };
    for (const [path, head] of Object.entries(heads)) {
      const res = await report(`/boards/${id}/reports/${path}${path.includes("?") ? "&" : "?"}format=csv`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
      expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename=".+\.csv"$/);
      expect(String(res.body).split("\r\n")[0], path).toBe(head);
    }
    const flow = await report(`/boards/${id}/reports/cfd?from=2026-03-05&to=2026-03-06&format=csv`);
    expect(flow.body).toBe("date,To Do,In Progress,Done,total\r\n2026-03-05,4,0,1,5\r\n2026-03-06,3,1,1,5\r\n");
  });

  it("refuses bad questions with a clear error", async () => {
    const { id, sprint1 } = fixture;
    const base = `/boards/${id}/reports`;
    expectError(await report(`${base}/burndown?sprint=spr_nope`), 404, "sprint_not_found");
    expectError(await report(`${base}/sprint?sprint=spr_nope`), 404, "sprint_not_found");
    expectError(await report(`${base}/burndown?sprint=${sprint1}&unit=hours`), 400, "invalid_request");
    expectError(await report(`${base}/burndown?sprint=${sprint1}&timeZone=Mars/Olympus`), 400, "invalid_time_zone");
    expectError(await report(`${base}/cfd?from=2020-01-01&to=2026-01-01`), 400, "range_too_large");
    expectError(await report(`${base}/cfd?from=2026-03-10&to=2026-03-01`), 400, "invalid_range");
    expectError(
      await report(`${base}/cycle-time?from=2026-03-01&to=2026-03-31&timeZone=nowhere`),
      400,
      "invalid_time_zone",
    );
    expectError(await report(`${base}/timesheet?from=yesterday`), 400, "invalid_request");
    expectError(await report(`${base}/velocity?sprints=0`), 400, "invalid_request");
    expectError(await report("/reports/timesheet?from=2019-01-01&to=2026-01-01"), 400, "range_too_large");

    const fresh = await newBoard({ mode: "scrum" });
    const created = await call("POST", `/boards/${fresh.id}/sprints`, { name: "Not yet" });
    await deliver(fresh.id);
    const error = expectError(
      await report(`/boards/${fresh.id}/reports/burndown?sprint=${created.body.sprint.id}`),
      422,
      "sprint_not_started",
    );
    expect(error.message).toContain("Not yet");
  });
});

describe("the projection", () => {
  it("rebuilds from the log into fresh rows equal to the live ones, replacing rows that drifted", async () => {
    const { id } = fixture;
    const live = await projection(id);
    expect(live.report_transitions?.length).toBeGreaterThan(10);
    // Rows lost or changed behind the projector's back…
    const rows = await rowsIdOf(id);
    await env.DB.prepare("DELETE FROM report_transitions WHERE board_id = ? AND seq > 20").bind(rows).run();
    await env.DB.prepare("UPDATE report_worklogs SET seconds = 1 WHERE board_id = ?").bind(rows).run();
    expect(await projection(id)).not.toEqual(live);
    // …come back as they were after a rebuild.
    expect((await call("POST", `/boards/${id}/subscribers/reports/rebuild`)).status).toBe(202);
    await rebuildToTheEnd(id);
    expect(await projection(id)).toEqual(live);
    expect(await reportsSubscriber(id)).toMatchObject({ lag: 0, failures: 0, rebuild: null });
    // The rows it replaced are gone.
    expect((await rowsUnder(otherRows(id, await rowsIdOf(id)))).report_tasks).toEqual([]);
  });

  it("rebuilds a log of many pages over several alarms and a restart, readers seeing the old rows until the swap, and keeps what was done meanwhile", async () => {
    const { id, key, events } = await importFixture();
    // The tests run with pages of 10 events, 3 pages an alarm (vitest.config.ts).
    const pages = Math.ceil(events.length / 10);
    expect(pages).toBeGreaterThan(3);
    await env.DB.prepare("DELETE FROM report_transitions WHERE board_id = ? AND seq > 20").bind(id).run();
    const before = await projection(id);
    const fresh = otherRows(id, id);
    expect((await call("POST", `/boards/${id}/subscribers/reports/rebuild`)).status).toBe(202);

    await deliver(id);
    expect((await reportsSubscriber(id)).rebuild).toEqual({ target: events.length, through: 30, pages: 3 });
    // Readers still see the rows they had; the fresh ones wait under the rebuild's id.
    expect(await projection(id)).toEqual(before);
    expect((await rowsUnder(fresh)).report_tasks?.length).toBeGreaterThan(0);

    // Work goes on during the rebuild, and the board restarts in the middle of it.
    expect((await call("POST", `/boards/${id}/tasks/${key}-3/move`, { columnId: "in_progress" })).status).toBe(200);
    const logged = await call("POST", `/boards/${id}/tasks/${key}-3/worklogs`, {
      timeSpent: "45m",
      startedAt: "2026-04-01T09:00:00Z",
    });
    expect(logged.status, JSON.stringify(logged.body)).toBe(201);
    await evictDurableObject(roomOf(id));
    const progress = await rebuildToTheEnd(id);

    // Pages of 10 events, at most 3 an alarm, up to the target: as many alarms as that takes.
    const runs = [{ target: events.length, through: 30, pages: 3 }, ...progress];
    for (const [n, p] of runs.entries()) {
      if (p === null) continue;
      expect(p.pages).toBeLessThanOrEqual(3 * (n + 1));
      expect(p.through).toBe(Math.min(10 * p.pages, events.length));
    }
    expect(runs.length).toBeGreaterThanOrEqual(Math.ceil(pages / 3));
    const all = await logOf(id);
    expect(all.length).toBe(events.length + 2);
    expect(await projection(id)).toEqual(await deliveredLive(all));
    // Readers moved to the fresh rows at once; the old ones are gone.
    expect(await rowsIdOf(id)).toBe(fresh);
    expect((await rowsUnder(id)).report_tasks).toEqual([]);
    const april = await ok(`/boards/${id}/reports/timesheet?from=2026-04-01&to=2026-04-01`);
    expect(april.totalSeconds).toBe(45 * 60);
  });

  it("changes no row when any batch of events is delivered again", async () => {
    const { id, events } = fixture;
    const before = await projection(id);
    const state = replay(events);
    const subscriber = reportSubscriber(env.DB);
    for (const [from, to] of [
      [0, events.length],
      [0, 5],
      [10, 17],
      [17, 30],
      [25, events.length],
    ] as const) {
      await subscriber.deliver({ boardId: id, events: events.slice(from, to), state });
    }
    expect(await projection(id)).toEqual(before);
  });

  it("follows changes made through the API after the import", async () => {
    const { id, key } = fixture;
    await withinOneDay(10_000);
    const moved = await call("POST", `/boards/${id}/tasks/${key}-3/move`, { columnId: "done" });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    await deliver(id);
    const today = new Date().toISOString().slice(0, 10);
    const flow = await ok(`/boards/${id}/reports/cfd?from=${today}&to=${today}`);
    expect(flow.days[0].counts).toEqual({ todo: 0, in_progress: 0, done: 5 });
    // Deleted in a later batch than its last move: it leaves the column that move took it to.
    expect((await call("POST", `/boards/${id}/tasks/${key}-3/archive`)).status).toBe(200);
    expect((await call("DELETE", `/boards/${id}/tasks/${key}-3`)).status).toBe(204);
    await deliver(id);
    const after = await ok(`/boards/${id}/reports/cfd?from=${today}&to=${today}`);
    expect(after.days[0]).toMatchObject({ counts: { todo: 0, in_progress: 0, done: 4 }, total: 4 });
  });
});

describe("how fresh a report is", () => {
  /** Every report of the board, in JSON, as a reader asks for them. */
  const reportsOf = (id: string, sprintId: string) => [
    `/boards/${id}/reports/burndown?sprint=${sprintId}`,
    `/boards/${id}/reports/sprint?sprint=${sprintId}`,
    `/boards/${id}/reports/velocity`,
    `/boards/${id}/reports/cfd`,
    `/boards/${id}/reports/cycle-time`,
    `/boards/${id}/reports/timesheet`,
  ];

  it("says in every board report the last event it includes, behind the board until its projection catches up", async () => {
    const { id, key, sprint1 } = fixture;
    await deliver(id);
    const before = (await call("GET", `/boards/${id}/snapshot`)).body.seq as number;
    for (const path of reportsOf(id, sprint1)) expect((await ok(path)).throughSeq, path).toBe(before);

    await subscriberDueAt(id, "reports", Date.now() + 3_600_000);
    const renamed = await call("PATCH", `/boards/${id}/tasks/${key}-1`, { title: "Renamed while reports wait" });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    await deliver(id);
    const after = (await call("GET", `/boards/${id}/snapshot`)).body.seq as number;
    expect(after).toBe(before + 1);
    for (const path of reportsOf(id, sprint1)) expect((await ok(path)).throughSeq, path).toBe(before);

    await subscriberDueAt(id, "reports", 0);
    await deliver(id);
    for (const path of reportsOf(id, sprint1)) expect((await ok(path)).throughSeq, path).toBe(after);
    // A CSV is the report alone; time across boards has no one board to be behind.
    expect((await report(`/boards/${id}/reports/velocity?format=csv`)).body).not.toContain("throughSeq");
    expect(await ok("/reports/timesheet")).not.toHaveProperty("throughSeq");
  });
});

describe("my time across my boards", () => {
  it("adds up my worklogs on every board I belong to, and nothing from a board I do not", async () => {
    const owner = await me();
    const other = await signUp("Stranger");
    const mine = [await newBoard(), await newBoard()];
    const theirs = await rawCall(
      "POST",
      "/boards",
      JSON.stringify({ name: "Theirs", key: uniqueBoardKey("T") }),
      {},
      other,
    );
    expect(theirs.status).toBe(201);
    const boards = [...mine.map((b) => ({ id: b.id, as: owner })), { id: theirs.body.board.id as string, as: other }];
    for (const [n, board] of boards.entries()) {
      const task = await call("POST", `/boards/${board.id}/tasks`, { title: `Work ${n}` }, {}, board.as);
      expect(task.status).toBe(201);
      const logged = await call(
        "POST",
        `/boards/${board.id}/tasks/${task.body.task.key}/worklogs`,
        { timeSpent: `${n + 1}h`, startedAt: "2026-02-10T23:30:00Z" },
        {},
        board.as,
      );
      expect(logged.status, JSON.stringify(logged.body)).toBe(201);
      await deliver(board.id);
    }
    // 23:30 UTC on the 10th is the 11th in Berlin.
    const sheet = await ok("/reports/timesheet?from=2026-02-10&to=2026-02-11&timeZone=Europe/Berlin");
    expect(sheet.people).toEqual([{ userId: owner.id, name: owner.name, days: [0, 3 * H], totalSeconds: 3 * H }]);
    expect(sheet.boards.map((b: Json) => b.boardId).sort()).toEqual(mine.map((b) => b.id).sort());
    // The stranger's own view shows their board only, and asking for my time shows them nothing of mine.
    const theirSheet = await report("/reports/timesheet?from=2026-02-10&to=2026-02-11", other);
    expect(theirSheet.body.boards.map((b: Json) => b.boardId)).toEqual([theirs.body.board.id]);
    const spying = await report(`/reports/timesheet?from=2026-02-10&to=2026-02-11&userId=${owner.id}`, other);
    expect(spying.body.totalSeconds).toBe(0);
  });
});

describe("delivery across my boards", () => {
  it("sums up what each board I belong to got done, and nothing of a board I do not", async () => {
    await withinOneDay(15_000);
    const owner = await me();
    const other = await signUp("Outsider");
    const mine = [await newBoard({ name: "Delivery A" }), await newBoard({ name: "Delivery B" })];
    const theirs = await rawCall(
      "POST",
      "/boards",
      JSON.stringify({ name: "Delivery theirs", key: uniqueBoardKey("T") }),
      {},
      other,
    );
    expect(theirs.status).toBe(201);
    const boards = [
      { id: mine[0]?.id as string, as: owner, done: 2 },
      { id: mine[1]?.id as string, as: owner, done: 1 },
      { id: theirs.body.board.id as string, as: other, done: 1 },
    ];
    for (const board of boards) {
      for (let n = 0; n < board.done + 1; n++) {
        const task = await call("POST", `/boards/${board.id}/tasks`, { title: `Work ${n}` }, {}, board.as);
        expect(task.status).toBe(201);
        const path = `/boards/${board.id}/tasks/${task.body.task.key}/move`;
        expect((await call("POST", path, { columnId: "in_progress" }, {}, board.as)).status).toBe(200);
        // One task of each board stays in progress.
        if (n < board.done) expect((await call("POST", path, { columnId: "done" }, {}, board.as)).status).toBe(200);
      }
      await deliver(board.id);
    }
    const today = new Date().toISOString().slice(0, 10);
    const summary = await ok(`/reports/delivery?from=${today}&to=${today}`);
    const seen = new Map(summary.boards.map((b: Json) => [b.boardId, b]));
    expect(seen.has(theirs.body.board.id)).toBe(false);
    expect(mine.map((b) => (seen.get(b.id) as Json)?.done)).toEqual([2, 1]);
    expect((seen.get(mine[0]?.id) as Json).cycle).toMatchObject({ count: 2, p50Seconds: expect.any(Number) });
    expect(summary.done).toBe(3);
    expect(summary.throughput.at(-1).count).toBe(3);
    // The scripted board's closed sprints give its velocity.
    expect((seen.get(fixture.id) as Json).velocity).toEqual({ completed: [6, 9], averageCompleted: 7.5 });

    const theirView = await report(`/reports/delivery?from=${today}&to=${today}&format=csv`, other);
    expect(theirView.status).toBe(200);
    const lines = String(theirView.body).trim().split("\r\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(new RegExp(`^${theirs.body.board.id},Delivery theirs,`));
  });
});
