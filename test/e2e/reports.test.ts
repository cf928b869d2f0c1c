import { mkdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { beforeAll, expect, test } from "vitest";
import { boardLogHeader, boardLogLine } from "../../src/domain/boardLog";
import { ANA, OLGA, reportsBoard } from "../fixtures/reportsBoard";
import {
  ALICE,
  api,
  BOB,
  forgetPages,
  freshBoard,
  importBoard,
  openBoard,
  personContext,
  screenshotOnFailure,
  seriousViolations,
  useBrowser,
} from "./harness";

// The reports screen as a person uses it, on the scripted Scrum board of the report
// tests (test/fixtures/reportsBoard.ts: two sprints in March 2026, a task added,
// one re-pointed and one removed mid-sprint, worklogs across time zones), imported
// as its log so its history has real days, weekends included. Its two people are
// Alice (Olga in the script) and Bob (Ana), so the reports name them.
// LANES_DOCS_SCREENSHOTS=1 also refreshes the README's screenshots of the charts.

const docs = resolve(import.meta.dirname, "../../docs");
const saveDocs = process.env.LANES_DOCS_SCREENSHOTS === "1";

let browser: Browser;
useBrowser((b) => {
  browser = b;
});

let board: { id: string; key: string };
let sprint1: string;

beforeAll(async () => {
  const fixture = reportsBoard();
  const head = fixture.state.board as NonNullable<typeof fixture.state.board>;
  const [alice, bob] = await Promise.all(
    [ALICE, BOB].map(async (email) => (await api<{ user: { id: string } }>(email, "GET", "/me")).user.id),
  );
  const log = [boardLogHeader(head, fixture.state.seq, "2026-03-20T00:00:00.000Z"), ...fixture.events]
    .map(boardLogLine)
    .join("")
    .replaceAll(OLGA, alice as string)
    .replaceAll(ANA, bob as string);
  board = await importBoard(ALICE, log);
  sprint1 = fixture.sprint1;
  // The reports read a projection the board feeds a moment after its log: wait for it to hold both sprints.
  await projected("The imported board's reports", `/boards/${board.id}/reports/velocity`, (velocity) => {
    return (velocity as { sprints: unknown[] }).sprints.length === 2;
  });
});

/** Asks a report until its answer shows what was written (the projection is a moment behind the log). */
async function projected(what: string, path: string, caughtUp: (answer: unknown) => boolean): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (caughtUp(await api(ALICE, "GET", path))) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} never caught up`);
}

const key = (n: number) => `${board.key}-${n}`;
const reports = (page: Page, rest: string) => openBoard(page, board.key, `/reports${rest}`);

async function shoot(page: Page, name: string): Promise<void> {
  if (!saveDocs) return;
  mkdirSync(docs, { recursive: true });
  await page.screenshot({ path: resolve(docs, name), fullPage: true });
}

/** The rows of a table (found by its caption), as the text of their cells. */
async function tableRows(page: Page, caption: string | RegExp): Promise<string[][]> {
  const table = page.getByRole("table", { name: caption });
  await table.waitFor({ state: "attached" });
  return table
    .locator("tbody tr, tfoot tr")
    .evaluateAll((rows) =>
      rows.map((r) => [...r.querySelectorAll("th, td")].map((c) => (c.textContent ?? "").replace(/\s+/g, " ").trim())),
    );
}

test("burndown: the sprint picker, scope changes as marked steps named by task, points or time, burnup", async () => {
  screenshotOnFailure("reports-burndown");
  forgetPages();
  const { page } = await personContext(browser, ALICE, { timezoneId: "UTC", locale: "en-US" });
  await openBoard(page, board.key);
  await page.getByRole("navigation", { name: "Board" }).getByRole("link", { name: "Reports" }).click();
  // The board's first report, under its own URL; the newest sprint first.
  await page.waitForURL(/\/reports\/burndown$/);
  const picker = page.getByLabel("Sprint").and(page.locator("select"));
  expect(await picker.locator("option:checked").textContent()).toBe("Sprint 2");

  await picker.selectOption({ label: "Sprint 1" });
  await page.waitForURL(new RegExp(`sprint=${sprint1}`));
  const summary = page.locator("figcaption.summary");
  await summary.filter({ hasText: "Sprint 1" }).waitFor();
  expect(await summary.textContent()).toContain(
    "10 story points committed, 8 added and 2 removed after the start; 6 done and 8 remaining at the end",
  );
  // The text alternative: every change with its figures, the scope steps named by their task.
  const rows = await tableRows(page, "Burndown of Sprint 1, in story points");
  expect(rows.map((r) => [r[1], r[2], r[3]])).toEqual([
    ["10", "10", "0"],
    ["7", "10", "3"],
    ["15", "18", "3"],
    ["13", "16", "3"],
    ["10", "16", "6"],
    ["8", "14", "6"],
  ]);
  expect(rows[2]?.[4]).toBe(`Scope change: ${key(4)} added to the sprint (+8 points)`);
  expect(rows[5]?.[4]).toBe(`Scope change: ${key(3)} removed from the sprint (−2 points)`);
  const steps = page.getByRole("list").filter({ hasText: "added to the sprint" });
  expect(await steps.locator("li").allTextContents()).toEqual([
    expect.stringContaining(`${key(4)} added to the sprint (+8 points)`),
    expect.stringContaining(`${key(2)} re-estimated (−2 points)`),
    expect.stringContaining(`${key(3)} removed from the sprint (−2 points)`),
  ]);
  const canvas = page.locator('[data-chart="burndown"] canvas');
  await canvas.waitFor();
  await shoot(page, "burndown.png");

  // Pointing at the step where RPT-4 came in says which task it was.
  const plot = await page.locator('[data-chart="burndown"] .u-over').boundingBox();
  if (!plot) throw new Error("no plot area");
  const tip = page.locator(".chart-tip");
  let pointed = "";
  for (let x = plot.x + 1; x < plot.x + plot.width && !pointed.includes(`${key(4)} added`); x += 5) {
    await page.mouse.move(x, plot.y + plot.height / 2);
    pointed = (await tip.isVisible()) ? ((await tip.textContent()) ?? "") : "";
  }
  expect(pointed).toContain(`${key(4)} added to the sprint (+8 points)`);

  await page.getByRole("button", { name: "Remaining time" }).click();
  await page.waitForURL(/unit=time/);
  const time = await tableRows(page, "Burndown of Sprint 1, in hours");
  expect(time.at(-1)?.[1]).toBe("5h");

  await page.getByRole("button", { name: "Burnup", exact: true }).click();
  await page.getByRole("heading", { name: "Burnup", level: 1 }).waitFor();
  await page.getByRole("table", { name: "Burnup of Sprint 1, in hours" }).waitFor({ state: "attached" });
  await page.context().close();
});

test("sprint report lists each group with links to its tasks; velocity shows committed against completed, and its CSV", async () => {
  screenshotOnFailure("reports-sprint");
  forgetPages();
  const { page } = await personContext(browser, ALICE, { timezoneId: "UTC", locale: "en-US" });
  await reports(page, `/sprint?sprint=${sprint1}`);
  const group = (name: string) => page.getByRole("region", { name, exact: true });
  const keysIn = (name: string) => group(name).locator("a.key").allTextContents();
  await group("Completed").locator("a.key").first().waitFor();
  expect(await keysIn("Completed")).toEqual([key(1), key(2)]);
  expect(await keysIn("Not completed")).toEqual([key(4)]);
  expect(await keysIn("Added after the start")).toEqual([key(4)]);
  expect(await keysIn("Removed after the start")).toEqual([key(3)]);
  await group("Removed after the start")
    .getByRole("link", { name: key(3) })
    .click();
  await page.waitForURL(new RegExp(`/p/${board.key}/${key(3)}$`));
  await page.getByRole("dialog", { name: `${key(3)} details` }).waitFor();

  await reports(page, "/velocity");
  const rows = await tableRows(page, /Committed and completed per sprint/);
  expect(rows.map((r) => r.slice(0, 3))).toEqual([
    ["Sprint 1", "10", "6"],
    ["Sprint 2", "9", "9"],
  ]);
  await page.locator('[data-chart="velocity"] canvas').waitFor();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download CSV" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("velocity.csv");
  const csv = readFileSync(await download.path(), "utf8").split("\r\n");
  expect(csv[0]).toBe(
    "sprint_id,name,completed_at,committed,completed,added_after_start,removed_after_start,carried_over",
  );
  expect(csv[1]).toMatch(/^[^,]+,Sprint 1,2026-03-11T17:00:00.000Z,10,6,8,2,8$/);
  await page.context().close();
});

test("cumulative flow and the control chart over a range kept in the URL", async () => {
  screenshotOnFailure("reports-flow");
  forgetPages();
  const { page } = await personContext(browser, ALICE, { timezoneId: "UTC", locale: "en-US" });
  await reports(page, "/cfd?from=2026-03-05&to=2026-03-10");
  expect(await page.getByLabel("From").inputValue()).toBe("2026-03-05");
  const rows = await tableRows(page, "Tasks per column at the end of each day");
  expect(rows.map((r) => r.slice(1))).toEqual([
    ["4", "0", "1", "5"],
    ["3", "1", "1", "5"],
    ["3", "1", "1", "5"],
    ["3", "1", "1", "5"],
    ["3", "0", "2", "5"],
    ["2", "1", "2", "5"],
  ]);
  await page.locator('[data-chart="cfd"] canvas').waitFor();
  // A range typed in: the URL follows, so it can be shared.
  await page.getByLabel("From").fill("2026-03-02");
  await page.waitForURL(/from=2026-03-02/);
  await page.getByLabel("From").blur();
  expect((await tableRows(page, "Tasks per column at the end of each day")).length).toBe(9);
  await shoot(page, "cfd.png");

  await reports(page, "/control?from=2026-03-01&to=2026-03-31");
  const summary = page.locator("figcaption.summary").first();
  await summary.filter({ hasText: "Cycle time" }).waitFor();
  expect(await summary.textContent()).toContain(
    "Cycle time of the 4 tasks done between Sun, Mar 1 and Tue, Mar 31: half within 1d 3h, 85% within 3d 6h",
  );
  const tasks = await tableRows(page, "Cycle time per task done, oldest first");
  expect(tasks.map((r) => r[0])).toEqual([
    `${key(1)} Login`,
    `${key(2)} Signup`,
    `${key(4)} Search`,
    `${key(5)} Export`,
  ]);
  await page.locator('[data-chart="control"] canvas').waitFor();
  await page.locator('[data-chart="throughput"] canvas').waitFor();
  expect(await page.locator("figcaption.summary").nth(1).textContent()).toContain(
    "week of Mon, Feb 23: 0, week of Mon, Mar 2: 1, week of Mon, Mar 9: 2, week of Mon, Mar 16: 1",
  );
  await page.getByRole("button", { name: "Lead time" }).click();
  await summary.filter({ hasText: "Lead time of the 4 tasks" }).waitFor();
  await page.context().close();
});

test("timesheet in the viewer's time zone, and my time across boards with its CSV", async () => {
  screenshotOnFailure("reports-time");
  forgetPages();
  // Alice's 2h started at 23:30 on 5 March in New York (04:30 UTC on the 6th): a New Yorker sees it on the 5th.
  const { page } = await personContext(browser, ALICE, { timezoneId: "America/New_York", locale: "en-US" });
  await reports(page, "/timesheet?from=2026-03-05&to=2026-03-11");
  const rows = await tableRows(page, "Time logged per person per day");
  expect(rows).toEqual([
    ["Alice Martin", "2h", "", "", "", "", "", "", "2h"],
    ["Bob Okafor", "", "1h 30m", "", "", "", "3h", "", "4h 30m"],
    ["Total", "2h", "1h 30m", "", "", "", "3h", "", "6h 30m"],
  ]);
  expect(await tableRows(page, "Per task")).toEqual([
    [`${key(1)} Login`, "2h"],
    [`${key(2)} Signup`, "1h 30m"],
    [`${key(4)} Search`, "3h"],
  ]);

  // My time: Alice's own work on three boards (her 2h on this one among it), in one grid.
  const first = await freshBoard({ tasks: [{ title: "Write the brief" }] });
  const second = await freshBoard({ tasks: [{ title: "Review the brief" }] });
  await api(ALICE, "POST", `/boards/${first.id}/tasks/${first.keys[0]}/worklogs`, {
    timeSpent: "1h 15m",
    startedAt: "2026-03-03T14:00:00Z",
  });
  await api(ALICE, "POST", `/boards/${second.id}/tasks/${second.keys[0]}/worklogs`, {
    timeSpent: "45m",
    startedAt: "2026-03-04T15:00:00Z",
  });
  // My time is read once as it opens: only after the projection holds both worklogs.
  await projected("My time", "/reports/timesheet?from=2026-03-02&to=2026-03-08", (sheet) => {
    return (sheet as { totalSeconds: number }).totalSeconds === 4 * 3600;
  });
  await page.getByRole("link", { name: "My time", exact: true }).click();
  await page.waitForURL(/\/time$/);
  await page.goto("/time?from=2026-03-02&to=2026-03-08");
  const total = page.getByTestId("timesheet-total");
  await total.filter({ hasText: "4h" }).waitFor();
  const projects = await tableRows(page, "Per project");
  expect(projects.sort()).toEqual([
    ["Reports fixture", "2h"],
    [`Test board ${first.key}`, "1h 15m"],
    [`Test board ${second.key}`, "45m"],
  ]);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download CSV" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("timesheet-2026-03-02-2026-03-08.csv");
  const csv = readFileSync(await download.path(), "utf8").split("\r\n");
  expect(csv[0]).toBe(
    "user_id,name,2026-03-02,2026-03-03,2026-03-04,2026-03-05,2026-03-06,2026-03-07,2026-03-08,total_seconds",
  );
  expect(csv).toContain("total,,0,4500,2700,7200,0,0,0,14400");
  await page.context().close();
});

test("empty boards say what to do, a kanban board has only flow reports, and a report follows the board live", async () => {
  screenshotOnFailure("reports-empty");
  forgetPages();
  const scrum = await freshBoard({ mode: "scrum", tasks: [{ title: "Plan me", storyPoints: 3 }] });
  const { page } = await personContext(browser, ALICE, { locale: "en-US" });
  await openBoard(page, scrum.key, "/reports/burndown");
  await page.getByText("No sprint has started yet — start one from the backlog").waitFor();
  await page.getByRole("link", { name: "backlog", exact: true }).click();
  await page.waitForURL(new RegExp(`/p/${scrum.key}/backlog$`));

  const kanban = await freshBoard();
  // A projection slow to catch up: the first answer that holds the change is replaced by the one from before it.
  let before: string | null = null;
  let holdNext = false;
  let held = 0;
  await page.route(/\/reports\/cfd\?/, async (route) => {
    const response = await route.fetch();
    const body = await response.text();
    if (holdNext && before !== null && body !== before) {
      holdNext = false;
      held++;
      return route.fulfill({ response, body: before });
    }
    before = body;
    return route.fulfill({ response, body });
  });
  await openBoard(page, kanban.key, "/reports/velocity");
  // Velocity belongs to Scrum boards: the board's first report instead.
  await page.waitForURL(/\/reports\/cfd$/);
  expect(await page.getByRole("navigation", { name: "Reports" }).getByRole("link").allTextContents()).toEqual([
    "Cumulative flow",
    "Control chart",
    "Timesheet",
    "My time across boards",
  ]);
  await page.getByText("No task was on this board between these days.").waitFor();
  await api(ALICE, "POST", `/boards/${kanban.id}/tasks`, { title: "Arrives while the chart is open" });
  holdNext = true;
  // Asked again after the stale answer (it says it is behind the board), not left as it was.
  await page.locator("figcaption.summary", { hasText: "To Do 1" }).waitFor({ timeout: 15_000 });
  expect(held).toBe(1);
  await page.locator('[data-chart="cfd"] canvas').waitFor();
  await page.context().close();
});

test("a range too long is explained before it is asked; a failed load says what to do and tries again", async () => {
  screenshotOnFailure("reports-errors");
  forgetPages();
  const { page } = await personContext(browser, ALICE, { locale: "en-US" });
  await reports(page, "/cfd?from=2025-01-01&to=2026-03-31");
  await page.getByText("A report covers at most 370 days; this range has 455. Ask for a shorter one.").waitFor();
  expect(await page.getByRole("button", { name: "Download CSV" }).count()).toBe(0);

  const cycleTime = /\/reports\/cycle-time\?/;
  await page.route(cycleTime, (route) => route.abort("internetdisconnected"));
  await reports(page, "/control?from=2026-03-01&to=2026-03-31");
  const problem =
    "The control chart could not be loaded: Lanes cannot be reached; check your connection and try again.";
  await page.locator(".toast", { hasText: problem }).waitFor();
  await page.unroute(cycleTime);
  await page.getByRole("button", { name: "Try again" }).click();
  await page.locator('[data-chart="control"] canvas').waitFor();
  await page.context().close();
});

test("dark mode and a 390 px phone: charts fit, redraw in the scheme's colours, and axe finds nothing serious", async () => {
  screenshotOnFailure("reports-a11y");
  forgetPages();
  const { page } = await personContext(browser, ALICE, {
    colorScheme: "dark",
    viewport: { width: 390, height: 844 },
    timezoneId: "UTC",
    locale: "en-US",
  });
  await reports(page, `/burndown?sprint=${sprint1}`);
  const chart = page.locator('[data-chart="burndown"]');
  await chart.locator("canvas").waitFor();
  expect(await chart.getAttribute("data-scheme")).toBe("dark");
  expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
  expect((await chart.locator("canvas").boundingBox())?.width).toBeLessThanOrEqual(390);
  // The operating system turns light: the chart is drawn again in light colours.
  await page.emulateMedia({ colorScheme: "light" });
  await page.locator('[data-chart="burndown"][data-scheme="light"] canvas').waitFor();
  await page.emulateMedia({ colorScheme: "dark" });
  await page.locator('[data-chart="burndown"][data-scheme="dark"] canvas').waitFor();
  expect(await seriousViolations(page)).toEqual([]);

  for (const [path, chartName] of [
    [`/sprint?sprint=${sprint1}`, null],
    ["/velocity", "velocity"],
    ["/cfd?from=2026-03-02&to=2026-03-20", "cfd"],
    ["/control?from=2026-03-01&to=2026-03-31", "control"],
    ["/timesheet?from=2026-03-05&to=2026-03-11", null],
  ] as const) {
    await reports(page, path);
    if (chartName) await page.locator(`[data-chart="${chartName}"] canvas`).waitFor();
    else await page.locator("table, .report-group").first().waitFor();
    expect(await page.evaluate("document.documentElement.scrollWidth"), path).toBeLessThanOrEqual(390);
    expect(await seriousViolations(page), path).toEqual([]);
  }
  // The phone turned into a desktop window: the chart grows with its container, no reload.
  await reports(page, `/burndown?sprint=${sprint1}`);
  await chart.locator("canvas").waitFor();
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.waitForFunction(
    `document.querySelector('[data-chart="burndown"] canvas').getBoundingClientRect().width > 1000`,
  );
  await page.emulateMedia({ colorScheme: "light" });
  await page.locator('[data-chart="burndown"][data-scheme="light"] canvas').waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  await page.context().close();
});
