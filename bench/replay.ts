/// <reference types="node" />
import { performance } from "node:perf_hooks";
import { executeCommand } from "../src/board/engine";
import type { Command } from "../src/domain/commands";
import { type BoardEvent, type StoredEvent, upcast } from "../src/domain/events";
import { replay } from "../src/domain/evolve";
import { type BoardState, emptyState, PRIORITIES } from "../src/domain/model";
import { memoryStore, random } from "./generated";

// Replay speed, measured in this process: a realistic log is written by running
// commands through the board's own command loop (decide, evolve) against a store
// held in memory, exported as NDJSON like a board export, then folded back.

const WORDS =
  "landing page hero image mobile pricing copy analytics checkout safari blog cms docs dark mode newsletter form audit navigation footer search drafts seo structured data paint carousel careers toggle spam sitemap status fonts webinar signup video headers changelog tables redirects photos chat rss preview partners favicon cache privacy launch sharing print uptime".split(
    " ",
  );
const sentence = (r: ReturnType<typeof random>, words: number) =>
  Array.from({ length: words }, () => r.pick(WORDS)).join(" ");

export interface GeneratedLog {
  lines: string[];
  state: BoardState;
  bytes: number;
  seconds: number;
}

/**
 * A board's life in `events` events: a team of eight, a few hundred tasks created
 * over time, and mostly moves, edits and comments, as a busy board sees them.
 */
export function generateLog(events: number, seed = 42): GeneratedLog {
  const started = performance.now();
  const r = random(seed);
  const lines: string[] = [];
  const store = memoryStore((event) => lines.push(JSON.stringify(event)));
  let clock = Date.parse("2026-01-05T09:00:00.000Z");
  let op = 0;
  const run = (command: Command, actor = "usr_0") => {
    clock += 1000 + r.int(300_000);
    executeCommand(store, { opId: `op_${++op}`, command }, { actor, at: new Date(clock).toISOString(), role: "owner" });
  };

  run({ type: "createBoard", boardId: "brd_replay", name: "Replay", key: "RPL", mode: "kanban", ownerName: "Ada" });
  const people = Array.from({ length: 8 }, (_, i) => `usr_${i}`);
  for (const userId of people.slice(1)) run({ type: "addMember", userId, name: `Person ${userId}`, role: "member" });
  run({ type: "addColumn", name: "Review", category: "in_progress", afterColumnId: "in_progress" });
  const columns = Object.keys(store.state.columns);

  const maxTasks = 400;
  const keys: string[] = [];
  // Commands that append nothing (a move to where the task already is) are fine;
  // the bound only stops a generator bug from spinning forever.
  for (let attempts = 0; store.state.seq < events && attempts < events * 3; attempts++) {
    const actor = r.pick(people);
    const roll = r.next();
    const key = keys.length > 0 ? r.pick(keys) : null;
    if (key === null || (keys.length < maxTasks && roll < 0.08)) {
      run(
        {
          type: "createTask",
          task: {
            title: sentence(r, 3 + r.int(5)),
            type: r.pick(["story", "bug", "task"] as const),
            description: `${sentence(r, 20 + r.int(40))}\n\n- [ ] ${sentence(r, 4)}\n- [ ] ${sentence(r, 4)}`,
            priority: r.pick(PRIORITIES),
            labels: [r.pick(WORDS)],
            assigneeId: r.next() < 0.7 ? r.pick(people) : null,
            storyPoints: r.pick([1, 2, 3, 5, 8]),
          },
        },
        actor,
      );
      const created = store.state.nextNumber - 1;
      keys.push(`RPL-${created}`);
    } else if (roll < 0.6) {
      run({ type: "moveTask", key, columnId: r.pick(columns), position: r.pick(["top", "bottom"] as const) }, actor);
    } else if (roll < 0.8) {
      const field = r.int(4);
      const changes =
        field === 0
          ? { title: sentence(r, 3 + r.int(5)) }
          : field === 1
            ? { priority: r.pick(PRIORITIES) }
            : field === 2
              ? { assigneeId: r.pick(people) }
              : { labels: { add: [r.pick(WORDS)] } };
      run({ type: "updateTask", key, changes }, actor);
    } else if (roll < 0.95) {
      run({ type: "addComment", key, body: sentence(r, 8 + r.int(30)) }, actor);
    } else {
      const archived = store.state.tasks[key]?.archivedAt !== null;
      run({ type: archived ? "restoreTask" : "archiveTask", key }, actor);
    }
  }
  const bytes = lines.reduce((sum, line) => sum + line.length + 1, 0);
  return { lines, state: store.state, bytes, seconds: (performance.now() - started) / 1000 };
}

export interface ReplayFigures {
  events: number;
  /** JSON.parse of every line and nothing else: the reading alone. */
  parseOnly: number;
  /** JSON.parse + upcast + evolve from the empty board: what import and time travel do. */
  replayFromNdjson: number;
  /** evolve alone over events already in memory. */
  foldOnly: number;
}

function* parsed(lines: readonly string[]): Iterable<BoardEvent> {
  for (const line of lines) yield upcast(JSON.parse(line) as StoredEvent);
}

/** Events per second of each way of reading the log, the median of `repeats` runs. */
export function measureReplay(log: GeneratedLog, repeats: number): ReplayFigures {
  const { lines } = log;
  const expected = JSON.stringify(log.state);
  const rate = (work: () => void) => {
    work(); // untimed: lets the JIT settle, so the first figure is not the slowest by accident
    const rates: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const t0 = performance.now();
      work();
      rates.push(lines.length / ((performance.now() - t0) / 1000));
    }
    rates.sort((a, b) => a - b);
    return rates[Math.floor(rates.length / 2)] as number;
  };

  let sink = 0;
  const parseOnly = rate(() => {
    for (const line of lines) sink += (JSON.parse(line) as { seq: number }).seq;
  });
  let folded: BoardState = emptyState();
  const replayFromNdjson = rate(() => {
    folded = replay(parsed(lines));
  });
  // A replay that folds to another board is not a figure worth printing.
  if (JSON.stringify(folded) !== expected) throw new Error("replaying the generated log did not give the same board");
  const events = [...parsed(lines)];
  const foldOnly = rate(() => {
    folded = replay(events);
  });
  if (sink === 0 || folded.seq !== log.state.seq) throw new Error("the replay benchmark read nothing");
  return { events: lines.length, parseOnly, replayFromNdjson, foldOnly };
}
