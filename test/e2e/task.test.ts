import type { Browser, Page } from "playwright-core";
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
  settled,
  useBrowser,
} from "./harness";

let browser: Browser;
useBrowser((b) => {
  browser = b;
});

async function editTitle(page: Page, title: string): Promise<void> {
  await page.getByRole("button", { name: /^Title: / }).click();
  const input = page.getByLabel("Title", { exact: true });
  await input.fill(title);
  await input.press("Enter");
}

test("two people edit the same title from the same state: one sees the conflict, applies theirs, and the history shows both", async () => {
  screenshotOnFailure("conflict");
  forgetPages();
  const board = await freshBoard({ tasks: [{ title: "Plan the launch" }] });
  const [key] = board.keys as [string];
  const alice = await personContext(browser, ALICE);
  const bob = await personContext(browser, BOB);
  const bobLine = await controllableConnection(bob.context, bob.page);
  await openBoard(alice.page, board.key, `/${key}`);
  await openBoard(bob.page, board.key, `/${key}`);
  await bob.page.getByRole("dialog", { name: `${key} details` }).waitFor();

  // Bob's edit leaves while he is cut off: it is based on the title both of them saw.
  await bobLine.offline();
  await bob.page.locator('.sync[data-status="offline"]').waitFor();
  await editTitle(alice.page, "Launch on Monday");
  await alice.page.locator(".sync", { hasText: "Live" }).waitFor();
  await editTitle(bob.page, "Launch on Tuesday");
  await bob.page.locator(".sync", { hasText: "1 change waiting" }).waitFor();
  await bobLine.online();

  const dialog = bob.page.getByRole("alertdialog", { name: `Your change to ${key} collided` });
  await dialog.waitFor();
  expect(await dialog.getByTestId("yours").textContent()).toBe("Launch on Tuesday");
  expect(await dialog.getByTestId("current").textContent()).toBe("Launch on Monday");
  expect(await dialog.textContent()).toContain("Alice Martin");
  await dialog.getByRole("button", { name: "Apply mine" }).click();

  await bob.page.getByRole("heading", { name: "Launch on Tuesday" }).waitFor();
  await alice.page.getByRole("heading", { name: "Launch on Tuesday" }).waitFor();
  await cardIn(alice.page, "todo", key).filter({ hasText: "Launch on Tuesday" }).waitFor();

  await alice.page.getByRole("tab", { name: "History" }).click();
  const history = alice.page.getByRole("region", { name: "History" });
  const refused = history.locator("li.rejected");
  await refused.first().waitFor();
  expect(await refused.first().textContent()).toContain("Refused");
  expect(await refused.first().textContent()).toContain("Bob Okafor");
  const titles = await history.locator("li").filter({ hasText: "title:" }).allTextContents();
  expect(titles.some((t) => t.includes("Launch on Monday") && !t.includes("Refused"))).toBe(true);
  expect(titles.some((t) => t.includes("→ Launch on Tuesday") && !t.includes("Refused"))).toBe(true);
  await alice.context.close();
  await bob.context.close();
});

test("a description with a script and a javascript: link renders inert", async () => {
  screenshotOnFailure("markdown");
  forgetPages();
  const description = [
    "# Launch notes",
    "Read **carefully**.",
    "<script>window.__ran = 'script'</script>",
    "[click me](javascript:window.__ran='link')",
    "<a href=\"javascript:window.__ran='raw link'\">raw link</a>",
    '<img src="x" onerror="window.__ran=\'img\'">',
    "[safe link](https://example.com/docs)",
  ].join("\n\n");
  const board = await freshBoard({ tasks: [{ title: "Dangerous description", description }] });
  const [key] = board.keys as [string];
  const { page } = await personContext(browser, ALICE);
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await openBoard(page, board.key, `/${key}`);
  const rendered = page.getByRole("region", { name: "Description" }).locator(".markdown");
  await rendered.getByRole("heading", { name: "Launch notes" }).waitFor();
  expect(await rendered.locator("strong").textContent()).toBe("carefully");
  expect(await rendered.locator("script").count()).toBe(0);
  expect(await rendered.locator("[onerror]").count()).toBe(0);
  const hrefs = await rendered.locator("a").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
  expect(hrefs).toContain("https://example.com/docs");
  expect(hrefs.filter((h) => h?.toLowerCase().includes("javascript"))).toEqual([]);
  await rendered.getByText("click me").click();
  await rendered.getByText("raw link").click();
  expect(await page.evaluate("window.__ran")).toBeUndefined();
  expect(dialogs).toEqual([]);
  await page.context().close();
});

test("a task opens from its URL; fields, description, comments and sub-tasks are edited in place", async () => {
  screenshotOnFailure("task-detail");
  forgetPages();
  const board = await freshBoard({ tasks: [{ title: "Prepare the demo" }] });
  const [key] = board.keys as [string];
  const { page } = await personContext(browser, ALICE);
  await openBoard(page, board.key, `/${key}`);
  const drawer = page.getByRole("dialog", { name: `${key} details` });
  await drawer.waitFor();

  await drawer.getByLabel("Priority").selectOption("high");
  await drawer.getByLabel("Assignee").selectOption({ label: "Bob Okafor" });
  await drawer.getByRole("button", { name: /^Story points/ }).click();
  await drawer.getByLabel("Story points", { exact: true }).fill("5");
  await drawer.getByLabel("Story points", { exact: true }).press("Enter");
  await drawer.getByRole("button", { name: /^Labels/ }).click();
  await drawer.getByLabel("Labels", { exact: true }).fill("demo, launch");
  await drawer.getByLabel("Labels", { exact: true }).press("Enter");
  await drawer.getByRole("button", { name: "Edit description" }).click();
  await drawer.getByLabel("Description (markdown)").fill("Show the **live** board.");
  await drawer.getByRole("button", { name: "Save description" }).click();
  await drawer.locator(".markdown strong", { hasText: "live" }).waitFor();
  await drawer.getByLabel("New comment").fill("Rehearsal on *Friday*.");
  await drawer.getByRole("button", { name: "Comment", exact: true }).click();
  await drawer.locator(".comments em", { hasText: "Friday" }).waitFor();
  await drawer.getByLabel("New sub-task title").fill("Record a backup video");
  await drawer.getByRole("button", { name: "Add", exact: true }).click();
  await drawer.getByRole("region", { name: "Sub-tasks" }).getByText("Record a backup video").waitFor();
  await drawer.getByRole("button", { name: "Start timer" }).click();
  await drawer.getByRole("button", { name: /Stop timer/ }).waitFor();
  await settled(page);
  await page.reload();
  // Still running after a reload: the timer is the board's, not the page's.
  await drawer.getByRole("button", { name: /Stop timer/ }).waitFor();

  const card = cardIn(page, "todo", key);
  await card.locator(".points", { hasText: "5" }).waitFor();
  expect(await card.locator(".label").allTextContents()).toEqual(["demo", "launch"]);
  await settled(page);
  const { task } = await api<{
    task: { priority: string; storyPoints: number; labels: string[]; description: string; assigneeId: string };
  }>(ALICE, "GET", `/boards/${board.id}/tasks/${key}`);
  expect(task).toMatchObject({ priority: "high", storyPoints: 5, description: "Show the **live** board." });
  expect(task.labels.sort()).toEqual(["demo", "launch"]);
  const { comments } = await api<{ comments: { body: string }[] }>(ALICE, "GET", `/boards/${board.id}/tasks/${key}`);
  expect(comments.map((c) => c.body)).toEqual(["Rehearsal on *Friday*."]);
  await page.context().close();
});
