import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, inject, onTestFailed } from "vitest";
import { CHROMIUM, CHROMIUM_ARGS } from "./chromium";

// What every browser test needs: Debian's Chromium, one browser context per person
// (signed in with the session the global setup made), the REST API as that person
// for arranging a scene, and a screenshot of every page when a test fails.

export const baseUrl = inject("baseUrl");
const sessions = inject("sessions");

export const ALICE = "alice@lanes.dev";
export const BOB = "bob@lanes.dev";
export const CAROL = "carol@lanes.dev";

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** One browser for a test file: launched before its first test, closed after its last. */
export function useBrowser(got: (browser: Browser) => void): void {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
    got(browser);
  });
  afterAll(async () => {
    await browser?.close();
  });
}

const openPages: { page: Page; label: string }[] = [];
const shots = resolve(import.meta.dirname, "../../test-results/e2e");

/** A browser context signed in as `email` (or signed out without one), with a page in it. */
export async function personContext(
  browser: Browser,
  email: string | null,
  options: {
    viewport?: { width: number; height: number };
    colorScheme?: "light" | "dark";
    touch?: boolean;
    /** The browser's time zone (an IANA name) and language: the machine's by default. */
    timezoneId?: string;
    locale?: string;
  } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: options.viewport ?? { width: 1400, height: 900 },
    colorScheme: options.colorScheme ?? "light",
    hasTouch: options.touch ?? false,
    ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
    ...(options.locale ? { locale: options.locale } : {}),
  });
  if (email) {
    const [name, value] = (sessions[email] ?? "").split("=", 2) as [string, string];
    await context.addCookies([{ name, value, url: baseUrl, httpOnly: true, sameSite: "Lax" }]);
  }
  const page = await context.newPage();
  openPages.push({ page, label: email ?? "anonymous" });
  return { context, page };
}

/** Saves a screenshot of every open page when the current test fails; call at the top of a test. */
export function screenshotOnFailure(name: string): void {
  onTestFailed(async () => {
    mkdirSync(shots, { recursive: true });
    for (const [i, { page, label }] of openPages.entries()) {
      if (page.isClosed()) continue;
      await page
        .screenshot({ path: resolve(shots, `${name.replace(/\W+/g, "-")}-${i}-${label.split("@")[0]}.png`) })
        .catch(() => {});
    }
  });
}

export function forgetPages(): void {
  openPages.length = 0;
}

/** The REST API as one of the demo people: for arranging a scene, never for what a test asserts a person sees. */
export async function api<T = unknown>(email: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${baseUrl}/api/v1${path}`, {
    method,
    headers: { "content-type": "application/json", origin: baseUrl, cookie: sessions[email] ?? "" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

let boardCounter = 0;

/** A board key no other test uses. */
function newBoardKey(): string {
  boardCounter += 1;
  return `T${Date.now().toString(36).slice(-5).toUpperCase()}${boardCounter}`.slice(0, 10);
}

/** A board imported from a log (NDJSON, as `GET …/export` writes it) by `email`, under a key no other test uses. */
export async function importBoard(email: string, log: string): Promise<{ id: string; key: string }> {
  const res = await fetch(`${baseUrl}/api/v1/boards/import?key=${newBoardKey()}`, {
    method: "POST",
    headers: { "content-type": "application/x-ndjson", origin: baseUrl, cookie: sessions[email] ?? "" },
    body: log,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`Importing a board answered ${res.status}: ${text}`);
  const { board } = JSON.parse(text) as { board: { id: string; key: string } };
  return board;
}

/**
 * A fresh board owned by Alice with Bob as member and Carol as viewer, holding the
 * given tasks (in To Do), so each test starts from a scene nobody else touches.
 */
export async function freshBoard(
  options: { mode?: "kanban" | "scrum"; tasks?: { title: string; [field: string]: unknown }[] } = {},
): Promise<{ id: string; key: string; keys: string[] }> {
  const key = newBoardKey();
  const { board } = await api<{ board: { id: string; key: string } }>(ALICE, "POST", "/boards", {
    name: `Test board ${key}`,
    key,
    mode: options.mode ?? "kanban",
  });
  await api(ALICE, "POST", `/boards/${board.id}/members`, { email: BOB, role: "member" });
  await api(ALICE, "POST", `/boards/${board.id}/members`, { email: CAROL, role: "viewer" });
  const keys: string[] = [];
  for (const task of options.tasks ?? []) {
    const { task: made } = await api<{ task: { key: string } }>(ALICE, "POST", `/boards/${board.id}/tasks`, task);
    keys.push(made.key);
  }
  return { id: board.id, key: board.key, keys };
}

/** The card as the person sees it: in that column of the board. */
export function cardIn(page: Page, columnId: string, key: string) {
  return page.locator(`[data-cell][data-column="${columnId}"] [data-key="${key}"]`);
}

/** Opens a board (or a path under it) and waits until it is live. */
export async function openBoard(page: Page, boardKey: string, rest = ""): Promise<void> {
  await page.goto(`/p/${boardKey}${rest}`);
  await page.locator('.sync[data-status="online"]').waitFor();
}

/** Drags a card with the mouse onto a column (its first lane), in small steps as a hand would. */
export async function dragCard(page: Page, key: string, columnId: string): Promise<void> {
  const card = page.locator(`[data-cell] [data-key="${key}"]`);
  const from = await card.boundingBox();
  const cell = await page.locator(`[data-cell][data-column="${columnId}"]`).first().boundingBox();
  if (!from || !cell) throw new Error(`cannot drag ${key} to ${columnId}: not on screen`);
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2 + 10, { steps: 3 });
  await page.mouse.move(cell.x + cell.width / 2, cell.y + cell.height - 10, { steps: 8 });
  await page.mouse.up();
}

/**
 * Cuts the page's live connection and keeps it cut until `online()`: the browser's
 * offline mode blocks new requests but leaves an open WebSocket open, so the socket
 * is closed through Playwright's WebSocket route. Call before the page loads.
 */
export async function controllableConnection(context: BrowserContext, page: Page) {
  let offline = false;
  const open = new Set<{ close: (options?: { code?: number; reason?: string }) => Promise<void> }>();
  await page.routeWebSocket(/\/api\/v1\/boards\/.*\/ws$/, (ws) => {
    if (offline) {
      void ws.close({ code: 3000, reason: "offline" });
      return;
    }
    ws.connectToServer();
    open.add(ws);
    ws.onClose(() => open.delete(ws));
  });
  return {
    async offline() {
      offline = true;
      await context.setOffline(true);
      for (const ws of [...open]) await ws.close({ code: 3000, reason: "offline" });
      open.clear();
    },
    async online() {
      offline = false;
      await context.setOffline(false);
    },
  };
}

/** Waits until keyboard focus is on this card. */
export async function waitForFocusOn(page: Page, key: string): Promise<void> {
  await page.waitForFunction(`document.activeElement?.getAttribute("data-key") === ${JSON.stringify(key)}`);
}

/** Presses Tab until the focused element is the control with this text: how a keyboard user gets there. */
export async function tabTo(page: Page, name: string): Promise<void> {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press("Tab");
    if ((await page.evaluate("document.activeElement?.textContent?.trim()")) === name) return;
  }
  throw new Error(`Tab never reached "${name}"`);
}

/** Waits until every change made on this page is confirmed by the board (before reading it back over the API). */
export async function settled(page: Page): Promise<void> {
  await page.locator('.sync[data-status="online"][data-pending="0"]').waitFor();
}

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** What axe-core finds serious or critical on the page as it is now, one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  const violations = (await page.evaluate("axe.run(document).then((r) => r.violations)")) as AxeViolation[];
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}
