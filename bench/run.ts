/// <reference types="node" />

import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { type DeadEndpointFigures, measureDeadEndpoint } from "./deadEndpoint";
import { bareTarget, type LiveSide, lanesTarget, measureLive, WATCHERS } from "./live";
import { closedLoop, HttpClient, percentile, type Run } from "./load";
import { freePort, runVite, runWrangler, type Started, sleep, startWrangler, stopAll, waitReady } from "./processes";
import { generateLog, measureReplay, type ReplayFigures } from "./replay";
import { measureReports, type ReportFigures, yearBoard } from "./reports";
import { measureWebApp, type WebAppFigures } from "./webApp";

// `npm run bench [-- --quick]`: starts Lanes and a bare Durable Object side by side,
// each on a free loopback port with its own fresh state (or uses BENCH_URL for
// Lanes), drives both with the same load, and prints every figure beside the bare
// object's. Absolute numbers on a shared machine are noise; the ratios are the point.

const root = resolve(import.meta.dirname, "..");
const quick = process.argv.includes("--quick");
/** `--reports`: the report rows alone (Lanes only, no bare object); the table is printed, bench/results.md left as it is. */
const reportsOnly = process.argv.includes("--reports");

const PLANS = {
  // Every phase is bounded by a count and a time; the time only bites on a very slow machine.
  quick: {
    rounds: 2,
    moves: { 1: 100, 8: 200, 32: 300 },
    phaseSeconds: 3,
    warmup: 40,
    lagSamples: 10,
    repeats: 2,
    web: { runs: 3, drags: 3, small: 50, large: 5_000 },
    live: { acks: 50, fanout: { 10: 20, 100: 20, 1000: 10 }, throughputSeconds: 3, senders: 8, missed: 10 },
  },
  full: {
    rounds: 8,
    moves: { 1: 250, 8: 600, 32: 800 },
    phaseSeconds: 5,
    warmup: 200,
    lagSamples: 30,
    repeats: 5,
    web: { runs: 7, drags: 5, small: 50, large: 5_000 },
    live: { acks: 300, fanout: { 10: 100, 100: 100, 1000: 30 }, throughputSeconds: 8, senders: 8, missed: 20 },
  },
} as const;
/** Past this the run gives up, stops its servers and fails, whatever it was waiting for. */
// The reports' year board adds a minute or two: generated, imported, projected.
const BUDGET_SECONDS = quick ? 480 : 1200;
const LAG_PHASE_SECONDS = quick ? 20 : 60;
const plan = quick ? PLANS.quick : PLANS.full;
const LEVELS = [1, 8, 32] as const;
const COLUMNS = ["todo", "in_progress", "done"] as const;
const REPLAY_EVENTS = 100_000;
/** The reports' board: a year of history, 5,000 tasks in 100,000 events (about 23 MB of NDJSON, one import). */
const REPORT_EVENTS = quick ? 20_000 : 100_000;
const LAG_POLL_MS = 20;
const LAG_BOUND_MS = 10_000;

const runId = Date.now().toString(36);
/** Set on Ctrl-C: whatever the run was doing fails from here on, and says nothing more. */
let interrupted = false;
const progress = (line: string) => {
  if (!interrupted) process.stderr.write(`bench: ${line}\n`);
};

interface Diagnostics {
  seq: number;
  events: number;
  logBytes: number;
  databaseBytes: number;
  rowsWritten: number;
}

interface Servers {
  lanes: string;
  /** Every request to Lanes carries it. */
  auth: { authorization: string };
  bare: string;
  /** Lanes was started here (false with BENCH_URL). */
  ownLanes: boolean;
}

/**
 * Copies `entries` of the repository into the run's own folder, and returns it.
 * `wrangler dev` rebuilds and restarts a Worker whenever a source file changes, and a
 * restart in the middle of a run would fail requests and reset the board's counters:
 * the copy stays as it was when the run began. wrangler's build folder lands there
 * too, so the run leaves nothing in the repository.
 */
function snapshot(tmp: string, name: string, entries: string[]): string {
  const copy = join(tmp, name);
  for (const entry of entries) cpSync(resolve(root, entry), join(copy, entry), { recursive: true });
  return copy;
}

async function startServers(tmp: string): Promise<Servers> {
  let bare: Started | null = null;
  let bareUrl = "";
  // The report rows have their baseline in this process (a replay of the log): no bare object for them.
  if (!reportsOnly) {
    const bareCopy = snapshot(tmp, "bare-worker", ["bench/bare/wrangler.toml", "bench/bare/worker.ts"]);
    const [barePort, bareInspector] = [await freePort(), await freePort()];
    bare = startWrangler(
      "bare Durable Object",
      [
        "dev",
        ...["--config", join(bareCopy, "bench/bare/wrangler.toml")],
        ...devArgs(barePort, bareInspector, join(tmp, "bare")),
      ],
      join(tmp, "bare.log"),
    );
    bareUrl = `http://127.0.0.1:${barePort}`;
  }

  let lanes: Started | null = null;
  let lanesUrl = process.env.BENCH_URL?.replace(/\/$/, "");
  if (!lanesUrl) {
    const app = snapshot(tmp, "app", ["wrangler.toml", "package.json", "tsconfig.json", "src", "migrations"]);
    symlinkSync(resolve(root, "node_modules"), join(app, "node_modules"), "dir");
    // wrangler.toml serves the built web app from dist/client, as a deploy does: the web rows load it in Chromium.
    progress("building the web app");
    await runVite("vite build", ["build", "--outDir", join(app, "dist")], join(tmp, "vite-build.log"), 300_000);
    const config = join(app, "wrangler.toml");
    const state = join(tmp, "lanes");
    progress("applying the D1 migrations to fresh local state");
    await runWrangler(
      "wrangler d1 migrations apply",
      ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state, "--config", config],
      join(tmp, "migrations.log"),
      60_000,
    );
    const [port, inspector] = [await freePort(), await freePort()];
    lanes = startWrangler(
      "Lanes",
      // The development settings `npm run dev` writes to .dev.vars, and no rate limits:
      // one person sending thousands of moves a minute is the point here.
      [
        ...["dev", "--config", config, ...devArgs(port, inspector, state)],
        ...["--var", "LANES_DEV:1", "LANES_RATE_LIMITS:off", "LANES_ALLOW_LOCAL_WEBHOOKS:1"],
      ],
      join(tmp, "lanes.log"),
    );
    lanesUrl = `http://127.0.0.1:${port}`;
  }
  progress(`waiting for Lanes (${lanesUrl})${bare ? ` and the bare object (${bareUrl})` : ""}`);
  await Promise.all([
    bare ? waitReady(bare, `${bareUrl}/health`, 90_000) : Promise.resolve(),
    lanes ? waitReady(lanes, `${lanesUrl}/api/v1/openapi.json`, 90_000) : ensureReachable(lanesUrl),
  ]);
  return { lanes: lanesUrl, bare: bareUrl, ownLanes: lanes !== null, auth: await bearerFor(lanesUrl) };
}

function devArgs(port: number, inspectorPort: number, persistTo: string): string[] {
  return [
    ...["--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspectorPort)],
    ...["--persist-to", persistTo, "--log-level", "warn", "--show-interactive-dev-session=false"],
  ];
}

async function ensureReachable(url: string): Promise<void> {
  const res = await fetch(`${url}/api/v1/openapi.json`).catch((error: unknown) => {
    throw new Error(`BENCH_URL ${url} does not answer: ${error}`);
  });
  if (!res.ok) throw new Error(`BENCH_URL ${url}/api/v1/openapi.json answered ${res.status}`);
}

/**
 * Signs up a person of its own and makes them a write token: the benchmark talks
 * to Lanes as a program would, with `Authorization: Bearer`.
 */
async function bearerFor(base: string): Promise<{ authorization: string }> {
  const anonymous = new HttpClient(base, 1);
  const signup = await anonymous.send(
    "POST",
    "/api/v1/auth/signup",
    JSON.stringify({ email: `bench-${runId}@example.com`, name: "Benchmark", password: `bench ${randomUUID()}` }),
  );
  anonymous.close();
  const cookie = signup.headers["set-cookie"]?.[0]?.split(";")[0];
  if (signup.status !== 201 || !cookie) throw new Error(`signing up answered ${signup.status}: ${signup.text}`);
  const session = new HttpClient(base, 1, { cookie });
  const { token } = await session.json<{ token: string }>(
    "POST",
    "/api/v1/tokens",
    { name: "benchmark", scope: "write" },
    201,
  );
  session.close();
  return { authorization: `Bearer ${token}` };
}

// ---- the moves -----------------------------------------------------------------

interface Pooled {
  done: number;
  failed: number;
  seconds: number;
  latencies: number[];
  firstError: string | null;
}

const pooled = (): Pooled => ({ done: 0, failed: 0, seconds: 0, latencies: [], firstError: null });
function pool(into: Pooled, run: Run): void {
  into.done += run.done;
  into.failed += run.failed;
  into.seconds += run.seconds;
  into.latencies.push(...run.latencies);
  into.firstError ??= run.firstError;
}

interface MoveFigures {
  lanes: Record<(typeof LEVELS)[number], Pooled>;
  bare: Record<(typeof LEVELS)[number], Pooled>;
  /** Sum of the bare object's own rowsWritten answers, and how many appends they cover. */
  bareRows: { rows: number; appends: number; bytes: number };
}

/** `afterWarmup` runs between the warm-up and the timed rounds (the storage counters start there). */
async function measureMoves<T>(
  servers: Servers,
  boardPath: string,
  keys: string[],
  afterWarmup: () => Promise<T>,
): Promise<{ figures: MoveFigures; atStart: T }> {
  const lanes = new HttpClient(servers.lanes, 32, servers.auth);
  const bare = new HttpClient(servers.bare, 32);
  // Each client moves its own task around the columns, so every move is a real
  // change (a task sent where it already is would append nothing).
  const at = keys.map(() => 0);
  const nextBody = (client: number) =>
    JSON.stringify({ columnId: COLUMNS[((at[client] as number) + 1) % COLUMNS.length] });

  const moveOnLanes = async (client: number) => {
    const answer = await lanes.send("POST", `${boardPath}/tasks/${keys[client]}/move`, nextBody(client));
    if (answer.status === 429) throw new Error("rate limited: run that server with LANES_RATE_LIMITS=off");
    if (answer.status !== 200) throw new Error(`move answered ${answer.status}: ${answer.text}`);
    at[client] = ((at[client] as number) + 1) % COLUMNS.length;
  };
  const bareRows = { rows: 0, appends: 0, bytes: 0 };
  const appendOnBare = async (client: number) => {
    const body = nextBody(client);
    const answer = await bare.send("POST", `/append/moves-${runId}`, body);
    if (answer.status !== 200) throw new Error(`append answered ${answer.status}: ${answer.text}`);
    bareRows.rows += (JSON.parse(answer.text) as { rowsWritten: number }).rowsWritten;
    bareRows.appends++;
    bareRows.bytes += Buffer.byteLength(body);
  };

  progress(`warming up (${plan.warmup} moves each)`);
  await closedLoop(1, { count: plan.warmup, seconds: 30 }, moveOnLanes);
  await closedLoop(1, { count: plan.warmup, seconds: 30 }, appendOnBare);
  Object.assign(bareRows, { rows: 0, appends: 0, bytes: 0 });
  const atStart = await afterWarmup();

  const figures: MoveFigures = {
    lanes: { 1: pooled(), 8: pooled(), 32: pooled() },
    bare: { 1: pooled(), 8: pooled(), 32: pooled() },
    bareRows,
  };
  for (let round = 1; round <= plan.rounds; round++) {
    for (const clients of LEVELS) {
      // Short slices, the two sides taking turns to go first (ABBA), so a burst of
      // other work on the machine falls on both alike. The second side does as many
      // POSTs as the first managed.
      const limit = { count: plan.moves[clients], seconds: plan.phaseSeconds };
      const lanesFirst = round % 2 === 1;
      const first = await closedLoop(clients, limit, lanesFirst ? moveOnLanes : appendOnBare);
      const second = await closedLoop(
        clients,
        { ...limit, count: first.done },
        lanesFirst ? appendOnBare : moveOnLanes,
      );
      const [onLanes, onBare] = lanesFirst ? [first, second] : [second, first];
      pool(figures.lanes[clients], onLanes);
      pool(figures.bare[clients], onBare);
      progress(
        `round ${round}/${plan.rounds}, ${clients} client(s): Lanes ${rate(onLanes)} moves/s, bare ${rate(onBare)} POST/s`,
      );
    }
  }
  lanes.close();
  bare.close();
  return { figures, atStart };
}

const rate = (run: { done: number; seconds: number }) => Math.round(run.done / run.seconds);

/** Waits until every subscriber of the board has handled the whole log. */
async function settle(client: HttpClient, boardPath: string): Promise<boolean> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const { subscribers } = await client.json<{ subscribers: { lag: number }[] }>("GET", `${boardPath}/subscribers`);
    if (subscribers.every((s) => s.lag === 0)) return true;
    await sleep(50);
  }
  return false;
}

// ---- projection lag ------------------------------------------------------------

interface LagFigures {
  lanes: number[];
  bare: number[];
  /** Samples that were not visible within the bound (counted at the bound). */
  missed: { lanes: number; bare: number };
}

/** Polls `visible` every LAG_POLL_MS from now; ms until it said yes, or null at the bound. */
async function timeUntil(visible: () => Promise<boolean>): Promise<number | null> {
  const t0 = performance.now();
  while (performance.now() - t0 < LAG_BOUND_MS) {
    if (await visible()) return performance.now() - t0;
    await sleep(LAG_POLL_MS);
  }
  return null;
}

async function measureLag(servers: Servers, boardId: string, key: string): Promise<LagFigures> {
  const lanes = new HttpClient(servers.lanes, 2, servers.auth);
  const bare = new HttpClient(servers.bare, 2);
  const figures: LagFigures = { lanes: [], bare: [], missed: { lanes: 0, bare: 0 } };
  const record = (side: "lanes" | "bare", ms: number | null) => {
    figures[side].push(ms ?? LAG_BOUND_MS);
    if (ms === null) figures.missed[side]++;
  };
  const phaseEnd = performance.now() + LAG_PHASE_SECONDS * 1000;
  for (let i = 0; i < plan.lagSamples && performance.now() < phaseEnd; i++) {
    // The clock starts when the write has answered: the event is in the log by then.
    const title = `lagprobe ${runId} ${i}`;
    await lanes.json("PATCH", `/api/v1/boards/${boardId}/tasks/${key}`, { title });
    const query = `/api/v1/search/tasks?q=${encodeURIComponent(title)}&board=${boardId}&limit=5`;
    record(
      "lanes",
      await timeUntil(async () => {
        const { tasks } = await lanes.json<{ tasks: { title: string }[] }>("GET", query);
        return tasks.some((t) => t.title === title);
      }),
    );

    const body = JSON.stringify({ probe: title });
    const answer = await bare.send("POST", `/append/lag-${runId}?project`, body);
    if (answer.status !== 200) throw new Error(`bare append answered ${answer.status}: ${answer.text}`);
    record(
      "bare",
      await timeUntil(
        async () =>
          (await bare.json<{ found: boolean }>("GET", `/projected?body=${encodeURIComponent(body)}`)).found === true,
      ),
    );
  }
  lanes.close();
  bare.close();
  return figures;
}

// ---- the table -----------------------------------------------------------------

const integer = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "—");
const ms = (n: number) => (!Number.isFinite(n) ? "—" : n >= 100 ? integer(n) : n.toFixed(1));
const times = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : "—");

interface Row {
  measure: string;
  lanes: string;
  bare: string;
  ratio: string;
  target: string;
}

function verdict(text: string, met: boolean | null): string {
  return met === null ? text : `${text}: ${met ? "met" : "**not met**"}`;
}

function buildRows(
  moves: MoveFigures,
  storage: { rowsPerMove: number | null; bytesPerMove: number | null; note: string | null },
  lag: LagFigures,
  replay: ReplayFigures,
  live: { lanes: LiveSide; bare: LiveSide },
  dead: DeadEndpointFigures | null,
): Row[] {
  const rows: Row[] = [];
  for (const clients of LEVELS) {
    const l = moves.lanes[clients];
    const b = moves.bare[clients];
    const ratio = l.done / l.seconds / (b.done / b.seconds);
    rows.push({
      measure: `Task moves/s, ${clients} client${clients === 1 ? "" : "s"}`,
      lanes: integer(l.done / l.seconds),
      bare: integer(b.done / b.seconds),
      ratio: times(ratio),
      target: verdict("≥ 0.8× bare", ratio >= 0.8),
    });
  }
  for (const clients of LEVELS) {
    const l = moves.lanes[clients].latencies;
    const b = moves.bare[clients].latencies;
    const [l50, l99, b50, b99] = [percentile(l, 50), percentile(l, 99), percentile(b, 50), percentile(b, 99)];
    rows.push({
      measure: `Move latency p50 / p99 (ms), ${clients} client${clients === 1 ? "" : "s"}`,
      lanes: `${ms(l50)} / ${ms(l99)}`,
      bare: `${ms(b50)} / ${ms(b99)}`,
      ratio: `${times(l50 / b50)} / ${times(l99 / b99)}`,
      target: "",
    });
  }
  const bareRows = moves.bareRows.rows / moves.bareRows.appends;
  rows.push({
    measure: "SQLite rows written per move",
    lanes: storage.rowsPerMove === null ? "n/a" : storage.rowsPerMove.toFixed(2),
    bare: bareRows.toFixed(2),
    ratio: storage.rowsPerMove === null ? "—" : times(storage.rowsPerMove / bareRows),
    target: verdict("≤ 3", storage.rowsPerMove === null ? null : storage.rowsPerMove <= 3),
  });
  const bareBytes = moves.bareRows.bytes / moves.bareRows.appends;
  rows.push({
    measure: "Event-log bytes per move",
    lanes: storage.bytesPerMove === null ? "n/a" : integer(storage.bytesPerMove),
    bare: integer(bareBytes),
    ratio: storage.bytesPerMove === null ? "—" : times(storage.bytesPerMove / bareBytes),
    target: "",
  });
  const [l50, l99, b50, b99] = [
    percentile(lag.lanes, 50),
    percentile(lag.lanes, 99),
    percentile(lag.bare, 50),
    percentile(lag.bare, 99),
  ];
  rows.push({
    measure: `Projection lag p50 / p99 (ms), ${lag.lanes.length} samples`,
    lanes: `${ms(l50)} / ${ms(l99)}`,
    bare: `${ms(b50)} / ${ms(b99)}`,
    ratio: `${times(l50 / b50)} / ${times(l99 / b99)}`,
    target: verdict("p99 < 2,000 ms", l99 < 2000 && lag.missed.lanes === 0),
  });
  rows.push(...liveRows(live));
  if (dead) {
    const [h50, h99, p50, p99] = [
      percentile(dead.withHook.latencies, 50),
      percentile(dead.withHook.latencies, 99),
      percentile(dead.without.latencies, 50),
      percentile(dead.without.latencies, 99),
    ];
    rows.push({
      measure: `Move latency p50 / p99 (ms), 1 client, board whose only webhook never answers (baseline: the same moves on a board without one, ${dead.withHook.done} moves each)`,
      lanes: `${ms(h50)} / ${ms(h99)}`,
      bare: `${ms(p50)} / ${ms(p99)}`,
      ratio: `${times(h50 / p50)} / ${times(h99 / p99)}`,
      target: verdict("p99 ≤ 1.5× without", h99 <= 1.5 * p99 && dead.withHook.failed === 0),
    });
  }
  rows.push({
    measure: `Replay of a ${integer(replay.events)}-event log, events/s (baseline: JSON.parse alone)`,
    lanes: integer(replay.replayFromNdjson),
    bare: integer(replay.parseOnly),
    ratio: times(replay.replayFromNdjson / replay.parseOnly),
    target: verdict("≥ 100,000/s", replay.replayFromNdjson >= 100_000),
  });
  rows.push({
    measure: "Folding alone, events already parsed (`evolve`, events/s)",
    lanes: integer(replay.foldOnly),
    bare: "",
    ratio: "",
    target: "",
  });
  return rows;
}

/** Each report over HTTP from D1, beside computing it by replaying the board's log in the benchmark's process. */
function reportRows(figures: ReportFigures): Row[] {
  const rows: Row[] = figures.timings.map((t) => {
    const [a50, a99, r50, r99] = [
      percentile(t.api, 50),
      percentile(t.api, 99),
      percentile(t.replay, 50),
      percentile(t.replay, 99),
    ];
    return {
      measure: `Report: ${t.name}, p50 / p99 (ms; beside: replaying the log)${t.same ? "" : " — **figures differ**"}`,
      lanes: `${ms(a50)} / ${ms(a99)}`,
      bare: `${ms(r50)} / ${ms(r99)}`,
      ratio: `${times(a50 / r50)} / ${times(a99 / r99)}`,
      target: verdict("< 300 ms", a99 < 300),
    };
  });
  const { rebuild } = figures;
  rows.push({
    measure: `Reports rebuilt from the log, ${integer(figures.events)} events in pages of 1,000, 10 an alarm${rebuild.pages > 0 ? ` (${integer(rebuild.pages)} seen under way)` : ""} (s; beside: catching up after the import)`,
    lanes: rebuild.seconds.toFixed(1),
    bare: figures.catchUpSeconds.toFixed(1),
    ratio: times(rebuild.seconds / figures.catchUpSeconds),
    target: "",
  });
  const [d50, d99] = [percentile(rebuild.readsDuring, 50), percentile(rebuild.readsDuring, 99)];
  rows.push({
    measure: `Report: Burndown of a sprint during the rebuild, p50 / p99 (ms), ${rebuild.readsDuring.length} reads`,
    lanes: `${ms(d50)} / ${ms(d99)}`,
    bare: "",
    ratio: "",
    target: verdict("< 300 ms", d99 < 300),
  });
  const [l50, l99] = [percentile(figures.lag, 50), percentile(figures.lag, 99)];
  rows.push({
    measure: `Report lag p50 / p99 (ms), worklog → timesheet, ${figures.lag.length} samples`,
    lanes: `${ms(l50)} / ${ms(l99)}`,
    bare: "",
    ratio: "",
    target: verdict("p99 < 2,000 ms", l99 < 2000 && figures.lagMissed === 0),
  });
  return rows;
}

function webRows(web: WebAppFigures): Row[] {
  const [large, small] = [percentile(web.large.interactiveMs, 50), percentile(web.small.interactiveMs, 50)];
  const frames = [50, 95, 100].map((q) => percentile(web.frameMs, q));
  return [
    {
      measure: `Web app: navigation → interactive board, ${integer(web.large.tasks)} tasks, p50 (ms; beside: ${integer(web.small.tasks)} tasks), ${web.large.interactiveMs.length} loads each`,
      lanes: ms(large),
      bare: ms(small),
      ratio: times(large / small),
      target: verdict("< 1,000 ms", large < 1000),
    },
    {
      measure: `Web app: drop → card shown in its new column, ${integer(web.large.tasks)}-task board, p50 / max (ms), ${web.dropMs.length} drops`,
      lanes: `${ms(percentile(web.dropMs, 50))} / ${ms(percentile(web.dropMs, 100))}`,
      bare: "",
      ratio: "",
      target: "",
    },
    {
      measure: `Web app: frame time while dragging a card across the ${integer(web.large.tasks)}-task board, p50 / p95 / max (ms)`,
      lanes: frames.map(ms).join(" / "),
      bare: "",
      ratio: "",
      target: verdict("p95 ≤ 33 ms (30 fps)", (frames[1] as number) <= 33),
    },
  ];
}

function liveRows({ lanes, bare }: { lanes: LiveSide; bare: LiveSide }): Row[] {
  const latency = (measure: string, l: number[] = [], b: number[] = [], target = "") => {
    const [l50, l99, b50, b99] = [percentile(l, 50), percentile(l, 99), percentile(b, 50), percentile(b, 99)];
    return {
      measure: `${measure} p50 / p99 (ms)`,
      lanes: `${ms(l50)} / ${ms(l99)}`,
      bare: `${ms(b50)} / ${ms(b99)}`,
      ratio: `${times(l50 / b50)} / ${times(l99 / b99)}`,
      target,
    };
  };
  const rows: Row[] = [latency("Live: command → ack", lanes.ack, bare.ack)];
  for (const n of WATCHERS) {
    const l99 = percentile(lanes.fanout[n] ?? [], 99);
    const target = n === 100 ? verdict("p99 < 50 ms", Number.isFinite(l99) ? l99 < 50 : false) : "";
    rows.push(latency(`Live: command → all ${integer(n)} watchers`, lanes.fanout[n], bare.fanout[n], target));
  }
  const ratio = lanes.movesPerSecond / bare.movesPerSecond;
  rows.push({
    measure: `Live: moves/s over WebSockets, ${lanes.throughputWatchers} watchers`,
    lanes: integer(lanes.movesPerSecond),
    bare: integer(bare.movesPerSecond),
    ratio: times(ratio),
    target: verdict("≥ 0.8× bare", Number.isFinite(ratio) ? ratio >= 0.8 : false),
  });
  rows.push({
    measure: "Live: 1,000 sockets reconnect at once, until all caught up (ms)",
    lanes: `${ms(lanes.reconnectMs)}${lanes.reconnected === 1000 ? "" : ` (${lanes.reconnected} back)`}`,
    bare: `${ms(bare.reconnectMs)}${bare.reconnected === 1000 ? "" : ` (${bare.reconnected} back)`}`,
    ratio: times(lanes.reconnectMs / bare.reconnectMs),
    target: "",
  });
  return rows;
}

function markdown(rows: Row[]): string {
  const header = ["Measure", "Lanes", "Bare DO", "Lanes ÷ bare", "Target"];
  const lines = [
    `| ${header.join(" | ")} |`,
    "| --- | ---: | ---: | ---: | --- |",
    ...rows.map((r) => `| ${[r.measure, r.lanes, r.bare, r.ratio, r.target].join(" | ")} |`),
  ];
  return lines.join("\n");
}

/** Which code was measured: the commit, and whether src had changes on top of it. */
function source(): string {
  const git = (...args: string[]) => spawnSync("git", args, { cwd: root, encoding: "utf8" });
  const head = git("rev-parse", "--short", "HEAD");
  if (head.status !== 0) return "";
  const dirty = git("status", "--porcelain", "--", "src", "wrangler.toml", "migrations").stdout.trim() !== "";
  return ` at ${head.stdout.trim()}${dirty ? " with uncommitted changes in src" : ""}`;
}

function machine(): string {
  const cpus = os.cpus();
  const wrangler = JSON.parse(readFileSync(resolve(root, "node_modules/wrangler/package.json"), "utf8")) as {
    version: string;
  };
  return `${cpus[0]?.model.trim() ?? "unknown CPU"}, ${cpus.length} cores, Node ${process.version}, ${os.type()} ${os.release()}, wrangler ${wrangler.version} (local workerd)`;
}

// ---- main ----------------------------------------------------------------------

/** The report rows: a year of a Scrum board imported under `key`, then its reports timed. */
async function yearOfReports(servers: Servers, control: HttpClient, key: string): Promise<ReportFigures> {
  progress(`generating a year of a Scrum board, ${integer(REPORT_EVENTS)} events`);
  const year = yearBoard(REPORT_EVENTS, key);
  return measureReports(
    servers.lanes,
    control,
    servers.auth.authorization,
    year,
    plan.repeats,
    plan.lagSamples,
    progress,
  );
}

/** `--reports`: the year board's rows only, printed (bench/results.md is the full run's). */
async function reportsAlone(servers: Servers, control: HttpClient, sourceLine: string): Promise<void> {
  const key = `Y${runId
    .slice(-6)
    .toUpperCase()
    .replace(/^[0-9]/, "X")}`;
  const reports = await yearOfReports(servers, control, key);
  control.close();
  await stopAll();
  const date = new Date().toISOString().slice(0, 10);
  const report = [
    `Measured ${date} by \`npm run bench -- --reports${quick ? " --quick" : ""}\`${sourceLine} on ${machine()}.`,
    "",
    markdown(reportRows(reports)),
    "",
    reportsNote(reports),
  ].join("\n");
  process.stdout.write(`\n${report}\n\n`);
}

function reportsNote(reports: ReportFigures): string {
  return `Reports: a Scrum board with a year of history (${integer(reports.events)} events, ${integer(reports.tasks)} tasks, two-week sprints, ${(reports.bytes / 1e6).toFixed(1)} MB) imported in ${reports.importSeconds.toFixed(1)} s, its projections caught up ${reports.catchUpSeconds.toFixed(1)} s later; each report asked ${plan.repeats} times over HTTP (D1 through a session), beside the same report computed in this process from the log (parse, fold, project, compute). Report lag: from a worklog's answer to its first appearance in the board's timesheet report, polled every 20 ms. Rebuild: \`POST …/subscribers/reports/rebuild\` until the subscriber reports no rebuild and no lag, the burndown asked every 20 ms meanwhile.`;
}

async function main(): Promise<void> {
  const started = performance.now();
  const tmp = mkdtempSync(join(os.tmpdir(), "lanes-bench-"));
  let ok = false;
  // Ctrl-C or the budget: stop the servers at once; main() then fails quietly.
  const abort = (reason: string, keepLogs: boolean, code: number) => {
    progress(`${reason}: stopping the servers this run started${keepLogs ? `; their logs are in ${tmp}` : ""}`);
    interrupted = true;
    void stopAll().finally(() => {
      if (!keepLogs) rmSync(tmp, { recursive: true, force: true });
      process.exit(code);
    });
  };
  const watchdog = setTimeout(() => abort(`still running after ${BUDGET_SECONDS} s`, true, 1), BUDGET_SECONDS * 1000);
  watchdog.unref();
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => abort(signal, false, 130));

  try {
    progress(`${quick ? "quick" : "full"} run; local state in ${tmp}`);
    const sourceLine = source();
    const servers = await startServers(tmp);
    const control = new HttpClient(servers.lanes, 4, servers.auth);
    if (reportsOnly) {
      await reportsAlone(servers, control, sourceLine);
      ok = true;
      return;
    }

    const key = `B${runId
      .slice(-6)
      .toUpperCase()
      .replace(/^[0-9]/, "X")}`;
    const { board } = await control.json<{ board: { id: string } }>(
      "POST",
      "/api/v1/boards",
      { name: `Benchmark ${runId}`, key, mode: "kanban" },
      201,
    );
    const boardPath = `/api/v1/boards/${board.id}`;
    const keys: string[] = [];
    for (let i = 0; i < Math.max(...LEVELS); i++) {
      const { task } = await control.json<{ task: { key: string } }>(
        "POST",
        `${boardPath}/tasks`,
        { title: `Benchmark task ${i}`, type: "task" },
        201,
      );
      keys.push(task.key);
    }

    // Storage figures are deltas of the board's counters over the timed moves only.
    const diagnostics = () => control.json<Diagnostics>("GET", `${boardPath}/diagnostics`);
    const { figures, atStart: before } = await measureMoves(servers, boardPath, keys, async () => {
      await settle(control, boardPath);
      return diagnostics();
    });
    const settled = await settle(control, boardPath);
    const after = await diagnostics();
    const timedMoves = LEVELS.reduce((n, c) => n + figures.lanes[c].done, 0);
    const appended = after.events - before.events;
    const rowsDelta = after.rowsWritten - before.rowsWritten;
    let note: string | null = null;
    if (appended !== timedMoves) note = `the log grew by ${appended} events for ${timedMoves} moves`;
    // Every event writes at least its own row: fewer means the counter started again.
    if (rowsDelta < appended) note = "the board restarted during the run, so its row counter started again";
    if (!settled) note = "the subscribers had not caught up 20 s after the moves";
    const storage = {
      rowsPerMove: rowsDelta < appended || appended <= 0 ? null : rowsDelta / appended,
      bytesPerMove: appended <= 0 ? null : (after.logBytes - before.logBytes) / appended,
      note,
    };

    progress(`projection lag, ${plan.lagSamples} samples each`);
    const lag = await measureLag(servers, board.id, keys[0] as string);

    const live = {
      lanes: await measureLive(
        lanesTarget(servers.lanes, servers.auth.authorization, board.id, keys),
        plan.live,
        progress,
      ),
      bare: await measureLive(bareTarget(servers.bare, `live-${runId}`), plan.live, progress),
    };
    // Only a server started here allows a webhook to a loopback receiver.
    let dead: DeadEndpointFigures | null = null;
    if (servers.ownLanes) {
      progress("moves on a board whose webhook never answers, and on one without");
      dead = await measureDeadEndpoint(control, key.slice(0, 7), {
        rounds: plan.rounds,
        moves: plan.moves[1],
        seconds: plan.phaseSeconds,
      });
    }

    const reports = await yearOfReports(servers, control, `Y${key.slice(1)}`);

    const web = await measureWebApp(servers.lanes, plan.web, progress);

    if (!servers.ownLanes) await control.json("DELETE", boardPath, undefined, 204);
    control.close();
    // The servers are done; the replay runs alone on the CPU.
    await stopAll();

    progress(`generating a ${integer(REPLAY_EVENTS)}-event log through decide + evolve`);
    const log = generateLog(REPLAY_EVENTS);
    progress(`replaying it (${(log.bytes / 1e6).toFixed(1)} MB of NDJSON, generated in ${log.seconds.toFixed(1)} s)`);
    const replay = measureReplay(log, plan.repeats);

    const rows = [...buildRows(figures, storage, lag, replay, live, dead), ...reportRows(reports), ...webRows(web)];
    const failures = LEVELS.flatMap((c) =>
      (["lanes", "bare"] as const)
        .filter((side) => figures[side][c].failed > 0)
        .map((side) => `${side}, ${c} clients: ${figures[side][c].failed} failed (${figures[side][c].firstError})`),
    );
    const date = new Date().toISOString().slice(0, 10);
    const report = [
      `Measured ${date} by \`npm run bench${quick ? " -- --quick" : ""}\`${sourceLine} on ${machine()}.`,
      "",
      markdown(rows),
      "",
      [
        `Lanes: \`POST /api/v1/boards/:id/tasks/:key/move\` with an API token (Hono, zod, the token and the board membership read from D1, RPC to the board's Durable Object, decide + evolve, SQLite; rate limits off). `,
        `Bare DO: \`POST /append\`, a Worker handing the raw body over RPC to a SQLite-backed Durable Object that inserts it into one table (\`bench/bare\`). `,
        `Both under \`wrangler dev\` on 127.0.0.1, each with its own fresh state, the same number of POSTs over keep-alive HTTP/1.1 in ${plan.rounds} interleaved rounds, ${plan.warmup} untimed moves first. `,
        `Rows and bytes are the board's own counters (\`GET …/diagnostics\`) over the timed moves, subscriber cursor writes included; log bytes count event payloads only, the bare figure is the request body it stores. `,
        `Projection lag: from a title change's answer to its first appearance in \`GET /api/v1/search/tasks\`, polled every ${LAG_POLL_MS} ms (bare: from the append's answer, with an alarm copying the row to D1, to its appearance in a D1 read). `,
        `Live: Node's WebSocket client on \`…/ws\` with the API token (hello, then \`cmd\` moves answered by \`ack\`, every event broadcast to every socket; per-session command limits off with the rate limits), against the bare relay (\`bench/bare\` \`BareRoom\`: a hibernating WebSocket Durable Object that appends the raw message, acks it and broadcasts it). "All N watchers": from sending a command until the last of N other sockets has its event, one command at a time; moves/s: ${plan.live.senders} sockets sending their next move on each ack for ${plan.live.throughputSeconds} s; reconnect: 1,000 sockets dropped, ${plan.live.missed} moves made, then all reopened at once with \`hello {since}\`, until each has its catch-up. `,
        `Replay: the log written in-process by the board's command loop (${(log.bytes / 1e6).toFixed(1)} MB NDJSON), folded by \`replay\` from NDJSON (JSON.parse + upcast + evolve); the baseline is JSON.parse of the same lines alone.`,
      ].join(""),
      "",
      `Web app: the production build (\`vite build\`) served by the same \`wrangler dev\`, loaded in Debian's Chromium (headless, 1400×900, a fresh context each load, one untimed load of each board first). Interactive: from \`page.goto\` until the first card of each column is on screen and the live connection says online. The boards are imported logs, their tasks spread over three columns. Drop: the top card of To Do dragged with the mouse in 40 steps to Done; from the release until the card is drawn in Done. Frames: requestAnimationFrame intervals during the drag.`,
      "",
      reportsNote(reports),
      ...(storage.note ? ["", `Note: ${storage.note}.`] : []),
      ...(lag.missed.lanes + lag.missed.bare > 0
        ? [
            "",
            `Note: ${lag.missed.lanes} Lanes and ${lag.missed.bare} bare lag samples were not visible within ${LAG_BOUND_MS / 1000} s (counted at the bound).`,
          ]
        : []),
      ...(failures.length > 0 ? ["", `Failed requests: ${failures.join("; ")}.`] : []),
      ...(live.lanes.failures.length + live.bare.failures.length > 0
        ? ["", `Live phases cut short: ${[...live.lanes.failures, ...live.bare.failures].join("; ")}.`]
        : []),
    ].join("\n");

    writeFileSync(resolve(root, "bench/results.md"), `# Lanes benchmark\n\n${report}\n`);
    process.stdout.write(`\n${report}\n\n`);
    progress(`done in ${((performance.now() - started) / 1000).toFixed(0)} s; the table is in bench/results.md`);
    ok = true;
  } finally {
    clearTimeout(watchdog);
    await stopAll();
    if (ok || interrupted) rmSync(tmp, { recursive: true, force: true });
    else progress(`failed; the servers' logs are kept in ${tmp}`);
  }
}

main().catch((error: unknown) => {
  if (interrupted) return;
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
