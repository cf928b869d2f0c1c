import type { Browser } from "playwright-core";
import { expect, test } from "vitest";
import {
  ALICE,
  api,
  BOB,
  cardIn,
  dragCard,
  forgetPages,
  freshBoard,
  openBoard,
  personContext,
  screenshotOnFailure,
  settled,
  tabTo,
  useBrowser,
  waitForFocusOn,
} from "./harness";

let browser: Browser;
useBrowser((b) => {
  browser = b;
});

test("a card Alice drags to In Progress moves on Bob's screen without a reload", async () => {
  screenshotOnFailure("live-move");
  forgetPages();
  const board = await freshBoard({ tasks: [{ title: "Write the launch post" }, { title: "Book the venue" }] });
  const [first] = board.keys as [string];
  const alice = await personContext(browser, ALICE);
  const bob = await personContext(browser, BOB);
  await openBoard(alice.page, board.key);
  await openBoard(bob.page, board.key);
  await cardIn(bob.page, "todo", first).waitFor();
  const loads = { count: 0 };
  bob.page.on("load", () => loads.count++);

  await dragCard(alice.page, first, "in_progress");

  await cardIn(alice.page, "in_progress", first).waitFor();
  await cardIn(bob.page, "in_progress", first).waitFor({ timeout: 5_000 });
  expect(await cardIn(bob.page, "todo", first).count()).toBe(0);
  expect(loads.count).toBe(0);
  await alice.context.close();
  await bob.context.close();
});

test("a column over its soft limit is marked; a full hard-limit column refuses the drop and says why", async () => {
  screenshotOnFailure("wip-limits");
  forgetPages();
  const board = await freshBoard({ tasks: [{ title: "One" }, { title: "Two" }, { title: "Three" }] });
  const [one, two, three] = board.keys as [string, string, string];
  await api(ALICE, "PATCH", `/boards/${board.id}/columns/in_progress`, { wipLimit: 1, wipMode: "soft" });
  await api(ALICE, "PATCH", `/boards/${board.id}/columns/done`, { wipLimit: 1, wipMode: "hard" });
  await api(ALICE, "POST", `/boards/${board.id}/tasks/${one}/move`, { columnId: "in_progress" });
  await api(ALICE, "POST", `/boards/${board.id}/tasks/${two}/move`, { columnId: "done" });
  const { page } = await personContext(browser, ALICE);
  await openBoard(page, board.key);

  await dragCard(page, three, "in_progress");
  await cardIn(page, "in_progress", three).waitFor();
  const soft = page.locator('[data-column-head="in_progress"]');
  expect(await soft.getAttribute("class")).toContain("over");
  expect(await soft.textContent()).toContain("over limit");

  await dragCard(page, three, "done");
  const toast = page.getByRole("alert").filter({ hasText: "Done" });
  await toast.waitFor();
  expect(await toast.textContent()).toContain("allows at most 1");
  expect(await cardIn(page, "in_progress", three).count()).toBe(1);
  expect(await cardIn(page, "done", three).count()).toBe(0);
  await page.context().close();
});

test("quick filters live in the URL and survive a reload; swimlanes group the cards", async () => {
  screenshotOnFailure("filters");
  forgetPages();
  const me = await api<{ user: { id: string } }>(ALICE, "GET", "/me");
  const board = await freshBoard({
    tasks: [
      { title: "Fix the login bug", type: "bug", labels: ["auth"], assigneeId: me.user.id },
      { title: "Write the pricing copy", type: "task", labels: ["content"] },
      { title: "Hero banner bug", type: "bug", labels: ["design"] },
    ],
  });
  const [login, pricing, hero] = board.keys as [string, string, string];
  const { page } = await personContext(browser, ALICE);
  await openBoard(page, board.key);

  await page.getByRole("button", { name: "Only my tasks" }).click();
  await page.waitForURL(/mine=1/);
  expect(await page.locator("[data-cell] [data-key]").count()).toBe(1);
  await page.getByRole("button", { name: "Only my tasks" }).click();

  await page.getByLabel("Type").selectOption("bug");
  await page.waitForURL(/type=bug/);
  expect(await cardIn(page, "todo", pricing).count()).toBe(0);
  await page.getByLabel("Search cards").fill("hero");
  await page.waitForURL(/q=hero/);
  await page.reload();
  await page.locator('.sync[data-status="online"]').waitFor();
  expect(await page.getByLabel("Search cards").inputValue()).toBe("hero");
  expect(await page.locator("[data-cell] [data-key]").evaluateAll((els) => els.map((e) => e.dataset.key))).toEqual([
    hero,
  ]);

  await page.goto(`/p/${board.key}?label=auth`);
  await cardIn(page, "todo", login).waitFor();
  expect(await page.locator("[data-cell] [data-key]").count()).toBe(1);

  await page.goto(`/p/${board.key}?lanes=assignee`);
  await page.getByRole("region", { name: "Swimlane Alice Martin" }).waitFor();
  const unassigned = page.getByRole("region", { name: "Swimlane Unassigned" });
  expect(await unassigned.locator("[data-key]").count()).toBe(2);
  expect(
    await page.getByRole("region", { name: "Swimlane Alice Martin" }).locator(`[data-key="${login}"]`).count(),
  ).toBe(1);
  await page.context().close();
});

test("keyboard only: create a task, move it to the next column, open it, log 1h, close", async () => {
  screenshotOnFailure("keyboard");
  forgetPages();
  const board = await freshBoard({ tasks: [{ title: "Existing work" }] });
  const { page } = await personContext(browser, ALICE);
  await openBoard(page, board.key);
  const key = `${board.key}-2`;

  await page.keyboard.press("c");
  await page.getByRole("dialog", { name: "Create task" }).waitFor();
  await page.keyboard.type("Keyboard made this");
  await page.keyboard.press("Enter");
  await cardIn(page, "todo", key).waitFor();
  await waitForFocusOn(page, key);

  await page.keyboard.press("Space");
  const announcer = page.getByTestId("announcer");
  await expectText(announcer, "Picked up");
  await page.keyboard.press("ArrowRight");
  await expectText(announcer, "In Progress, position 1 of 1");
  await page.keyboard.press("Space");
  await cardIn(page, "in_progress", key).waitFor();
  await expectText(announcer, "Dropped");

  // Escape cancels a pick-up: the card stays.
  await waitForFocusOn(page, key);
  await page.keyboard.press("Space");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Escape");
  await expectText(announcer, "cancelled");
  expect(await cardIn(page, "in_progress", key).count()).toBe(1);

  await page.keyboard.press("Enter");
  await page.waitForURL(new RegExp(`/p/${board.key}/${key}`));
  const drawer = page.getByRole("dialog", { name: `${key} details` });
  await drawer.waitFor();
  await tabTo(page, "Log work");
  await page.keyboard.press("Enter");
  await page.getByRole("dialog", { name: `Log work on ${key}` }).waitFor();
  await page.keyboard.type("1h");
  await page.keyboard.press("Enter");
  await expectText(drawer.getByTestId("time-logged"), "Logged 1h");
  await page.keyboard.press("Escape");
  await page.waitForURL(new RegExp(`/p/${board.key}$`));
  expect(await drawer.count()).toBe(0);

  await settled(page);
  const task = await api<{ task: { columnId: string; timeSpentSeconds: number } }>(
    ALICE,
    "GET",
    `/boards/${board.id}/tasks/${key}`,
  );
  expect(task.task.columnId).toBe("in_progress");
  expect(task.task.timeSpentSeconds).toBe(3600);
  await page.context().close();
});

async function expectText(locator: import("playwright-core").Locator, text: string): Promise<void> {
  await locator.filter({ hasText: text }).waitFor();
}

test("a finger held on a card picks it up and drops it in another column; dropping in another swimlane sets that field", async () => {
  screenshotOnFailure("touch-and-lanes");
  forgetPages();
  const board = await freshBoard({ tasks: [{ title: "Touch me" }, { title: "Lane hopper", priority: "low" }] });
  const [touched, hopper] = board.keys as [string, string];
  const { page } = await personContext(browser, ALICE, { touch: true });
  await openBoard(page, board.key);
  const cdp = await page.context().newCDPSession(page);
  const centre = async (selector: string) => {
    const box = await page.locator(selector).first().boundingBox();
    if (!box) throw new Error(`${selector} is not on screen`);
    return { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) };
  };
  const from = await centre(`[data-key="${touched}"]`);
  const to = await centre('[data-cell][data-column="done"]');
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [from] });
  await page
    .getByTestId("announcer")
    .filter({ hasText: `Dragging ${touched}` })
    .waitFor();
  for (let step = 1; step <= 8; step++) {
    const x = Math.round(from.x + ((to.x - from.x) * step) / 8);
    const y = Math.round(from.y + ((to.y - from.y) * step) / 8);
    await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [{ x, y }] });
  }
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  await cardIn(page, "done", touched).waitFor();

  await page.goto(`/p/${board.key}?lanes=priority`);
  await page.getByRole("region", { name: "Swimlane Low priority" }).locator(`[data-key="${hopper}"]`).waitFor();
  const card = await page.locator(`[data-key="${hopper}"]`).boundingBox();
  const lane = await page
    .getByRole("region", { name: "Swimlane High priority" })
    .locator('[data-cell][data-column="in_progress"]')
    .boundingBox();
  if (!card || !lane) throw new Error("not on screen");
  await page.mouse.move(card.x + card.width / 2, card.y + card.height / 2);
  await page.mouse.down();
  await page.mouse.move(lane.x + lane.width / 2, lane.y + lane.height / 2, { steps: 10 });
  await page.mouse.up();
  await page.getByRole("region", { name: "Swimlane High priority" }).locator(`[data-key="${hopper}"]`).waitFor();
  await settled(page);
  const { task } = await api<{ task: { priority: string; columnId: string } }>(
    ALICE,
    "GET",
    `/boards/${board.id}/tasks/${hopper}`,
  );
  expect(task).toMatchObject({ priority: "high", columnId: "in_progress" });
  await page.context().close();
});

test("a board's address asks for its snapshot and opens its socket by key before the app's code has loaded; a key that is not yours shows nothing", async () => {
  screenshotOnFailure("early-snapshot");
  forgetPages();
  const board = await freshBoard({ tasks: [{ title: "Seen at once" }] });
  const alice = await personContext(browser, ALICE);

  // A first visit: the snapshot (by the board's key) leaves before the app's script has arrived, and only once.
  const order: string[] = [];
  alice.page.on("request", (r) => {
    if (r.url().includes("/snapshot")) order.push(`snapshot asked ${new URL(r.url()).pathname}`);
  });
  alice.page.on("requestfinished", (r) => {
    if (r.resourceType() === "script") order.push("app script loaded");
  });
  // So is the board's live connection, which the app then takes over instead of opening its own.
  const sockets: string[] = [];
  alice.page.on("websocket", (socket) => {
    if (socket.url().includes("/boards/")) sockets.push(new URL(socket.url()).pathname);
  });
  await openBoard(alice.page, board.key);
  await cardIn(alice.page, "todo", board.keys[0] as string).waitFor();
  expect(order[0]).toBe(`snapshot asked /api/v1/boards/${board.key}/snapshot`);
  expect(order.filter((o) => o.startsWith("snapshot asked"))).toHaveLength(1);
  expect(order).toContain("app script loaded");
  expect(sockets).toEqual([`/api/v1/boards/${board.key}/ws`]);
  // Live through it: a change made elsewhere arrives.
  await api(ALICE, "PATCH", `/boards/${board.id}/tasks/${board.keys[0]}`, { title: "Renamed elsewhere" });
  await alice.page.getByText("Renamed elsewhere").waitFor();

  // Bob opens the address of a board of Alice's he is not on: the server refuses the key, and nothing of it shows.
  const { board: hers } = await api<{ board: { id: string; key: string } }>(ALICE, "POST", "/boards", {
    name: "Alice's own board",
    key: `A${board.key.slice(1)}`.slice(0, 10),
    mode: "kanban",
  });
  await api(ALICE, "POST", `/boards/${hers.id}/tasks`, { title: "Alice's secret plan" });
  const bob = await personContext(browser, BOB);
  await bob.page.goto(`/p/${hers.key}`);
  await bob.page.getByText(`There is no board ${hers.key} you can see`).waitFor();
  expect(await bob.page.getByText("Alice's secret plan").count()).toBe(0);
  expect(await bob.page.locator("[data-cell] [data-key]").count()).toBe(0);

  // Signed out, the early answers are refusals: signing in on that page loads the board as the person now signed in.
  const guest = await personContext(browser, null);
  await guest.page.goto(`/p/${board.key}`);
  await guest.page.getByLabel("Email").fill(ALICE);
  await guest.page.getByLabel("Password").fill("alice-demo-password");
  await guest.page.getByRole("button", { name: "Sign in" }).click();
  await cardIn(guest.page, "todo", board.keys[0] as string).waitFor();
  await alice.context.close();
  await bob.context.close();
  await guest.context.close();
});
