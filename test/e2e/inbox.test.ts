import { createRequire } from "node:module";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, expect, test } from "vitest";
import {
  ALICE,
  api,
  BOB,
  forgetPages,
  freshBoard,
  openBoard,
  personContext,
  screenshotOnFailure,
  useBrowser,
} from "./harness";

let browser: Browser;
useBrowser((b) => {
  browser = b;
});
afterAll(async () => {
  // Other tests expect Bob to hear of everything.
  await api(BOB, "PUT", "/inbox/preferences", { muted: [] }).catch(() => {});
});

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  const violations = (await page.evaluate("axe.run(document).then((r) => r.violations)")) as {
    id: string;
    impact: string | null;
    nodes: { target: string[] }[];
  }[];
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

const bell = (page: Page) => page.getByRole("button", { name: /^Notifications/ });
const panel = (page: Page) => page.getByRole("region", { name: "Notifications" });

/** Whether a click at the middle of this element would reach it, rather than something drawn over it. */
async function reachable(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const hit = element.ownerDocument.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
    return hit !== null && element.contains(hit);
  });
}

test("Bob's bell counts Alice's assignment live; opening it lands on the task and it stays read after a reload", async () => {
  screenshotOnFailure("inbox-live");
  forgetPages();
  const board = await freshBoard({ tasks: [{ title: "Write the release notes" }] });
  const [key] = board.keys as [string];
  // Bob starts from an inbox with nothing unread, so the count he sees is this test's.
  await api(BOB, "POST", "/inbox/read-all");
  const alice = await personContext(browser, ALICE);
  const bob = await personContext(browser, BOB);
  // Bob is on his projects page, not on Alice's board: the bell is live everywhere.
  await bob.page.goto("/");
  await bell(bob.page).and(bob.page.locator('[data-unread="0"]')).waitFor();
  await bob.page.getByRole("heading", { name: "Projects", exact: true }).waitFor();

  await openBoard(alice.page, board.key, `/${key}`);
  const drawer = alice.page.getByRole("dialog", { name: `${key} details` });
  await drawer.getByLabel("Assignee").selectOption({ label: "Bob Okafor" });

  await bob.page.getByRole("button", { name: "Notifications, 1 unread" }).waitFor();
  await bell(bob.page).click();
  const item = panel(bob.page).getByRole("link", { name: new RegExp(`assigned ${key}.*to you`) });
  await item.waitFor();
  expect(await item.textContent()).toContain("Unread");
  await item.click();

  await bob.page.waitForURL(new RegExp(`/p/${board.key}/${key}$`));
  await bob.page.getByRole("dialog", { name: `${key} details` }).waitFor();
  await bell(bob.page).and(bob.page.locator('[data-unread="0"]')).waitFor();
  expect(await bell(bob.page).getAttribute("aria-label")).toBe("Notifications");

  await bob.page.reload();
  await bob.page.getByRole("dialog", { name: `${key} details` }).waitFor();
  // The task stays open: the bell is above it, not under it.
  await bell(bob.page).click();
  const again = panel(bob.page).getByRole("link", { name: new RegExp(`assigned ${key}.*to you`) });
  await again.waitFor();
  expect(await again.textContent()).not.toContain("Unread");
  expect(await bell(bob.page).getAttribute("aria-label")).toBe("Notifications");
  await alice.context.close();
  await bob.context.close();
});

test("a muted kind is not heard of; mark all read clears the count in every tab", async () => {
  screenshotOnFailure("inbox-preferences");
  forgetPages();
  const board = await freshBoard({ tasks: [{ title: "Muted assignment" }, { title: "Heard mention" }] });
  const [assigned, mentioned] = board.keys as [string, string];
  await api(BOB, "POST", "/inbox/read-all");
  await api(BOB, "PUT", "/inbox/preferences", { muted: [] });
  const bob = await personContext(browser, BOB);
  const other = await bob.context.newPage();
  await bob.page.goto("/");
  await other.goto("/");
  await bell(bob.page).and(bob.page.locator('[data-unread="0"]')).waitFor();

  await bell(bob.page).click();
  await panel(bob.page).getByRole("button", { name: "Preferences" }).click();
  const assignedBox = panel(bob.page).getByRole("checkbox", { name: "Assigned to me" });
  await assignedBox.waitFor();
  expect(await assignedBox.isChecked()).toBe(true);
  await assignedBox.uncheck();
  // The choice is the server's, not only the page's.
  await expect
    .poll(async () => (await api<{ muted: string[] }>(BOB, "GET", "/inbox/preferences")).muted, { timeout: 30_000 })
    .toContain("assigned");

  // In board order: the assignment first, then the mention. When the mention arrives, the assignment was dropped.
  const { id: userId } = (await api<{ user: { id: string } }>(BOB, "GET", "/me")).user;
  await api(ALICE, "PATCH", `/boards/${board.id}/tasks/${assigned}`, { assigneeId: userId });
  await api(ALICE, "POST", `/boards/${board.id}/tasks/${mentioned}/comments`, { body: "@Bob can you look at this?" });
  await bob.page.getByRole("button", { name: "Notifications, 1 unread" }).waitFor();
  await other.getByRole("button", { name: "Notifications, 1 unread" }).waitFor();
  const list = panel(bob.page).getByRole("listitem");
  await list.filter({ hasText: `mentioned you on ${mentioned}` }).waitFor();
  expect(await list.filter({ hasText: `assigned ${assigned}` }).count()).toBe(0);
  // The open panel, its preferences and its list, read by axe.
  expect(await seriousViolations(bob.page)).toEqual([]);

  await panel(bob.page).getByRole("button", { name: "Mark all read" }).click();
  await bell(bob.page).and(bob.page.locator('[data-unread="0"]')).waitFor();
  await bell(other).and(other.locator('[data-unread="0"]')).waitFor();
  await bob.context.close();
});

for (const viewport of [
  { width: 1400, height: 900 },
  { width: 390, height: 844 },
]) {
  test(`with a task open, the bell and its panel are on top and work (${viewport.width} px wide)`, async () => {
    screenshotOnFailure(`inbox-over-task-${viewport.width}`);
    forgetPages();
    const board = await freshBoard({ tasks: [{ title: "The task Bob reads" }, { title: "The task he is given" }] });
    const [reading, given] = board.keys as [string, string];
    await api(BOB, "POST", "/inbox/read-all");
    await api(BOB, "PUT", "/inbox/preferences", { muted: [] });
    const bob = await personContext(browser, BOB, { viewport });
    await openBoard(bob.page, board.key, `/${reading}`);
    const drawer = bob.page.getByRole("dialog", { name: `${reading} details` });
    await drawer.waitFor();
    const { id: userId } = (await api<{ user: { id: string } }>(BOB, "GET", "/me")).user;
    await api(ALICE, "PATCH", `/boards/${board.id}/tasks/${given}`, { assigneeId: userId });
    await bob.page.getByRole("button", { name: "Notifications, 1 unread" }).waitFor();

    expect(await reachable(bell(bob.page)), "the bell is not under the task").toBe(true);
    const header = await bob.page.locator("header.top").boundingBox();
    const task = await drawer.boundingBox();
    expect(task?.y, "the task starts below the header").toBeGreaterThanOrEqual(
      (header?.y ?? 0) + (header?.height ?? 0) - 1,
    );
    await bell(bob.page).click();
    const item = panel(bob.page).getByRole("link", { name: new RegExp(`assigned ${given}.*to you`) });
    await item.waitFor();
    expect(await reachable(item), "the panel is over the task").toBe(true);
    const shown = await panel(bob.page).boundingBox();
    expect(shown && shown.x >= 0 && shown.x + shown.width <= viewport.width, "the panel fits the screen").toBe(true);

    // Escape closes the panel and leaves the task open; the keyboard opens it again.
    await bob.page.keyboard.press("Escape");
    await panel(bob.page).waitFor({ state: "detached" });
    await drawer.waitFor();
    await bob.page.waitForFunction(`document.activeElement?.classList.contains("bell-button")`);
    await bob.page.keyboard.press("Enter");
    await item.click();
    await bob.page.waitForURL(new RegExp(`/p/${board.key}/${given}$`));
    await bob.page.getByRole("dialog", { name: `${given} details` }).waitFor();
    await bell(bob.page).and(bob.page.locator('[data-unread="0"]')).waitFor();
    await bob.context.close();
  });
}
