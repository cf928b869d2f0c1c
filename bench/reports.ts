/// <reference types="node" />
import { performance } from "node:perf_hooks";
import { executeCommand } from "../src/board/engine";
import { boardLogHeader, boardLogLine } from "../src/domain/boardLog";
import type { Command } from "../src/domain/commands";
import { type BoardEvent, EVENT_VERSIONS, type StoredEvent, upcast } from "../src/domain/events";
import { evolve, noneTouched, replay } from "../src/domain/evolve";
import type { BoardState } from "../src/domain/model";
import { rankForNumber } from "../src/domain/ranks";
import { cumulativeFlow, cycleTime } from "../src/reporting/flowReports";
import { type BoardFacts, replayFacts } from "../src/reporting/reportFacts";
import { burndown, sprintSummary, velocity } from "../src/reporting/sprintReports";
import { timesheetGrid } from "../src/reporting/timesheetReport";
import { memoryStore, random } from "./generated";
import type { HttpClient } from "./load";
import { percentile } from "./load";

// The reports on a board with a year of history: a Scrum team of eight, two-week
// sprints, thousands of tasks moved through the columns, time logged every day.
// The board is made by importing its log (one request), then each report is timed
// over HTTP next to computing the same report from a replay of the log in this
// process, and the projection's lag is sampled: worklog appended → in the report.

const DAY = 86_400_000;

export interface YearBoard {
  /** The export file: a header line, then one event per line. */
  file: string;
  events: BoardEvent[];
  state: BoardState;
  key: string;
  /** A sprint from the middle of the year, and the year's first and last days. */
  sprintId: string;
  from: string;
  to: string;
  /** A month with time logged in it. */
  month: { from: string; to: string };
  seconds: number;
}

/**
 * A year of a Scrum board in about `events` events, one in twenty of them a new task
 * (5,000 tasks in 100,000 events, as issue #10 sizes it): each task is moved a few
 * times, back a column now and then, has time logged on it, comments, a re-pointing.
 */
export function yearBoard(events: number, key: string): YearBoard {
  const started = performance.now();
  const r = random(7);
  const log: BoardEvent[] = [];
  const store = memoryStore((event) => log.push(event));
  const start = Date.parse("2025-01-06T08:00:00.000Z");
  const step = (365 * DAY) / events;
  let clock = start;
  let op = 0;
  const run = (command: Command | Record<string, unknown>, actor = "usr_0") =>
    executeCommand(
      store,
      { opId: `op_${++op}`, command: command as Command },
      { actor, at: new Date(clock).toISOString(), role: "owner" },
    );
  const appendRaw = (type: "task.created" | "task.moved", payload: Record<string, unknown>, actor: string) => {
    const event = {
      type,
      payload,
      seq: store.state.seq + 1,
      opId: `op_${++op}`,
      actor,
      at: new Date(clock).toISOString(),
      v: EVENT_VERSIONS[type],
    } as BoardEvent;
    const touched = noneTouched();
    evolve(store.state, event, touched);
    store.append(event, touched);
  };
  run({ type: "createBoard", boardId: "brd_year", name: "A year", key, mode: "scrum", ownerName: "Ada" });
  const people = Array.from({ length: 8 }, (_, i) => `usr_${i}`);
  for (const userId of people.slice(1)) run({ type: "addMember", userId, name: `Person ${userId}`, role: "member" });
  run({ type: "addColumn", name: "Review", category: "in_progress", afterColumnId: "in_progress" });
  const flow = [
    "todo",
    "in_progress",
    Object.keys(store.state.columns).find((c) => !["todo", "in_progress", "done"].includes(c)) as string,
    "done",
  ];

  const open: string[] = [];
  const sprints: string[] = [];
  let active: string | null = null;
  let nextSprintAt = start;
  const newSprint = () => {
    const result = run({ type: "createSprint", name: `Sprint ${sprints.length + 1}` });
    if (result.status === "applied" && result.event.type === "sprint.created")
      sprints.push(result.event.payload.sprint.id);
  };
  newSprint();
  while (store.state.seq < events) {
    clock += step * (0.5 + r.next());
    if (clock >= nextSprintAt) {
      // Every other Monday: complete the running sprint into the next one, plan it, start it.
      const upcoming = sprints.at(-1) as string;
      newSprint();
      const following = sprints.at(-1) as string;
      if (active) run({ type: "completeSprint", sprintId: active, moveOpenTo: upcoming });
      const backlog = open.filter((k) => store.state.tasks[k]?.sprintId === null).slice(0, 40);
      if (backlog.length > 0) run({ type: "addToSprint", sprintId: upcoming, keys: backlog });
      const day = new Date(clock).toISOString().slice(0, 10);
      const end = new Date(clock + 11 * DAY).toISOString().slice(0, 10);
      run({ type: "startSprint", sprintId: upcoming, startDate: day, endDate: end });
      active = upcoming;
      nextSprintAt += 14 * DAY;
      void following;
      continue;
    }
    const actor = r.pick(people);
    const roll = r.next();
    if (open.length === 0 || roll < 0.03) {
      // Written as events themselves, like the moves below: deciding a new task or a
      // move sorts a whole column (and the backlog) to place the card, and a year's
      // board holds thousands; a rank per task number keeps every order unique.
      const number = store.state.nextNumber;
      appendRaw(
        "task.created",
        {
          task: {
            key: `${key}-${number}`,
            number,
            title: `Task ${number}`,
            description: "",
            type: "task",
            parentKey: null,
            columnId: "todo",
            rank: rankForNumber(number),
            sprintId: null,
            backlogRank: rankForNumber(number),
            assigneeId: null,
            reporterId: actor,
            priority: "medium",
            labels: [],
            storyPoints: r.pick([1, 2, 3, 5, 8]),
            dueDate: null,
            watchers: [actor],
            originalEstimateSeconds: null,
            remainingEstimateSeconds: null,
          },
        },
        actor,
      );
      open.push(`${key}-${number}`);
      if (active && r.next() < 0.2) run({ type: "addToSprint", sprintId: active, keys: [open.at(-1) as string] });
    } else if (roll < 0.33) {
      const k = r.pick(open);
      const task = store.state.tasks[k];
      if (!task) continue;
      const at = flow.indexOf(task.columnId);
      // Mostly forward, sometimes back a column.
      const to = flow[at <= 0 || r.next() < 0.65 ? at + 1 : at - 1] as string;
      appendRaw(
        "task.moved",
        {
          key: k,
          fromColumnId: task.columnId,
          toColumnId: to,
          rank: rankForNumber(task.number),
          previousRank: task.rank,
        },
        actor,
      );
      if (to === "done") open.splice(open.indexOf(k), 1);
    } else if (roll < 0.68) {
      const k = r.pick(open);
      const back = r.int(20) * 3_600_000;
      run(
        { type: "logWork", key: k, timeSpent: `${1 + r.int(6)}h`, startedAt: new Date(clock - back).toISOString() },
        actor,
      );
    } else if (roll < 0.88) {
      run({ type: "addComment", key: r.pick(open), body: `Note ${store.state.seq}: looked at this today.` }, actor);
    } else {
      run({ type: "updateTask", key: r.pick(open), changes: { storyPoints: r.pick([1, 2, 3, 5, 8, 13]) } }, actor);
    }
  }
  const state = store.state;
  const header = boardLogHeader(
    state.board as NonNullable<BoardState["board"]>,
    state.seq,
    new Date(clock).toISOString(),
  );
  const file = [header, ...log].map(boardLogLine).join("");
  const mid = sprints[Math.floor(sprints.length / 2)] as string;
  const from = new Date(start).toISOString().slice(0, 10);
  const to = new Date(clock).toISOString().slice(0, 10);
  return {
    file,
    events: [...log],
    state,
    key,
    sprintId: mid,
    from,
    to,
    month: { from: "2025-06-01", to: "2025-06-30" },
    seconds: (performance.now() - started) / 1000,
  };
}

export interface ReportTiming {
  name: string;
  /** Over HTTP from D1, median and p99 of the runs (ms). */
  api: number[];
  /** Replaying the log (parse, fold, project) and computing the same report here (ms). */
  replay: number[];
  /** Whether both gave the same figures. */
  same: boolean;
}

export interface ReportFigures {
  events: number;
  tasks: number;
  bytes: number;
  importSeconds: number;
  catchUpSeconds: number;
  timings: ReportTiming[];
  lag: number[];
  lagMissed: number;
  /** The reports projection rebuilt from the log (s), the pages it took, and the burndown asked meanwhile (ms). */
  rebuild: { seconds: number; pages: number; readsDuring: number[] };
}

/** The reports asked of the year board, and how to compute each from a replay's rows. */
function questions(board: YearBoard, boardId: string) {
  const year = `from=${board.from}&to=${board.to}&timeZone=UTC`;
  const month = `from=${board.month.from}&to=${board.month.to}&timeZone=UTC`;
  const sprintRows = (rows: BoardFacts) => {
    const sprint = rows.sprints.find((s) => s.sprintId === board.sprintId);
    if (!sprint) throw new Error("the year board has no middle sprint");
    return { ...rows, sprint, scope: rows.scope.filter((r) => r.sprintId === board.sprintId) };
  };
  const base = `/api/v1/boards/${boardId}/reports`;
  return [
    {
      name: "Burndown of a sprint",
      path: `${base}/burndown?sprint=${board.sprintId}`,
      compute: (rows: BoardFacts) =>
        burndown({ ...sprintRows(rows), unit: "points", workingDays: [1, 2, 3, 4, 5], timeZone: "UTC" }),
    },
    {
      name: "Sprint report",
      path: `${base}/sprint?sprint=${board.sprintId}`,
      compute: (rows: BoardFacts) => sprintSummary(sprintRows(rows)),
    },
    {
      name: "Velocity, last 7 sprints",
      path: `${base}/velocity`,
      compute: (rows: BoardFacts) => velocity(rows.sprints, 7),
    },
    {
      name: "Cumulative flow, the whole year",
      path: `${base}/cfd?${year}`,
      compute: (rows: BoardFacts) => cumulativeFlow({ ...rows, from: board.from, to: board.to, timeZone: "UTC" }),
    },
    {
      name: "Cycle and lead time, the whole year",
      path: `${base}/cycle-time?${year}`,
      compute: (rows: BoardFacts) => cycleTime({ ...rows, from: board.from, to: board.to, timeZone: "UTC", window: 7 }),
    },
    {
      name: "Timesheet of the board, one month",
      path: `${base}/timesheet?${month}`,
      compute: (rows: BoardFacts) => timesheetGrid({ worklogs: rows.worklogs, ...board.month, timeZone: "UTC" }),
      figures: (r: { totalSeconds: number; dayTotals: number[] }) => [r.totalSeconds, r.dayTotals],
    },
    {
      name: "One person's time across their boards, one month",
      path: `/api/v1/reports/timesheet?${month}&userId=usr_1`,
      compute: (rows: BoardFacts) =>
        timesheetGrid({
          worklogs: rows.worklogs.filter((w) => w.authorId === "usr_1"),
          ...board.month,
          timeZone: "UTC",
        }),
      figures: (r: { totalSeconds: number; dayTotals: number[] }) => [r.totalSeconds, r.dayTotals],
    },
  ];
}

/**
 * Imports the year board into Lanes, waits for its projections, then times each
 * report `repeats` times over HTTP and by replaying the log, and samples the lag.
 */
export async function measureReports(
  base: string,
  client: HttpClient,
  authorization: string,
  board: YearBoard,
  repeats: number,
  lagSamples: number,
  progress: (line: string) => void,
): Promise<ReportFigures> {
  progress(
    `importing a year of a board: ${board.events.length.toLocaleString("en-US")} events, ${(board.file.length / 1e6).toFixed(1)} MB`,
  );
  const t0 = performance.now();
  const res = await fetch(`${base}/api/v1/boards/import`, {
    method: "POST",
    headers: { authorization, "content-type": "application/x-ndjson" },
    body: board.file,
  });
  const imported = (await res.json()) as { board?: { id: string } };
  if (res.status !== 201 || !imported.board)
    throw new Error(`importing the year board answered ${res.status}: ${JSON.stringify(imported)}`);
  const boardId = imported.board.id;
  const importSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  for (;;) {
    const { subscribers } = await client.json<{ subscribers: { name: string; lag: number }[] }>(
      "GET",
      `/api/v1/boards/${boardId}/subscribers`,
    );
    if (subscribers.every((s) => s.lag === 0)) break;
    if (performance.now() - t1 > 300_000) throw new Error("the year board's projections did not catch up in 5 minutes");
    await new Promise((done) => setTimeout(done, 200));
  }
  const catchUpSeconds = (performance.now() - t1) / 1000;
  progress(`projections caught up in ${catchUpSeconds.toFixed(1)} s; timing the reports`);

  const lines = board.file.split("\n").slice(1, -1);
  const replayed = () => {
    const events = lines.map((line) => upcast(JSON.parse(line) as StoredEvent));
    return replayFacts(boardId, events, replay(events)).rows();
  };
  const timings: ReportTiming[] = [];
  for (const q of questions(board, boardId)) {
    const api: number[] = [];
    const local: number[] = [];
    let fromApi: unknown = null;
    let fromReplay: unknown = null;
    for (let i = 0; i <= repeats; i++) {
      const a = performance.now();
      const answer = await client.send("GET", q.path);
      if (answer.status !== 200) throw new Error(`${q.path} answered ${answer.status}: ${answer.text}`);
      const apiMs = performance.now() - a;
      // The answer's figures: how far into the log it is (throughSeq) is the API's own.
      const { throughSeq: _through, ...figures } = JSON.parse(answer.text) as { throughSeq?: number };
      fromApi = figures;
      const b = performance.now();
      fromReplay = q.compute(replayed());
      const replayMs = performance.now() - b;
      // The first round warms both up and is not counted.
      if (i > 0) {
        api.push(apiMs);
        local.push(replayMs);
      }
    }
    const pick = q.figures ?? ((r: unknown) => r);
    const same =
      JSON.stringify(pick(fromApi as never)) === JSON.stringify(pick(JSON.parse(JSON.stringify(fromReplay)) as never));
    timings.push({ name: q.name, api, replay: local, same });
  }

  progress(`report lag, ${lagSamples} samples`);
  const lag: number[] = [];
  let lagMissed = 0;
  const key = `${board.key}-1`;
  for (let i = 0; i < lagSamples; i++) {
    // A worklog on a day of its own, long ago: visible when that day's timesheet shows it.
    const day = new Date(Date.parse("2020-01-01T00:00:00Z") + i * DAY).toISOString().slice(0, 10);
    await client.json(
      "POST",
      `/api/v1/boards/${boardId}/tasks/${key}/worklogs`,
      { timeSpent: "1m", startedAt: `${day}T12:00:00Z` },
      201,
    );
    const a = performance.now();
    let seen = false;
    while (performance.now() - a < 10_000) {
      const sheet = await client.json<{ totalSeconds: number }>(
        "GET",
        `/api/v1/boards/${boardId}/reports/timesheet?from=${day}&to=${day}`,
      );
      if (sheet.totalSeconds > 0) {
        seen = true;
        break;
      }
      await new Promise((done) => setTimeout(done, 20));
    }
    lag.push(performance.now() - a);
    if (!seen) lagMissed++;
  }
  progress("rebuilding the reports projection from the log");
  const rebuild = await measureRebuild(client, boardId, questions(board, boardId)[0]?.path as string);
  return {
    events: board.events.length,
    tasks: Object.keys(board.state.tasks).length,
    bytes: board.file.length,
    importSeconds,
    catchUpSeconds,
    timings,
    lag,
    lagMissed,
    rebuild,
  };
}

interface Progress {
  name: string;
  lag: number;
  rebuild: { pages: number } | null;
}

/**
 * Asks for a rebuild of the board's reports and waits until it is swapped in and
 * caught up, asking `report` all the while: readers keep being answered, from the
 * rows they had, until the swap.
 */
async function measureRebuild(client: HttpClient, boardId: string, report: string) {
  const t0 = performance.now();
  const asked = await client.send("POST", `/api/v1/boards/${boardId}/subscribers/reports/rebuild`);
  if (asked.status !== 202) throw new Error(`asking for a rebuild answered ${asked.status}: ${asked.text}`);
  const readsDuring: number[] = [];
  let pages = 0;
  for (;;) {
    const { subscribers } = await client.json<{ subscribers: Progress[] }>(
      "GET",
      `/api/v1/boards/${boardId}/subscribers`,
    );
    const reports = subscribers.find((s) => s.name === "reports");
    if (reports?.rebuild) pages = reports.rebuild.pages;
    if (reports && reports.rebuild === null && reports.lag === 0) break;
    if (performance.now() - t0 > 300_000) throw new Error("the rebuild did not finish in 5 minutes");
    const a = performance.now();
    const answer = await client.send("GET", report);
    if (answer.status !== 200) throw new Error(`${report} answered ${answer.status} during the rebuild`);
    readsDuring.push(performance.now() - a);
    await new Promise((done) => setTimeout(done, 20));
  }
  return { seconds: (performance.now() - t0) / 1000, pages, readsDuring };
}

export { percentile };
