import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";

it("creates a board", async () => {
  const res = await exports.default.fetch("http://lanes.test/api/v1/boards", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Web", key: "WEB" }),
  });
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(201);
});
