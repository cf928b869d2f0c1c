/// <reference types="node" />
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// `npm run replay` as a person runs it: a separate process on the checked-in v1 log
// (a bare list of events, no header), asserting on what it prints and its exit code.

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const fixture = join(root, "test/fixtures/board-v1.ndjson");

function replay(...args: string[]) {
  const script = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts.replay as string;
  expect(script).toBe("tsx scripts/replay.ts");
  // The same Node that runs the tests, with tsx's CLI: what `npm run replay --` does.
  const run = spawnSync(process.execPath, [join(root, "node_modules/tsx/dist/cli.mjs"), "scripts/replay.ts", ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The lines of one column's block: its heading and its tasks. */
function column(stdout: string, name: string): string[] {
  const blocks = stdout.split("\n\n");
  const block = blocks.find((b) => b.startsWith(`${name} [`));
  if (!block) throw new Error(`no column ${name} in:\n${stdout}`);
  return block.split("\n");
}

describe("npm run replay", { timeout: 60_000 }, () => {
  it("prints the board after the last event by default", () => {
    const { status, stdout, stderr } = replay(fixture);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(stdout.split("\n")[0]).toBe("Website relaunch (WEB) · kanban · seq 34 of 34 · 2026-03-02T11:50:02.622Z");
    const headings = stdout.split("\n\n").map((b) => b.split(" [")[0]);
    expect(headings.slice(1, 5)).toEqual(["To Do", "Review", "In Progress", "Shipped"]);
    expect(column(stdout, "Review")).toEqual([
      "Review [col_3] · in_progress · WIP 1 (soft) · 1 task",
      "  WEB-2  Login page layout  ·  @usr_ben  ·  #ui",
    ]);
    expect(column(stdout, "To Do").slice(1)).toEqual([
      "  WEB-5  Cache build dependencies  ·  @usr_ben",
      "  WEB-4  Header overflows on mobile  ·  unassigned  ·  #css #ui",
      "  WEB-6  Dark mode  ·  unassigned  ·  #ui",
    ]);
    expect(stdout).not.toContain("WEB-3");
    expect(stdout.trimEnd().split("\n").at(-1)).toBe("Members: usr_ana (owner), usr_ben (member)");
  });

  it("--to SEQ prints the board as it was right after that event", () => {
    const { status, stdout } = replay(fixture, "--to", "12");
    expect(status).toBe(0);
    expect(stdout.split("\n")[0]).toBe("Website (WEB) · kanban · seq 12 of 34 · 2026-03-02T09:47:06.555Z");
    expect(column(stdout, "In Progress")).toEqual([
      "In Progress [in_progress] · in_progress · WIP 3 (hard) · 2 tasks",
      "  WEB-1  Set up CI pipeline on GitHub Actions  ·  @usr_ana  ·  #infra",
      "  WEB-2  Login page layout  ·  @usr_ben  ·  #ui",
    ]);
    expect(column(stdout, "Done")).toEqual(["Done [done] · done · 0 tasks"]);
    expect(stdout).not.toContain("WEB-5");
  });

  it("--task KEY prints the task's fields and its history up to --to", () => {
    const { status, stdout } = replay(fixture, "--task", "WEB-3", "--to", "24");
    expect(status).toBe(0);
    const lines = stdout.split("\n");
    expect(lines[0]).toBe("Website relaunch (WEB) · kanban · seq 24 of 34 · 2026-03-02T11:05:07.866Z");
    expect(lines).toContain("WEB-3  Write API docs");
    expect(lines).toContain("  column        To Do [todo]");
    expect(lines).toContain("  archived      2026-03-02T11:05:07.866Z");
    expect(lines).toContain("  description   Cover **every** route.");
    expect(lines).toContain("  2026-03-02T10:44:07.866Z  usr_ana: Blocked until the API is frozen.");
    const history = lines.slice(lines.indexOf("History up to seq 24") + 1).filter((l) => l !== "");
    expect(
      history.map((l) =>
        l
          .split(/\s+/)
          .slice(1, 3)
          .concat(l.split(/\s+/)[5] ?? ""),
      ),
    ).toEqual([
      ["seq", "7", "task.created"],
      ["seq", "21", "comment.added"],
      ["seq", "22", "task.archived"],
      ["seq", "23", "task.restored"],
      ["seq", "24", "task.archived"],
    ]);
    expect(history[2]).toContain("archived: false → true");
  });

  it("--task on a deleted task says when it went, with its whole history", () => {
    const { status, stdout } = replay(fixture, "--task", "WEB-3");
    expect(status).toBe(0);
    expect(stdout).toContain("WEB-3 does not exist at seq 34: it was deleted at seq 25.");
    expect(stdout).toMatch(/seq 25 +\S+ +usr_ana +task\.deleted +deleted: false → true/);
  });

  it("shows an old v1 edit in the current shape, and a later v2 one with before → after", () => {
    const { stdout } = replay(fixture, "--task", "WEB-5");
    expect(stdout).toContain("  assignee      usr_ben");
    expect(stdout).toMatch(/seq 34 .* task\.updated +description: — → Use actions\/cache keyed on the lockfile\./);
    expect(stdout).toContain("  parent        WEB-1");
  });

  it("exits 1 naming the line when the file is not a valid log", () => {
    const dir = mkdtempSync(join(tmpdir(), "lanes-replay-"));
    const broken = join(dir, "gap.ndjson");
    const lines = readFileSync(fixture, "utf8").split("\n");
    writeFileSync(broken, lines.filter((_, i) => i !== 6).join("\n"));
    const { status, stdout, stderr } = replay(broken);
    expect(status).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toBe(
      `replay: ${broken}: Line 7: expected seq 7 but found 8: event 7 is missing. A log holds every event from seq 1, without a gap.\n`,
    );
  });

  it("exits 2 with the usage when the command line asks for what the log cannot answer", () => {
    const beyond = replay(fixture, "--to", "99");
    expect(beyond.status).toBe(2);
    expect(beyond.stderr).toContain("--to takes a seq from 1 to 34, the last event of this log; got 99");
    expect(beyond.stderr).toContain("usage: npm run replay -- <file.ndjson> [--to SEQ] [--task KEY]");
    const unknown = replay(fixture, "--task", "WEB-99");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("there is no task WEB-99 in this log up to seq 34");
    expect(replay().status).toBe(2);
  });
});
