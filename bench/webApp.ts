/// <reference types="node" />
import { generateNKeysBetween } from "fractional-indexing";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS } from "../test/e2e/chromium";
import { percentile } from "./load";

// The web app in Chromium against a running Lanes that serves the built app: how long
// a board takes from navigation to interactive (cards on screen, live connection up),
// a 5,000-task board beside a 50-task one measured the same way in the same run; how
// long a dropped card takes to show in its new column on the large board; and the
// frame times while a card is dragged across it.

export interface WebAppFigures {
  small: { tasks: number; interactiveMs: number[] };
  large: { tasks: number; interactiveMs: number[] };
  /** Mouse released → the card drawn in its new column, large board. */
  dropMs: number[];
  /** requestAnimationFrame intervals while a card is dragged over the large board. */
  frameMs: number[];
}

const COLUMNS = ["todo", "in_progress", "done"] as const;

/** A signed-in person of the benchmark's own: the session cookie the browser carries. */
export async function signUp(base: string, runId: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify({ email: `web-${runId}@example.com`, name: "Web bench", password: `web bench ${runId} pass` }),
  });
  const cookie = res.headers.getSetCookie()[0]?.split(";")[0];
  if (res.status !== 201 || !cookie) throw new Error(`signing up answered ${res.status}: ${await res.text()}`);
  return cookie;
}

async function call<T>(base: string, cookie: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { "content-type": "application/json", origin: base, cookie },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/**
 * A board of `tasks` tasks spread over its three columns, made in one import: a
 * two-task board's exported log with its task-created event repeated.
 */
export async function boardOf(base: string, cookie: string, tasks: number, key: string): Promise<string> {
  const { board } = await call<{ board: { id: string } }>(base, cookie, "POST", "/boards", {
    name: `Template ${key}`,
    key: `${key}X`,
    mode: "kanban",
  });
  await call(base, cookie, "POST", `/boards/${board.id}/tasks`, { title: "Template" });
  const res = await fetch(`${base}/api/v1/boards/${board.id}/export`, { headers: { origin: base, cookie } });
  const lines = (await res.text())
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l));
  const [header, ...events] = lines;
  const template = events.findLast((e) => e.type === "task.created");
  const perColumn = Math.ceil(tasks / COLUMNS.length);
  const ranks = generateNKeysBetween(null, null, perColumn);
  let seq = template.seq as number;
  const log = events.filter((e) => e.seq < template.seq);
  for (let i = 0; i < tasks; i++) {
    const number = i + 1;
    log.push({
      ...template,
      seq,
      opId: crypto.randomUUID(),
      payload: {
        ...template.payload,
        task: {
          ...template.payload.task,
          key: `${key}X-${number}`,
          number,
          title: `Generated task ${number}: ${["Checkout", "Search", "Billing", "Onboarding"][i % 4]} work`,
          columnId: COLUMNS[i % COLUMNS.length],
          rank: ranks[Math.floor(i / COLUMNS.length)],
          storyPoints: [1, 2, 3, 5, 8][i % 5],
          priority: ["low", "medium", "high"][i % 3],
          labels: i % 7 === 0 ? ["frontend"] : [],
        },
      },
    });
    seq += 1;
  }
  const file = [{ ...header, seq: seq - 1 }, ...log].map((l) => `${JSON.stringify(l)}\n`).join("");
  const imported = await fetch(`${base}/api/v1/boards/import?key=${key}`, {
    method: "POST",
    headers: { "content-type": "application/x-ndjson", origin: base, cookie },
    body: file,
  });
  if (imported.status !== 201) throw new Error(`importing ${tasks} tasks answered ${imported.status}`);
  return key;
}

/** A fresh browser context signed in with `cookie`. */
async function signedIn(browser: Browser, base: string, cookie: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1400, height: 900 } });
  const [name, value] = cookie.split("=", 2) as [string, string];
  await context.addCookies([{ name, value, url: base, httpOnly: true, sameSite: "Lax" }]);
  return context;
}

/** Navigation → the first card of each column on screen and the live connection up. */
async function timeToInteractive(browser: Browser, base: string, cookie: string, key: string): Promise<number> {
  const context = await signedIn(browser, base, cookie);
  const page = await context.newPage();
  // The page's first script asks for the board by its key; blocked (a CSP without its hash), the app asks later by id.
  const refused: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy/i.test(message.text())) refused.push(message.text());
  });
  try {
    const started = performance.now();
    await page.goto(`/p/${key}`);
    await Promise.all([
      ...COLUMNS.map((column) => page.locator(`[data-cell][data-column="${column}"] [data-key]`).first().waitFor()),
      page.locator('.sync[data-status="online"]').waitFor(),
    ]);
    const elapsed = performance.now() - started;
    if (refused.length > 0) throw new Error(`the page broke its own CSP: ${refused.join("; ")}`);
    return elapsed;
  } finally {
    await context.close();
  }
}

/** Drags the top card of To Do over the board in small steps and drops it in Done. */
async function dragAcross(page: Page): Promise<{ dropMs: number; frameMs: number[] }> {
  const card = page.locator('[data-cell][data-column="todo"] [data-key]').first();
  const key = await card.getAttribute("data-key");
  const from = await card.boundingBox();
  const done = await page.locator('[data-cell][data-column="done"]').first().boundingBox();
  if (!from || !done || !key) throw new Error("the board's cards are not on screen");
  // A string, not a function: the bench runs through tsx, whose helpers do not exist in the page.
  await page.evaluate(`(() => {
    const frames = [];
    window.benchFrames = frames;
    const tick = (at) => {
      frames.push(at);
      if (frames.length < 10000) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  const x0 = from.x + from.width / 2;
  const y0 = from.y + from.height / 2;
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  const steps = 40;
  const x1 = done.x + done.width / 2;
  const y1 = done.y + 60;
  for (let i = 1; i <= steps; i++) {
    await page.mouse.move(x0 + ((x1 - x0) * i) / steps, y0 + ((y1 - y0) * i) / steps + (i % 2) * 5);
  }
  const frames = (await page.evaluate(`(() => {
    const copy = [...window.benchFrames];
    window.benchFrames.length = 10000;
    return copy;
  })()`)) as number[];
  const released = performance.now();
  await page.mouse.up();
  await page.locator(`[data-cell][data-column="done"] [data-key="${key}"]`).waitFor();
  const dropMs = performance.now() - released;
  await page.locator('.sync[data-status="online"][data-pending="0"]').waitFor();
  const frameMs = frames.slice(1).map((at, i) => at - (frames[i] as number));
  return { dropMs, frameMs };
}

export async function measureWebApp(
  base: string,
  plan: { runs: number; drags: number; small: number; large: number },
  progress: (line: string) => void = () => {},
): Promise<WebAppFigures> {
  const runId = Date.now().toString(36);
  const cookie = await signUp(base, runId);
  const tag = runId
    .slice(-4)
    .toUpperCase()
    .replace(/[^A-Z]/g, "Q");
  progress(`web app: importing boards of ${plan.small} and ${plan.large} tasks`);
  const smallKey = await boardOf(base, cookie, plan.small, `WS${tag}`);
  const largeKey = await boardOf(base, cookie, plan.large, `WL${tag}`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    // One load of each first: the board objects are awake for every measured one. Each load is
    // a fresh browser context, as a first visit: nothing cached, the app's code included.
    await timeToInteractive(browser, base, cookie, smallKey);
    await timeToInteractive(browser, base, cookie, largeKey);
    const figures: WebAppFigures = {
      small: { tasks: plan.small, interactiveMs: [] },
      large: { tasks: plan.large, interactiveMs: [] },
      dropMs: [],
      frameMs: [],
    };
    progress(`web app: ${plan.runs} loads of each board in Chromium`);
    for (let i = 0; i < plan.runs; i++) {
      figures.small.interactiveMs.push(await timeToInteractive(browser, base, cookie, smallKey));
      figures.large.interactiveMs.push(await timeToInteractive(browser, base, cookie, largeKey));
    }
    progress(`web app: ${plan.drags} drags across the large board`);
    const context = await signedIn(browser, base, cookie);
    const page = await context.newPage();
    await page.goto(`/p/${largeKey}`);
    await page.locator('.sync[data-status="online"]').waitFor();
    for (let i = 0; i < plan.drags; i++) {
      const { dropMs, frameMs } = await dragAcross(page);
      figures.dropMs.push(dropMs);
      figures.frameMs.push(...frameMs);
    }
    await context.close();
    return figures;
  } finally {
    await browser.close();
  }
}

export function summarize(figures: WebAppFigures): string[] {
  const p = (values: number[], q: number) => percentile(values, q).toFixed(0);
  return [
    `interactive: ${figures.small.tasks} tasks p50 ${p(figures.small.interactiveMs, 50)} ms · ${figures.large.tasks} tasks p50 ${p(figures.large.interactiveMs, 50)} ms (max ${p(figures.large.interactiveMs, 100)})`,
    `drop on the large board: p50 ${p(figures.dropMs, 50)} ms, max ${p(figures.dropMs, 100)} ms`,
    `frames while dragging: p50 ${p(figures.frameMs, 50)} ms, p95 ${p(figures.frameMs, 95)} ms, max ${p(figures.frameMs, 100)} ms (${figures.frameMs.length} frames)`,
  ];
}

// `BENCH_URL=http://127.0.0.1:8841 node --import tsx bench/webApp.ts` measures a running server alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const base = process.env.BENCH_URL ?? "http://127.0.0.1:8841";
  const figures = await measureWebApp(base, { runs: 3, drags: 3, small: 50, large: 5_000 }, (l) => console.error(l));
  for (const line of summarize(figures)) console.log(line);
}
