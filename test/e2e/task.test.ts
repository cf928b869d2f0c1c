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

const commentBy = (page: Page, author: string) =>
  page.getByRole("region", { name: "Comments" }).getByRole("listitem", { name: new RegExp(`^Comment by ${author}`) });

/** The element keyboard focus is on, by its accessible label, and whether its focus ring shows. */
async function focused(page: Page): Promise<{ label: string | null; outline: string }> {
  return (await page.evaluate(`({
    label: document.activeElement?.getAttribute("aria-label") ?? null,
    outline: getComputedStyle(document.activeElement).outlineStyle,
  })`)) as { label: string | null; outline: string };
}

/** Holds the page's animation frames until the next Tab is released, then runs them. */
async function framesHeldUntilTab(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    const frame = window.requestAnimationFrame;
    const held = [];
    window.requestAnimationFrame = (run) => held.push(run);
    document.addEventListener("keyup", function release(e) {
      if (e.key !== "Tab") return;
      document.removeEventListener("keyup", release, true);
      window.requestAnimationFrame = frame;
      for (const run of held) run(performance.now());
    }, true);
  })()`);
}

test("comments: the author edits one in place (Escape cancels) and deletes it after confirming; others see it live and get no controls", async () => {
  screenshotOnFailure("comment-edit");
  forgetPages();
  const board = await freshBoard({ tasks: [{ title: "Discuss the copy" }] });
  const [key] = board.keys as [string];
  const path = `/boards/${board.id}/tasks/${key}/comments`;
  await api(ALICE, "POST", path, { body: "Alice opens the thread" });
  await api(BOB, "POST", path, { body: "Bob's first draft" });
  const alice = await personContext(browser, ALICE);
  // Bob works in dark mode: the controls must be there and usable in it too.
  const bob = await personContext(browser, BOB, { colorScheme: "dark" });
  await openBoard(alice.page, board.key, `/${key}`);
  await openBoard(bob.page, board.key, `/${key}`);
  const bobs = commentBy(bob.page, "Bob Okafor");
  await bobs.getByText("Bob's first draft").waitFor();
  const alicesForBob = commentBy(bob.page, "Alice Martin");
  await alicesForBob.getByText("Alice opens the thread").waitFor();
  expect(await alicesForBob.getByRole("button").count(), "no controls on someone else's comment").toBe(0);

  // With the keyboard: Escape drops the edit, not the task, and focus returns to Edit.
  await bobs.getByRole("button", { name: "Edit comment" }).focus();
  await bob.page.keyboard.press("Enter");
  const editor = bobs.getByLabel("Edit comment (markdown)");
  await editor.waitFor();
  await bob.page.waitForFunction(`document.activeElement?.getAttribute("aria-label") === "Edit comment (markdown)"`);
  expect(await editor.inputValue()).toBe("Bob's first draft");
  await editor.fill("Thrown away");
  await bob.page.keyboard.press("Escape");
  await editor.waitFor({ state: "detached" });
  await bob.page.getByRole("dialog", { name: `${key} details` }).waitFor();
  await bobs.getByText("Bob's first draft").waitFor();
  await bob.page.waitForFunction(`document.activeElement?.getAttribute("aria-label") === "Edit comment"`);
  expect(await focused(bob.page)).toEqual({ label: "Edit comment", outline: "solid" });

  // A slow frame and a quick typist: the editor's focus must not pull the Tab back.
  await framesHeldUntilTab(bob.page);
  await bob.page.keyboard.press("Enter");
  await editor.fill("Bob's **final** words");
  await bob.page.keyboard.press("Tab");
  await bob.page.keyboard.press("Tab");
  expect((await focused(bob.page)).outline).toBe("solid");
  await bob.page.keyboard.press("Enter");
  await bobs.locator(".markdown strong", { hasText: "final" }).waitFor();
  await bobs.getByText("edited", { exact: false }).waitFor();

  // Alice sees the edit without reloading; as an owner she may delete Bob's comment but not edit it.
  const bobsForAlice = commentBy(alice.page, "Bob Okafor");
  await bobsForAlice.locator(".markdown strong", { hasText: "final" }).waitFor();
  expect(await bobsForAlice.locator(".edited").textContent()).toContain("edited");
  expect(await bobsForAlice.getByRole("button", { name: "Edit comment" }).count()).toBe(0);
  expect(await bobsForAlice.getByRole("button", { name: "Delete comment" }).count()).toBe(1);

  // Deleting asks first; "Keep it" keeps it.
  await bobs.getByRole("button", { name: "Delete comment" }).click();
  const confirm = bob.page.getByRole("alertdialog", { name: "Delete this comment?" });
  await confirm.waitFor();
  expect(await confirm.textContent()).toContain("Bob's **final** words");
  await confirm.getByRole("button", { name: "Keep it" }).click();
  await confirm.waitFor({ state: "detached" });
  await bobs.locator(".markdown strong", { hasText: "final" }).waitFor();
  await bobs.getByRole("button", { name: "Delete comment" }).click();
  await confirm.getByRole("button", { name: "Delete comment" }).click();
  await bobs.waitFor({ state: "detached" });
  await bobsForAlice.waitFor({ state: "detached" });
  await commentBy(alice.page, "Alice Martin").getByText("Alice opens the thread").waitFor();

  await settled(bob.page);
  const { comments } = await api<{ comments: { body: string; editedAt: string | null }[] }>(
    ALICE,
    "GET",
    `/boards/${board.id}/tasks/${key}`,
  );
  expect(comments.map((c) => [c.body, c.editedAt])).toEqual([["Alice opens the thread", null]]);
  await alice.context.close();
  await bob.context.close();
});

test("an edit of a comment someone deleted meanwhile is refused with a message that says so, and the comment goes", async () => {
  screenshotOnFailure("comment-refused");
  forgetPages();
  const board = await freshBoard({ tasks: [{ title: "Settle the tagline" }] });
  const [key] = board.keys as [string];
  await api(BOB, "POST", `/boards/${board.id}/tasks/${key}/comments`, { body: "How about: lanes for everyone" });
  const alice = await personContext(browser, ALICE);
  const bob = await personContext(browser, BOB);
  const bobLine = await controllableConnection(bob.context, bob.page);
  await openBoard(alice.page, board.key, `/${key}`);
  await openBoard(bob.page, board.key, `/${key}`);
  const bobs = commentBy(bob.page, "Bob Okafor");
  await bobs.getByText("lanes for everyone").waitFor();

  // Offline, Bob's edit shows at once and waits.
  await bobLine.offline();
  await bob.page.locator('.sync[data-status="offline"]').waitFor();
  await bobs.getByRole("button", { name: "Edit comment" }).click();
  await bobs.getByLabel("Edit comment (markdown)").fill("How about: every team in its lane");
  await bobs.getByRole("button", { name: "Save comment" }).click();
  await bobs.getByText("every team in its lane").waitFor();
  await bob.page.locator(".sync", { hasText: "1 change waiting" }).waitFor();

  // Meanwhile Alice, an owner, deletes the comment.
  const bobsForAlice = commentBy(alice.page, "Bob Okafor");
  await bobsForAlice.getByRole("button", { name: "Delete comment" }).click();
  await alice.page
    .getByRole("alertdialog", { name: "Delete this comment?" })
    .getByRole("button", { name: "Delete comment" })
    .click();
  await bobsForAlice.waitFor({ state: "detached" });

  await bobLine.online();
  await bob.page
    .locator(".toasts [role=alert]")
    .filter({ hasText: "This comment does not exist any more (it was deleted, perhaps by someone else)" })
    .waitFor();
  await bobs.waitFor({ state: "detached" });
  await bob.page.getByRole("region", { name: "Comments" }).getByText("No comments yet.").waitFor();
  await alice.context.close();
  await bob.context.close();
});

test("worklogs: the author edits time spent, start and description (the totals follow, live for others) and deletes after confirming", async () => {
  screenshotOnFailure("worklog-edit");
  forgetPages();
  const board = await freshBoard({ tasks: [{ title: "Build the pricing page", originalEstimate: "2d" }] });
  const [key] = board.keys as [string];
  const path = `/boards/${board.id}/tasks/${key}/worklogs`;
  await api(ALICE, "POST", path, { timeSpent: "2h", comment: "Draft" });
  await api(BOB, "POST", path, { timeSpent: "1h" });
  const alice = await personContext(browser, ALICE);
  const bob = await personContext(browser, BOB);
  await openBoard(alice.page, board.key, `/${key}`);
  await openBoard(bob.page, board.key, `/${key}`);
  const time = (page: Page) => page.getByRole("region", { name: "Time tracking" });
  const worklogBy = (page: Page, author: string) =>
    time(page).getByRole("listitem", { name: new RegExp(`^${author} logged`) });
  const totals = async (page: Page, logged: string, remaining: string) => {
    await time(page)
      .getByTestId("time-logged")
      .filter({ hasText: new RegExp(`^Logged ${logged}$`) })
      .waitFor();
    await time(page)
      .getByTestId("time-remaining")
      .filter({ hasText: new RegExp(`^Remaining ${remaining}$`) })
      .waitFor();
  };
  await totals(alice.page, "3h", "1d 5h");
  await totals(bob.page, "3h", "1d 5h");

  // Bob has no say over Alice's worklog; Alice, an owner, may delete Bob's but not edit it.
  await worklogBy(bob.page, "Alice Martin").getByText("Draft").waitFor();
  expect(await worklogBy(bob.page, "Alice Martin").getByRole("button").count()).toBe(0);
  await worklogBy(bob.page, "Bob Okafor").getByRole("button", { name: "Edit worklog of 1h" }).waitFor();
  expect(await worklogBy(alice.page, "Bob Okafor").getByRole("button", { name: /^Edit/ }).count()).toBe(0);

  const mine = worklogBy(alice.page, "Alice Martin");
  await mine.getByRole("button", { name: "Edit worklog of 2h" }).click();
  const form = alice.page.getByRole("form", { name: "Edit worklog" });
  await form.getByLabel("Time spent").fill("1x");
  await form.getByRole("button", { name: "Save worklog" }).click();
  await form.getByRole("alert").filter({ hasText: "Time spent:" }).waitFor();
  await form.getByLabel("Time spent").fill("1h 30m");
  // A week no report test reads: the time across boards there must be the reports test's alone.
  await form.getByLabel("Started").fill("2025-11-03T09:00");
  await form.getByLabel("Description").fill("First draft");
  await form.getByRole("button", { name: "Save worklog" }).click();
  await form.waitFor({ state: "detached" });
  const edited = worklogBy(alice.page, "Alice Martin").filter({ hasText: "logged 1h 30m" });
  await edited.waitFor();
  const line = (await edited.textContent()) ?? "";
  expect(line).toContain("Nov 3, 2025");
  expect(line).toContain("9:00");
  expect(line).toContain("First draft");
  expect(line).toContain("edited");
  // Half an hour less spent: half an hour more remaining, on both screens.
  await totals(alice.page, "2h 30m", "1d 5h 30m");
  await totals(bob.page, "2h 30m", "1d 5h 30m");
  await worklogBy(bob.page, "Alice Martin").filter({ hasText: "logged 1h 30m" }).waitFor();

  // Escape leaves the worklog as it was, and the task open.
  await edited.getByRole("button", { name: "Edit worklog of 1h 30m" }).click();
  await form.getByLabel("Time spent").fill("5h");
  await form.getByLabel("Time spent").press("Escape");
  await form.waitFor({ state: "detached" });
  await alice.page.getByRole("dialog", { name: `${key} details` }).waitFor();
  await totals(alice.page, "2h 30m", "1d 5h 30m");

  // Deleting Bob's hour asks first, and gives it back to the remaining estimate.
  await worklogBy(alice.page, "Bob Okafor").getByRole("button", { name: "Delete worklog of 1h" }).click();
  const confirm = alice.page.getByRole("alertdialog", { name: "Delete this worklog?" });
  expect(await confirm.getByLabel("Add 1h back to the remaining estimate").isChecked()).toBe(true);
  await confirm.getByRole("button", { name: "Delete worklog" }).click();
  await worklogBy(alice.page, "Bob Okafor").waitFor({ state: "detached" });
  await totals(alice.page, "1h 30m", "1d 6h 30m");
  await totals(bob.page, "1h 30m", "1d 6h 30m");
  await worklogBy(bob.page, "Bob Okafor").waitFor({ state: "detached" });

  await settled(alice.page);
  const startedAt = await alice.page.evaluate(`new Date("2025-11-03T09:00").toISOString()`);
  const { worklogs } = await api<{ worklogs: { timeSpentSeconds: number; startedAt: string; comment: string }[] }>(
    ALICE,
    "GET",
    path,
  );
  expect(worklogs.map((w) => [w.timeSpentSeconds, w.startedAt, w.comment])).toEqual([[5400, startedAt, "First draft"]]);
  await alice.context.close();
  await bob.context.close();
});
