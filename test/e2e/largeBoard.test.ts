import { generateNKeysBetween } from "fractional-indexing";
import type { Browser } from "playwright-core";
import { expect, inject, test } from "vitest";
import {
  ALICE,
  api,
  baseUrl,
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

const TASKS = 2_000;

/**
 * A board of `TASKS` tasks in To Do plus one In Progress, made in one request: a
 * small board's exported log with its task-created event repeated, imported.
 */
async function largeBoard(): Promise<{ id: string; key: string; moving: string; last: string }> {
  const small = await freshBoard({ tasks: [{ title: "Move me" }, { title: "Template" }] });
  const [moving] = small.keys as [string];
  await api(ALICE, "POST", `/boards/${small.id}/tasks/${moving}/move`, { columnId: "in_progress" });
  const res = await fetch(`${baseUrl}/api/v1/boards/${small.id}/export`, {
    headers: { origin: baseUrl, cookie: sessionCookie() ?? "" },
  });
  expect(res.status).toBe(200);
  const lines = (await res.text())
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l));
  const header = lines[0];
  const events = lines.slice(1);
  const template = events.findLast((e) => e.type === "task.created");
  const ranks = generateNKeysBetween(template.payload.task.rank, null, TASKS);
  let seq = header.seq as number;
  for (let i = 0; i < TASKS; i++) {
    seq += 1;
    const number = template.payload.task.number + 1 + i;
    events.push({
      ...template,
      seq,
      opId: crypto.randomUUID(),
      payload: {
        ...template.payload,
        task: {
          ...template.payload.task,
          key: `${small.key}-${number}`,
          number,
          title: `Generated task ${number}`,
          rank: ranks[i],
        },
      },
    });
  }
  const file = [{ ...header, seq }, ...events].map((l) => `${JSON.stringify(l)}\n`).join("");
  const key = `L${Date.now().toString(36).slice(-6).toUpperCase()}`;
  const imported = await fetch(`${baseUrl}/api/v1/boards/import?key=${key}`, {
    method: "POST",
    headers: { "content-type": "application/x-ndjson", origin: baseUrl, cookie: sessionCookie() ?? "" },
    body: file,
  });
  const body = (await imported.json()) as { board: { id: string; key: string } };
  expect(imported.status, JSON.stringify(body)).toBe(201);
  const lastNumber = template.payload.task.number + TASKS;
  return { id: body.board.id, key, moving: `${key}-1`, last: `${key}-${lastNumber}` };
}

const sessionCookie = () => inject("sessions")[ALICE];

test("a 2,000-task board renders only the cards in view; scrolling and dropping at the bottom of a long column work", async () => {
  screenshotOnFailure("large-board");
  forgetPages();
  const board = await largeBoard();
  const { page } = await personContext(browser, ALICE);
  await openBoard(page, board.key);
  const todo = page.locator('[data-cell][data-column="todo"]');
  await todo.locator("[data-key]").first().waitFor();

  const rendered = await page.locator("[data-cell] [data-key]").count();
  expect(rendered).toBeGreaterThan(3);
  expect(rendered).toBeLessThan(150);
  expect(await page.locator('[data-column-head="todo"]').getAttribute("aria-label")).toContain(`${TASKS + 1} cards`);
  expect(await cardIn(page, "todo", board.last).count()).toBe(0);

  // The keyboard moves a card down a virtualized column, announced as it goes.
  const first = `${board.key}-2`;
  await cardIn(page, "todo", first).focus();
  await page.keyboard.press("Space");
  for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowDown");
  await page
    .getByTestId("announcer")
    .filter({ hasText: `To Do, position 4 of ${TASKS + 1}` })
    .waitFor();
  await page.keyboard.press("Space");
  await page
    .getByTestId("announcer")
    .filter({ hasText: `Dropped ${first} in To Do, position 4` })
    .waitFor();
  await settled(page);

  // Scrolling the column brings its last card into the page.
  await todo.evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await cardIn(page, "todo", board.last).waitFor();
  expect(await page.locator("[data-cell] [data-key]").count()).toBeLessThan(150);

  // Dragged below the last card, the In Progress card lands at the bottom of To Do.
  const card = cardIn(page, "in_progress", board.moving);
  const from = await card.boundingBox();
  const last = await cardIn(page, "todo", board.last).boundingBox();
  if (!from || !last) throw new Error("the cards are not on screen");
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2 + 10, { steps: 3 });
  await page.mouse.move(last.x + last.width / 2, last.y + last.height - 4, { steps: 8 });
  await page.locator('[data-cell][data-column="todo"] .placeholder').waitFor();
  await page.mouse.up();
  await cardIn(page, "todo", board.moving).waitFor();
  await settled(page);

  const snapshot = await api<{ tasks: { key: string; columnId: string; rank: string }[] }>(
    ALICE,
    "GET",
    `/boards/${board.id}/snapshot`,
  );
  const todoKeys = snapshot.tasks
    .filter((t) => t.columnId === "todo")
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0))
    .map((t) => t.key);
  expect(todoKeys.slice(0, 4)).toEqual([`${board.key}-3`, `${board.key}-4`, `${board.key}-5`, first]);
  expect(todoKeys.at(-1)).toBe(board.moving);
  expect(todoKeys.at(-2)).toBe(board.last);

  // An edit made elsewhere (through the API) reaches the one card it changed; the column keeps its count.
  await api(ALICE, "PATCH", `/boards/${board.id}/tasks/${board.last}`, { title: "Renamed elsewhere" });
  await cardIn(page, "todo", board.last).filter({ hasText: "Renamed elsewhere" }).waitFor();
  expect(await page.locator('[data-column-head="todo"]').getAttribute("aria-label")).toContain(`${TASKS + 2} cards`);
  await page.context().close();
});
