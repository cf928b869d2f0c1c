import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";

const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const res = await exports.default.fetch(`http://lanes.test/api/v1${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
};

it("smoke", async () => {
  const b = await call("POST", "/boards", { name: "Web", key: "WEB" });
  expect(b.status).toBe(201);
  const id = b.body.board.id;
  const t = await call("POST", `/boards/${id}/tasks`, { title: "First", labels: ["ui"] });
  console.log(JSON.stringify(t.body));
  const t2 = await call("POST", `/boards/${id}/tasks`, { title: "Second" });
  const m = await call("POST", `/boards/${id}/tasks/WEB-1/move`, { columnId: "in_progress" });
  console.log(m.status, JSON.stringify(m.body));
  const p = await call("PATCH", `/boards/${id}/tasks/WEB-1`, { title: "Renamed" }, { "if-match": '"1"' });
  console.log(p.status, JSON.stringify(p.body));
  const snap = await call("GET", `/boards/${id}/snapshot`);
  console.log(snap.status, snap.headers.get("etag"), JSON.stringify(snap.body).slice(0, 300));
  const h = await call("GET", `/boards/${id}/tasks/WEB-1/history`);
  console.log(h.status, JSON.stringify(h.body));
  const s = await call("GET", `/boards/${id}/state?at=2`);
  console.log(s.status, JSON.stringify(s.body).slice(0, 200));
  const e = await call("GET", `/boards/${id}/events?after=0&limit=2`);
  console.log(e.status, JSON.stringify(e.body).slice(0, 300));
  console.log((await call("POST", `/boards/${id}/tasks`, "{bad")).body);
  console.log((await call("POST", `/boards/${id}/tasks`, { title: "x", bogus: 1 })).body);
  console.log((await call("GET", `/boards/${id}/events?limit=5000`)).body);
  const doc = await exports.default.fetch("http://lanes.test/api/v1/openapi.json");
  console.log(doc.status, (await doc.text()).slice(0, 200));
  const docs = await exports.default.fetch("http://lanes.test/api/docs");
  console.log(docs.status, (await docs.text()).slice(0, 100));
});
