import type { Browser } from "playwright-core";
import { expect, test } from "vitest";
import {
  ALICE,
  api,
  BOB,
  CAROL,
  cardIn,
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

test("presence: Alice sees Bob on the board and on the card he has open", async () => {
  screenshotOnFailure("presence");
  forgetPages();
  const board = await freshBoard({ tasks: [{ title: "Homepage copy" }] });
  const [key] = board.keys as [string];
  const alice = await personContext(browser, ALICE);
  const bob = await personContext(browser, BOB);
  await openBoard(alice.page, board.key);
  await openBoard(bob.page, board.key, `/${key}`);
  await alice.page
    .getByRole("region", { name: "Also on this board" })
    .getByRole("img", { name: "Bob Okafor" })
    .waitFor();
  await cardIn(alice.page, "todo", key).getByRole("img", { name: "Bob Okafor (editing this)" }).waitFor();
  await bob.page.getByRole("button", { name: "Close task" }).click();
  await cardIn(alice.page, "todo", key)
    .getByRole("img", { name: /Bob Okafor \(/ })
    .waitFor({ state: "detached" });
  await alice.context.close();
  await bob.context.close();
});

test("a viewer sees the board but cannot change it", async () => {
  screenshotOnFailure("viewer");
  forgetPages();
  const board = await freshBoard({ tasks: [{ title: "Read only" }] });
  const [key] = board.keys as [string];
  const { page } = await personContext(browser, CAROL);
  await openBoard(page, board.key);
  await cardIn(page, "todo", key).waitFor();
  expect(await page.getByRole("button", { name: "Create task" }).count()).toBe(0);
  await cardIn(page, "todo", key).click();
  const drawer = page.getByRole("dialog", { name: `${key} details` });
  await drawer.waitFor();
  expect(await drawer.getByLabel("Priority").isDisabled()).toBe(true);
  expect(await drawer.getByRole("button", { name: "Log work" }).count()).toBe(0);
  await page.context().close();
});

test("settings: an owner sets a hard WIP limit, changes roles and members, and makes and revokes an API token", async () => {
  screenshotOnFailure("settings");
  forgetPages();
  const board = await freshBoard({ tasks: [{ title: "Only task" }] });
  const { page } = await personContext(browser, ALICE);
  await openBoard(page, board.key, "/settings");

  const columns = page.getByRole("region", { name: "Columns and WIP limits" });
  await columns.getByLabel("WIP limit of In Progress").fill("2");
  await columns.getByLabel("WIP mode of In Progress").selectOption("hard");
  await columns.getByRole("button", { name: "Save In Progress" }).click();
  await columns.getByLabel("New column name").fill("Review");
  await columns.getByRole("button", { name: "Add column" }).click();
  await page.getByRole("link", { name: "Board", exact: true }).click();
  const head = page.locator('[data-column-head="in_progress"]');
  await head.filter({ hasText: "/ 2 max" }).waitFor();
  await page.getByRole("heading", { name: /Review/ }).waitFor();

  await page.getByRole("link", { name: "Settings" }).click();
  const members = page.getByRole("region", { name: "Members" });
  await members.getByRole("cell", { name: "carol@lanes.dev" }).waitFor();
  await members.getByLabel("Role of Carol Ruiz").selectOption("member");
  await members.getByRole("button", { name: "Remove Bob Okafor" }).click();
  await members.getByRole("cell", { name: "bob@lanes.dev" }).waitFor({ state: "detached" });
  await members.getByLabel("Email of the person to add").fill("bob@lanes.dev");
  await members.getByLabel("Role of the person to add").selectOption("viewer");
  await members.getByRole("button", { name: "Add member" }).click();
  await members.getByRole("cell", { name: "bob@lanes.dev" }).waitFor();
  await members.getByLabel("Email of the person to add").fill("nobody@example.com");
  await members.getByRole("button", { name: "Add member" }).click();
  await page.getByRole("alert").filter({ hasText: "sign up first" }).waitFor();
  const { members: list } = await api<{ members: { email: string; role: string }[] }>(
    ALICE,
    "GET",
    `/boards/${board.id}/members`,
  );
  expect(Object.fromEntries(list.map((m) => [m.email, m.role]))).toEqual({
    "alice@lanes.dev": "owner",
    "bob@lanes.dev": "viewer",
    "carol@lanes.dev": "member",
  });

  const tokens = page.getByRole("region", { name: "API tokens" });
  const name = `deploy script ${board.key}`;
  await tokens.getByLabel("Token name").fill(name);
  await tokens.getByLabel("Token scope").selectOption("write");
  await tokens.getByRole("button", { name: "Make token" }).click();
  const secret = (await tokens.getByTestId("new-token").textContent()) ?? "";
  expect(secret).toMatch(/^lanes_/);
  const me = await fetch(new URL("/api/v1/me", page.url()), { headers: { authorization: `Bearer ${secret}` } });
  expect(me.status).toBe(200);
  await tokens.getByRole("button", { name: "Done" }).click();
  expect(await tokens.getByTestId("new-token").count()).toBe(0);
  await tokens.getByRole("button", { name: `Revoke ${name}` }).click();
  await tokens.getByRole("button", { name: `Revoke ${name}` }).waitFor({ state: "detached" });
  const after = await fetch(new URL("/api/v1/me", page.url()), { headers: { authorization: `Bearer ${secret}` } });
  expect(after.status).toBe(401);
  await page.context().close();
});

test("settings: an owner reorders the columns with the keyboard or the mouse, and everyone's board follows live", async () => {
  screenshotOnFailure("column-order");
  forgetPages();
  const board = await freshBoard({ tasks: [{ title: "Anything" }] });
  const alice = await personContext(browser, ALICE, { colorScheme: "dark" });
  const bob = await personContext(browser, BOB);
  await openBoard(alice.page, board.key, "/settings");
  await openBoard(bob.page, board.key);
  const boardOrder = () =>
    bob.page.locator("[data-column-head]").evaluateAll((heads) => heads.map((h) => h.getAttribute("data-column-head")));
  const settingsOrder = () =>
    alice.page.locator("[data-column-row]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-column-row")));
  const focusedLabel = () => alice.page.evaluate(`document.activeElement?.getAttribute("aria-label")`);
  await expect.poll(boardOrder).toEqual(["todo", "in_progress", "done"]);

  const columns = alice.page.getByRole("region", { name: "Columns and WIP limits" });
  await columns.getByRole("button", { name: "Move Done left" }).focus();
  await alice.page.keyboard.press("Enter");
  await expect.poll(settingsOrder).toEqual(["todo", "done", "in_progress"]);
  await alice.page.getByTestId("announcer").filter({ hasText: "Done moved to position 2 of 3." }).waitFor();
  // Focus stays on the button, with its ring showing, so the keyboard can keep going.
  await expect.poll(focusedLabel).toBe("Move Done left");
  expect(await alice.page.evaluate("getComputedStyle(document.activeElement).outlineStyle")).toBe("solid");
  await alice.page.keyboard.press("Enter");
  await expect.poll(settingsOrder).toEqual(["done", "todo", "in_progress"]);
  // First now: "left" is off, and focus goes to "right".
  expect(await columns.getByRole("button", { name: "Move Done left" }).isDisabled()).toBe(true);
  await expect.poll(focusedLabel).toBe("Move Done right");
  await expect.poll(boardOrder).toEqual(["done", "todo", "in_progress"]);

  await columns.getByRole("button", { name: "Move To Do right" }).click();
  await expect.poll(settingsOrder).toEqual(["done", "in_progress", "todo"]);
  await expect.poll(boardOrder).toEqual(["done", "in_progress", "todo"]);

  await settled(alice.page);
  const { columns: stored } = await api<{ columns: { id: string; rank: string }[] }>(
    BOB,
    "GET",
    `/boards/${board.id}/snapshot`,
  );
  expect([...stored].sort((a, b) => (a.rank < b.rank ? -1 : 1)).map((c) => c.id)).toEqual([
    "done",
    "in_progress",
    "todo",
  ]);

  // Only owners reorder: a member's settings have no such buttons.
  await openBoard(bob.page, board.key, "/settings");
  await bob.page.getByRole("region", { name: "Columns and WIP limits" }).getByLabel("Name of Done").waitFor();
  expect(await bob.page.getByRole("button", { name: /^Move / }).count()).toBe(0);
  await alice.context.close();
  await bob.context.close();
});
