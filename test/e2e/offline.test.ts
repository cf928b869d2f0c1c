import type { Browser } from "playwright-core";
import { expect, test } from "vitest";
import {
  ALICE,
  api,
  BOB,
  cardIn,
  controllableConnection,
  forgetPages,
  freshBoard,
  openBoard,
  personContext,
  screenshotOnFailure,
  useBrowser,
  waitForFocusOn,
} from "./harness";

let browser: Browser;
useBrowser((b) => {
  browser = b;
});

test("offline, Bob moves two cards and edits one; they show at once, wait, and reach Alice when he is back", async () => {
  screenshotOnFailure("offline");
  forgetPages();
  const board = await freshBoard({ tasks: [{ title: "Draft" }, { title: "Review" }, { title: "Publish" }] });
  const [draft, review, publish] = board.keys as [string, string, string];
  const alice = await personContext(browser, ALICE);
  const bob = await personContext(browser, BOB);
  const bobLine = await controllableConnection(bob.context, bob.page);
  await openBoard(alice.page, board.key);
  await openBoard(bob.page, board.key);

  await bobLine.offline();
  await bob.page.locator('.sync[data-status="offline"]').waitFor();
  for (const key of [draft, review]) {
    await cardIn(bob.page, "todo", key).focus();
    await waitForFocusOn(bob.page, key);
    await bob.page.keyboard.press("Space");
    await bob.page.keyboard.press("ArrowRight");
    await bob.page.keyboard.press("Space");
    // Shown at once, while the board cannot be reached.
    await cardIn(bob.page, "in_progress", key).waitFor();
  }
  await cardIn(bob.page, "todo", publish).click();
  await bob.page.getByRole("button", { name: /^Title: / }).click();
  await bob.page.getByLabel("Title", { exact: true }).fill("Publish on Friday");
  await bob.page.getByLabel("Title", { exact: true }).press("Enter");
  await bob.page.keyboard.press("Escape");
  const indicator = bob.page.locator(".sync");
  await indicator.filter({ hasText: "Offline · 3 changes waiting" }).waitFor();
  expect(await cardIn(alice.page, "todo", draft).count()).toBe(1);

  await bobLine.online();
  await cardIn(alice.page, "in_progress", draft).waitFor();
  await cardIn(alice.page, "in_progress", review).waitFor();
  await cardIn(alice.page, "todo", publish).filter({ hasText: "Publish on Friday" }).waitFor();
  await bob.page.locator('.sync[data-status="online"][data-pending="0"]').waitFor();
  expect(await indicator.textContent()).toContain("Live");
  const { task } = await api<{ task: { title: string } }>(ALICE, "GET", `/boards/${board.id}/tasks/${publish}`);
  expect(task.title).toBe("Publish on Friday");
  await alice.context.close();
  await bob.context.close();
});

test("time travel shows a moved card in its earlier column, read-only, until back to live", async () => {
  screenshotOnFailure("time-travel");
  forgetPages();
  const board = await freshBoard({ tasks: [{ title: "Ship it" }] });
  const [key] = board.keys as [string];
  await api(ALICE, "POST", `/boards/${board.id}/tasks/${key}/move`, { columnId: "done" });
  const { page } = await personContext(browser, ALICE);
  await openBoard(page, board.key);
  await cardIn(page, "done", key).waitFor();

  await page.getByRole("button", { name: "Time travel" }).click();
  const banner = page.getByRole("region", { name: "Time travel" });
  await banner.getByText("Viewing the past").waitFor();
  await page.getByRole("button", { name: "Previous event" }).click();
  await cardIn(page, "todo", key).waitFor();
  expect(await cardIn(page, "done", key).count()).toBe(0);
  expect(await banner.textContent()).toMatch(/task created by Alice Martin/);
  expect(await page.getByRole("button", { name: "Create task" }).count()).toBe(0);
  expect(await cardIn(page, "todo", key).getAttribute("aria-roledescription")).toBe("card");

  await page.getByRole("button", { name: "Back to live" }).click();
  await cardIn(page, "done", key).waitFor();
  expect(await banner.count()).toBe(0);
  await page.context().close();
});
