/// <reference types="node" />
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";

// The servers the benchmark starts, and the guarantee that it stops exactly those.
// Each runs in its own process group (detached), so stopping one signals wrangler
// and the workerd it spawned together, by group id, and nothing else on the machine.

const root = resolve(import.meta.dirname, "..");
/** The repository's own command-line tools, run with this Node. */
const TOOLS = {
  wrangler: resolve(root, "node_modules/wrangler/bin/wrangler.js"),
  vite: resolve(root, "node_modules/vite/bin/vite.js"),
} as const;

export interface Started {
  label: string;
  pid: number;
  logFile: string;
  exited: Promise<number | null>;
}

const running = new Set<Started>();

/** A port no one listens on right now, on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const probe = createServer();
    probe.once("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? ok(address.port) : fail(new Error("no port"))));
    });
  });
}

/** Starts `wrangler <args>` with this repository's wrangler and Node, output to `logFile`. */
export function startWrangler(label: string, args: string[], logFile: string): Started {
  return startTool("wrangler", label, args, logFile);
}

function startTool(tool: keyof typeof TOOLS, label: string, args: string[], logFile: string): Started {
  const log = openSync(logFile, "a");
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [TOOLS[tool], ...args], {
      cwd: root,
      detached: true,
      stdio: ["ignore", log, log],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1" },
    });
  } finally {
    closeSync(log);
  }
  if (child.pid === undefined) throw new Error(`${label} did not start`);
  const started: Started = {
    label,
    pid: child.pid,
    logFile,
    exited: new Promise((done) => child.once("exit", (code) => done(code))),
  };
  running.add(started);
  void started.exited.then(() => running.delete(started));
  return started;
}

/** Runs a wrangler command to its end; throws with its output when it fails. */
export function runWrangler(label: string, args: string[], logFile: string, timeoutMs: number): Promise<void> {
  return runTool("wrangler", label, args, logFile, timeoutMs);
}

/** Runs a vite command (a build) to its end; throws with its output when it fails. */
export function runVite(label: string, args: string[], logFile: string, timeoutMs: number): Promise<void> {
  return runTool("vite", label, args, logFile, timeoutMs);
}

async function runTool(
  tool: keyof typeof TOOLS,
  label: string,
  args: string[],
  logFile: string,
  timeoutMs: number,
): Promise<void> {
  const job = startTool(tool, label, args, logFile);
  const timer = setTimeout(() => void stop(job), timeoutMs);
  const code = await job.exited;
  clearTimeout(timer);
  await stop(job);
  if (code !== 0) throw new Error(`${label} failed (exit ${code}):\n${tail(logFile)}`);
}

function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
}

/** SIGTERM to the group, SIGKILL to whatever of it is left after `graceMs`. */
export async function stop(job: Started, graceMs = 4000): Promise<void> {
  signalGroup(job.pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (signalGroup(job.pid, 0) && Date.now() < deadline) await sleep(50);
  signalGroup(job.pid, "SIGKILL");
  running.delete(job);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((job) => stop(job)));
}

// Last resort when the process exits without stopAll (an uncaught error): exit
// handlers cannot wait, so the groups get SIGKILL at once.
process.on("exit", () => {
  for (const job of running) signalGroup(job.pid, "SIGKILL");
});

/** Waits until `url` answers 2xx, or fails early if the server died. */
export async function waitReady(job: Started, url: string, timeoutMs: number): Promise<void> {
  let dead = false;
  void job.exited.then(() => {
    dead = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (dead) throw new Error(`${job.label} exited before it was ready:\n${tail(job.logFile)}`);
    // wrangler dev stays up after a failed build, waiting for the next change.
    if (/Build failed/.test(readFileSync(job.logFile, "utf8"))) {
      throw new Error(`${job.label} did not build:\n${tail(job.logFile)}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${job.label} was not ready within ${timeoutMs / 1000} s:\n${tail(job.logFile)}`);
}

export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no output)";
  }
}

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
