import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchBrowser, personContext, screenshotOnFailure } from "./harness";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

test("a demo person signs in with their email and password and lands on their board", async () => {
  screenshotOnFailure("sign-in");
  const { page } = await personContext(browser, null);
  await page.goto("/");
  await page.getByLabel("Email").fill("bob@lanes.dev");
  await page.getByLabel("Password").fill("bob-demo-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("region", { name: /Website Relaunch/ }).waitFor();
  expect(await page.locator("[data-key]").count()).toBeGreaterThan(10);
});
