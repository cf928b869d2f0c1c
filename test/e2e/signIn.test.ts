import type { Browser } from "playwright-core";
import { expect, test } from "vitest";
import { forgetPages, personContext, screenshotOnFailure, useBrowser } from "./harness";

let browser: Browser;
useBrowser((b) => {
  browser = b;
});

test("a demo person signs in with their email and password and opens the demo board from their projects", async () => {
  screenshotOnFailure("sign-in");
  forgetPages();
  const { page } = await personContext(browser, null);
  await page.goto("/");
  await page.getByLabel("Email").fill("bob@lanes.dev");
  await page.getByLabel("Password").fill("wrong-password-here");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").waitFor();
  await page.getByLabel("Password").fill("bob-demo-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Projects" }).waitFor();
  await page.getByRole("link", { name: /Website Relaunch/ }).click();
  await page.waitForURL(/\/p\/WEB$/);
  await page.locator('.sync[data-status="online"]').waitFor();
  expect(await page.locator("[data-cell] [data-key]").count()).toBeGreaterThan(40);
  await page.context().close();
});

test("someone new signs up, creates a Kanban and a Scrum project, and lands on each", async () => {
  screenshotOnFailure("sign-up");
  forgetPages();
  const { page } = await personContext(browser, null);
  await page.goto("/");
  await page.getByRole("button", { name: "Create an account" }).click();
  await page.getByLabel("Name").fill("Dana Lee");
  await page.getByLabel("Email").fill(`dana-${Date.now()}@example.com`);
  await page.getByLabel("Password").fill("a long enough passphrase");
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.getByText("No projects yet").waitFor();

  const form = page.getByRole("form", { name: "Create a project" });
  await form.getByLabel("Name").fill("Mobile App");
  expect(await form.getByLabel("Key").inputValue()).toBe("MA");
  await form.getByLabel("Key").fill("MOB");
  await form.getByRole("button", { name: "Create project" }).click();
  await page.waitForURL(/\/p\/MOB$/);
  await page.getByRole("heading", { name: /To Do/ }).waitFor();
  expect(await page.locator("[data-column-head]").allTextContents()).toHaveLength(3);

  await page.getByRole("link", { name: "Lanes" }).click();
  await form.getByLabel("Name").fill("Platform");
  await form.getByLabel("Key").fill("PLAT");
  await form.getByLabel("Scrum").check();
  await form.getByRole("button", { name: "Create project" }).click();
  await page.waitForURL(/\/p\/PLAT\/backlog$/);
  await page.getByRole("button", { name: "Create sprint" }).waitFor();

  await page.getByRole("link", { name: "Lanes" }).click();
  expect(await page.locator(".project-list li").allTextContents()).toEqual([
    expect.stringContaining("Mobile App"),
    expect.stringContaining("Platform"),
  ]);
  await form.getByLabel("Name").fill("Clash");
  await form.getByLabel("Key").fill("MOB");
  await form.getByRole("button", { name: "Create project" }).click();
  await page.getByRole("alert").filter({ hasText: "MOB" }).waitFor();
  await page.context().close();
});
