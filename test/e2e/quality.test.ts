import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { expect, test } from "vitest";
import {
  ALICE,
  forgetPages,
  freshBoard,
  openBoard,
  personContext,
  screenshotOnFailure,
  seriousViolations,
  useBrowser,
} from "./harness";

// Accessibility (axe-core), keyboard shortcuts, dark mode and phone widths, on the
// seeded demo board. LANES_DOCS_SCREENSHOTS=1 also refreshes the README's screenshots.

const docs = resolve(import.meta.dirname, "../../docs");
const saveDocs = process.env.LANES_DOCS_SCREENSHOTS === "1";

let browser: Browser;
useBrowser((b) => {
  browser = b;
});

async function shoot(page: Page, name: string): Promise<void> {
  if (!saveDocs) return;
  mkdirSync(docs, { recursive: true });
  await page.screenshot({ path: resolve(docs, name) });
}

test("the board, a task and the backlog have no serious or critical accessibility violations, light and dark", async () => {
  screenshotOnFailure("a11y");
  forgetPages();
  for (const colorScheme of ["light", "dark"] as const) {
    const { page } = await personContext(browser, ALICE, { colorScheme });
    await openBoard(page, "WEB");
    await page.locator("[data-cell] [data-key]").first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    if (colorScheme === "light") await shoot(page, "board.png");
    else await shoot(page, "board-dark.png");

    await page.goto("/p/WEB/WEB-2");
    await page.getByRole("dialog", { name: "WEB-2 details" }).waitFor();
    await page.locator(".markdown").first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    if (colorScheme === "light") await shoot(page, "task.png");
    await page.context().close();
  }
  const scrum = await freshBoard({ mode: "scrum", tasks: [{ title: "Plan me", storyPoints: 3 }] });
  const { page } = await personContext(browser, ALICE);
  await openBoard(page, scrum.key, "/backlog");
  await page.getByRole("button", { name: "Create sprint" }).click();
  await page.getByRole("region", { name: "Sprint 1" }).waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  await page.context().close();
});

test("dark mode follows the OS", async () => {
  forgetPages();
  const light = await personContext(browser, ALICE, { colorScheme: "light" });
  const dark = await personContext(browser, ALICE, { colorScheme: "dark" });
  await openBoard(light.page, "WEB");
  await openBoard(dark.page, "WEB");
  const background = (page: Page) => page.evaluate("getComputedStyle(document.documentElement).backgroundColor");
  expect(await background(light.page)).toBe("rgb(244, 245, 247)");
  expect(await background(dark.page)).toBe("rgb(29, 33, 37)");
  await light.context.close();
  await dark.context.close();
});

test("on a 390 px phone no screen scrolls sideways and a task fills the screen", async () => {
  screenshotOnFailure("phone");
  forgetPages();
  const { page } = await personContext(browser, ALICE, { viewport: { width: 390, height: 844 } });
  await openBoard(page, "WEB");
  await page.locator("[data-cell] [data-key]").first().waitFor();
  // The board scrolls inside itself, column by column; the page itself stays put.
  expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
  await shoot(page, "phone.png");
  await page.locator("[data-cell] [data-key]").first().click();
  const drawer = page.getByRole("dialog", { name: /details/ });
  await drawer.waitFor();
  expect((await drawer.boundingBox())?.width).toBe(390);
  // Every other screen too, wide tables scrolling inside their own boxes.
  const scrum = await freshBoard({ mode: "scrum", tasks: [{ title: "Plan the launch" }] });
  for (const [path, shown] of [
    ["/", page.getByRole("heading", { name: "Projects" })],
    [`/p/${scrum.key}/backlog`, page.getByRole("heading", { name: "Backlog" })],
    ["/p/WEB/settings", page.getByRole("heading", { name: "Members" })],
    ["/p/WEB/reports", page.locator("figure").first()],
    ["/time", page.getByRole("heading", { name: "My time" })],
  ] as const) {
    await page.goto(path);
    await shown.waitFor();
    await page.locator(".loading").first().waitFor({ state: "detached" });
    expect(await page.evaluate("document.documentElement.scrollWidth"), path).toBeLessThanOrEqual(390);
  }
  await page.context().close();
});

test("shortcuts: ? lists them, / searches, j and k move between cards, visible focus", async () => {
  screenshotOnFailure("shortcuts");
  forgetPages();
  const board = await freshBoard({ tasks: [{ title: "First" }, { title: "Second" }] });
  const [first, second] = board.keys as [string, string];
  const { page } = await personContext(browser, ALICE);
  await openBoard(page, board.key);
  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await help.waitFor();
  expect(await help.textContent()).toContain("Create a task");
  await page.keyboard.press("Escape");
  await help.waitFor({ state: "detached" });

  await page.keyboard.press("j");
  await page.waitForFunction(`document.activeElement?.dataset.key === ${JSON.stringify(first)}`);
  const outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle");
  expect(outline).toBe("solid");
  await page.keyboard.press("j");
  await page.waitForFunction(`document.activeElement?.dataset.key === ${JSON.stringify(second)}`);
  await page.keyboard.press("k");
  await page.waitForFunction(`document.activeElement?.dataset.key === ${JSON.stringify(first)}`);

  await page.keyboard.press("/");
  await page.waitForFunction(`document.activeElement?.id === "search"`);
  await page.keyboard.type("Second");
  await page.waitForURL(/q=Second/);
  expect(await page.locator("[data-cell] [data-key]").count()).toBe(1);
  await page.context().close();
});
