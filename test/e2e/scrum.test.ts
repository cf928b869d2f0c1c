import type { Browser, Page } from "playwright-core";
import { expect, test } from "vitest";
import {
  ALICE,
  api,
  cardIn,
  dragCard,
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

const rows = (page: Page, list: string) =>
  page
    .getByRole("list", { name: list })
    .locator("[data-row]")
    .evaluateAll((els) => els.map((e) => e.getAttribute("data-row")));

test("scrum: rank the backlog, plan and start a sprint, finish a task, complete with carry-over", async () => {
  screenshotOnFailure("scrum");
  forgetPages();
  const board = await freshBoard({
    mode: "scrum",
    tasks: [
      { title: "Sign-up form", storyPoints: 3 },
      { title: "Pricing page", storyPoints: 5 },
      { title: "Welcome email", storyPoints: 2 },
    ],
  });
  const [signup, pricing, welcome] = board.keys as [string, string, string];
  const { page } = await personContext(browser, ALICE);
  await openBoard(page, board.key, "/backlog");
  await page.getByRole("list", { name: "Backlog tasks" }).locator(`[data-row="${welcome}"]`).waitFor();
  expect(await rows(page, "Backlog tasks")).toEqual([signup, pricing, welcome]);

  await page.getByRole("button", { name: `Move ${welcome} up` }).click();
  await page.waitForFunction(
    `[...document.querySelectorAll('[aria-label="Backlog tasks"] [data-row]')].map(e => e.dataset.row).join() === ${JSON.stringify([signup, welcome, pricing].join())}`,
  );
  await page.getByRole("button", { name: `Move ${welcome} up` }).click();
  await page.waitForFunction(
    `[...document.querySelectorAll('[aria-label="Backlog tasks"] [data-row]')].map(e => e.dataset.row).join() === ${JSON.stringify([welcome, signup, pricing].join())}`,
  );

  await page.getByRole("button", { name: "Create sprint" }).click();
  const sprintList = page.getByRole("list", { name: "Sprint 1 tasks" });
  await sprintList.waitFor();
  await page.locator(`[data-row="${welcome}"]`).dragTo(sprintList);
  await sprintList.locator(`[data-row="${welcome}"]`).waitFor();
  await page.getByLabel(`Plan ${signup} in`).selectOption({ label: "Sprint 1" });
  await sprintList.locator(`[data-row="${signup}"]`).waitFor();
  const sprint = page.getByRole("region", { name: "Sprint 1" });
  await sprint.locator(".totals", { hasText: "2 tasks · 5 points" }).waitFor();
  expect(await rows(page, "Backlog tasks")).toEqual([pricing]);

  await sprint.getByRole("button", { name: "Start sprint" }).click();
  const start = page.getByRole("dialog", { name: "Start Sprint 1" });
  await start.getByLabel("Sprint goal").fill("Let people sign up");
  await start.getByRole("button", { name: "Start" }).click();
  await sprint.getByText("Active").waitFor();
  await sprint.getByText("Goal: Let people sign up").waitFor();

  await page.getByRole("link", { name: "Board", exact: true }).click();
  await cardIn(page, "todo", welcome).waitFor();
  expect(await page.locator("[data-cell] [data-key]").count()).toBe(2);
  await dragCard(page, welcome, "done");
  await cardIn(page, "done", welcome).waitFor();

  await page.getByRole("link", { name: "Backlog" }).click();
  await sprint.getByRole("button", { name: "Complete sprint" }).click();
  const complete = page.getByRole("dialog", { name: "Complete Sprint 1" });
  await complete.getByText("1 done, 1 not finished").waitFor();
  await complete.getByLabel("Move unfinished work to").selectOption({ label: "Backlog" });
  await complete.getByRole("button", { name: "Complete sprint" }).click();
  await sprint.waitFor({ state: "detached" });
  await page.getByRole("list", { name: "Backlog tasks" }).locator(`[data-row="${signup}"]`).waitFor();
  expect((await rows(page, "Backlog tasks")).sort()).toEqual([signup, pricing].sort());

  await settled(page);
  const { sprints } = await api<{ sprints: { state: string; report: { carriedOver: { keys: string[] } } }[] }>(
    ALICE,
    "GET",
    `/boards/${board.id}/sprints`,
  );
  expect(sprints[0]?.state).toBe("closed");
  expect(sprints[0]?.report.carriedOver.keys).toEqual([signup]);
  await page.context().close();
});
