import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { BoardRoom } from "../../src/board/BoardRoom";
import { call, expectError, type Json, me, newBoard, rawCall, roomOf, signUp } from "./helpers";
import {
  createWebhook,
  deliveriesOf,
  endpoint,
  eventually,
  received,
  retryClock,
  verified,
  webhookOf,
} from "./webhookHelpers";

// Webhooks end to end: real deliveries from the board's alarm to a Node receiver on
// loopback, each verified with the reference Standard Webhooks library; the
// receiver fails on purpose and the board's retry clock is moved by hand.

async function createTask(boardId: string, fields: Record<string, unknown>): Promise<Json> {
  const res = await call("POST", `/boards/${boardId}/tasks`, fields);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.task;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;

describe("delivery", () => {
  it("sends every change in order, signed, with the task as it was right after each event", async () => {
    const { id, key } = await newBoard();
    const hook = endpoint();
    const { id: webhookId, secret } = await createWebhook(id, { url: hook.url, events: ["*"], description: "CI" });
    const task = await createTask(id, { title: "Ship the webhooks" });
    await call("POST", `/boards/${id}/tasks/${task.key}/move`, { columnId: "in_progress" });
    await call("POST", `/boards/${id}/tasks/${task.key}/comments`, { body: "On it" });
    await call("PATCH", `/boards/${id}/tasks/${task.key}`, { title: "Ship signed webhooks" });

    const requests = await received(hook, 4, id);
    const bodies = requests.map((r) => verified(secret, r));
    expect(bodies.map((b) => b.type)).toEqual(["task.created", "task.moved", "comment.added", "task.updated"]);
    const seqs = bodies.map((b) => b.data.event.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(bodies[0]).toMatchObject({
      timestamp: bodies[0].data.event.at,
      data: {
        board: { id, key },
        event: { type: "task.created", actor: (await me()).id, payload: { task: { key: task.key } } },
        // The task has moved on since; the payload shows it as the event left it.
        task: { key: task.key, title: "Ship the webhooks", columnId: "todo" },
      },
    });
    expect(bodies[1].data.task).toMatchObject({ columnId: "in_progress", title: "Ship the webhooks" });
    expect(bodies[3].data.task).toMatchObject({ title: "Ship signed webhooks" });
    expect(requests.map((r) => r.headers["webhook-id"])).toEqual(seqs.map((s) => expect.stringContaining(`_${s}`)));
    expect(requests[0]?.headers["content-type"]).toBe("application/json");

    const log = await deliveriesOf(id, webhookId);
    expect(log.map((d) => [d.seq, d.eventType, d.status, d.ok, d.trigger, d.attempt])).toEqual(
      [...seqs].reverse().map((s, i) => [s, bodies[3 - i].type, 200, true, "event", 1]),
    );
    expect(await webhookOf(id, webhookId)).toMatchObject({
      active: true,
      failures: 0,
      cursor: seqs[3],
      lastError: null,
    });
  });

  it("sends only the types a subscription asks for, and nothing from before it existed", async () => {
    const { id } = await newBoard();
    await createTask(id, { title: "Before the webhook" });
    const hook = endpoint();
    const { secret } = await createWebhook(id, { url: hook.url, events: ["task.moved", "comment.*"] });
    const task = await createTask(id, { title: "After" });
    await call("POST", `/boards/${id}/tasks/${task.key}/move`, { columnId: "done" });
    await call("POST", `/boards/${id}/tasks/${task.key}/comments`, { body: "Done" });
    const requests = await received(hook, 2, id);
    expect(requests.map((r) => verified(secret, r).type)).toEqual(["task.moved", "comment.added"]);
    await runDurableObjectAlarm(roomOf(id));
    expect(await hook.requests()).toHaveLength(2);
  });
});

describe("retries", () => {
  // Many real round trips and a receiver left to time out: the bound (90 s) only guards against a hang.
  it("follows the schedule, honours Retry-After, gives up on a hang, and holds later events back until the first is taken", async () => {
    const { id } = await newBoard();
    const clock = await retryClock(id);
    const hook = endpoint();
    await hook.plan([{ status: 500 }, { status: 503, retryAfter: "120" }, { hang: true }, { status: 500 }]);
    const { id: webhookId, secret } = await createWebhook(id, { url: hook.url });
    const first = await createTask(id, { title: "First" });
    const second = await createTask(id, { title: "Second" });

    // 1st attempt: 500. The next in 5 s, and the second event waits.
    await received(hook, 1, id);
    let state = await eventually(async () => {
      const w = await webhookOf(id, webhookId);
      return w.failures === 1 ? w : undefined;
    });
    expect(Date.parse(state.nextAttemptAt) - clock.now).toBe(5 * SECOND);
    expect(state.lastError).toBe("HTTP 500");

    // 2nd: 503 with Retry-After: 120 — two minutes rather than the schedule's five.
    clock.now = Date.parse(state.nextAttemptAt);
    await received(hook, 2, id);
    state = await webhookOf(id, webhookId);
    expect(Date.parse(state.nextAttemptAt) - clock.now).toBe(2 * MINUTE);

    // 3rd: the receiver never answers; given up after the timeout, then 30 min.
    clock.now = Date.parse(state.nextAttemptAt);
    await received(hook, 3, id);
    state = await eventually(
      async () => {
        const w = await webhookOf(id, webhookId);
        return w.failures === 3 ? w : undefined;
      },
      { boardId: id },
    );
    expect(state.lastError).toMatch(/No answer within 5 s/);
    expect(Date.parse(state.nextAttemptAt) - clock.now).toBe(30 * MINUTE);

    // Not due yet: running the alarm sends nothing.
    await runDurableObjectAlarm(roomOf(id));
    expect(await hook.requests()).toHaveLength(3);

    // 4th: 500 again (2 h next); 5th: taken, and the second event follows at once.
    clock.now = Date.parse(state.nextAttemptAt);
    await received(hook, 4, id);
    state = await webhookOf(id, webhookId);
    expect(Date.parse(state.nextAttemptAt) - clock.now).toBe(2 * 3600 * SECOND);
    clock.now = Date.parse(state.nextAttemptAt);
    const requests = await received(hook, 6, id);
    const bodies = requests.map((r) => verified(secret, r));
    expect(bodies.map((b) => b.data.task.key)).toEqual([
      first.key,
      first.key,
      first.key,
      first.key,
      first.key,
      second.key,
    ]);
    // Every retry of an event carries the same webhook-id, for the receiver to drop repeats.
    expect(new Set(requests.slice(0, 5).map((r) => r.headers["webhook-id"])).size).toBe(1);
    expect(await webhookOf(id, webhookId)).toMatchObject({ active: true, failures: 0, nextAttemptAt: null });

    const log = await deliveriesOf(id, webhookId);
    expect(log.map((d) => [d.attempt, d.status])).toEqual([
      [1, 200],
      [5, 200],
      [4, 500],
      [3, null],
      [2, 503],
      [1, 500],
    ]);
    expect(log[3].error).toMatch(/No answer/);
  }, 90_000);

  it("does not follow a redirect: a 3xx is a failed attempt, and the other address hears nothing", async () => {
    const { id } = await newBoard();
    await retryClock(id);
    const hook = endpoint();
    const elsewhere = endpoint();
    await hook.plan([{ status: 307, location: elsewhere.url }]);
    const { id: webhookId } = await createWebhook(id, { url: hook.url });
    await createTask(id, { title: "Redirected" });
    await received(hook, 1, id);
    const state = await eventually(async () => {
      const w = await webhookOf(id, webhookId);
      return w.failures === 1 ? w : undefined;
    });
    expect(state.lastError).toBe("HTTP 307");
    expect(await elsewhere.requests()).toHaveLength(0);
  });

  it("disables a subscription at once on 410 Gone, tells the owners, and resumes from the same event when switched back on", async () => {
    const { id } = await newBoard();
    await retryClock(id);
    const hook = endpoint();
    await hook.plan([{ status: 410 }]);
    const { id: webhookId, secret } = await createWebhook(id, { url: hook.url });
    const first = await createTask(id, { title: "First" });
    await received(hook, 1, id);
    const off = await eventually(
      async () => {
        const w = await webhookOf(id, webhookId);
        return w.active ? undefined : w;
      },
      { boardId: id },
    );
    expect(off).toMatchObject({ disabledReason: "gone", lastError: "The receiver answered 410 Gone." });
    const second = await createTask(id, { title: "Second, while it is off" });
    await runDurableObjectAlarm(roomOf(id));
    expect(await hook.requests()).toHaveLength(1);
    const inbox = await call("GET", "/inbox");
    expect(inbox.body.notifications).toContainEqual(
      expect.objectContaining({ kind: "webhook_disabled", boardId: id, text: expect.stringContaining(hook.url) }),
    );

    const on = await call("PATCH", `/boards/${id}/webhooks/${webhookId}`, { active: true });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
    expect(on.body.webhook).toMatchObject({ active: true, disabledReason: null, failures: 0 });
    const requests = await received(hook, 3, id);
    expect(requests.map((r) => verified(secret, r).data.task.key)).toEqual([first.key, first.key, second.key]);
    expect(requests[1]?.headers["webhook-id"]).toBe(requests[0]?.headers["webhook-id"]);
  });

  // Many real round trips and a receiver left to time out: the bound (90 s) only guards against a hang.
  it("disables a subscription after the last retry fails and tells every owner, not the members", async () => {
    const { id } = await newBoard();
    const coOwner = await signUp("Co");
    const member = await signUp("Member");
    expect((await call("POST", `/boards/${id}/members`, { email: coOwner.email, role: "owner" })).status).toBe(201);
    expect((await call("POST", `/boards/${id}/members`, { email: member.email, role: "member" })).status).toBe(201);
    const clock = await retryClock(id);
    const hook = endpoint();
    await hook.plan(Array.from({ length: 10 }, () => ({ status: 500 })));
    const { id: webhookId } = await createWebhook(id, { url: hook.url });
    await createTask(id, { title: "Never taken" });
    for (let attempt = 1; attempt <= 10; attempt++) {
      await received(hook, attempt, id);
      const state = await eventually(async () => {
        const w = await webhookOf(id, webhookId);
        return w.failures === attempt || !w.active ? w : undefined;
      });
      if (state.nextAttemptAt) clock.now = Date.parse(state.nextAttemptAt);
    }
    const off = await webhookOf(id, webhookId);
    expect(off).toMatchObject({ active: false, disabledReason: "failing", nextAttemptAt: null });
    expect(off.lastError).toMatch(/^10 attempts failed; the last: HTTP 500/);
    expect(await hook.requests()).toHaveLength(10);

    const heard = async (as: Json) =>
      (await call("GET", "/inbox", undefined, {}, as)).body.notifications.filter(
        (n: Json) => n.kind === "webhook_disabled" && n.boardId === id,
      );
    await eventually(async () => ((await heard(await me())).length === 1 ? true : undefined));
    expect(await heard(coOwner)).toHaveLength(1);
    expect(await heard(member)).toHaveLength(0);
  }, 90_000);
});

describe("tools", () => {
  it("sends a signed test ping, logs the first 1 KiB of the answer, and redelivers a logged delivery as it was", async () => {
    const { id } = await newBoard();
    const hook = endpoint();
    await hook.plan([{ status: 202, body: "x".repeat(5000) }]);
    const { id: webhookId, secret } = await createWebhook(id, { url: hook.url, events: ["task.created"] });
    const ping = await call("POST", `/boards/${id}/webhooks/${webhookId}/test`);
    expect(ping.status, JSON.stringify(ping.body)).toBe(200);
    expect(ping.body.delivery).toMatchObject({
      trigger: "test",
      eventType: "webhook.ping",
      status: 202,
      ok: true,
      seq: null,
    });
    expect(ping.body.delivery.response).toBe("x".repeat(1024));
    const [pinged] = await hook.requests();
    expect(verified(secret, pinged as Json)).toMatchObject({
      type: "webhook.ping",
      data: { board: { id }, webhookId },
    });

    await createTask(id, { title: "Redeliver me" });
    const [, original] = await received(hook, 2, id);
    const logged = (await deliveriesOf(id, webhookId)).find((d) => d.trigger === "event");
    const again = await call("POST", `/boards/${id}/webhooks/${webhookId}/deliveries/${logged.id}/redeliver`);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.delivery).toMatchObject({
      trigger: "redeliver",
      seq: logged.seq,
      messageId: logged.messageId,
      status: 200,
    });
    const [, , redelivered] = await hook.requests();
    expect(redelivered?.body).toBe(original?.body);
    expect(redelivered?.headers["webhook-id"]).toBe(original?.headers["webhook-id"]);
    expect(verified(secret, redelivered as Json).data.task.title).toBe("Redeliver me");
    expect((await deliveriesOf(id, webhookId)).map((d) => d.trigger)).toEqual(["redeliver", "event", "test"]);
  });

  it("keeps the delivery log for 30 days", async () => {
    const { id } = await newBoard();
    const clock = await retryClock(id);
    const hook = endpoint();
    const { id: webhookId } = await createWebhook(id, { url: hook.url });
    await createTask(id, { title: "Logged a month ago" });
    await received(hook, 1, id);
    const first = await eventually(async () => {
      const log = await deliveriesOf(id, webhookId);
      return log.length === 1 ? log : undefined;
    });
    clock.now += 29 * 24 * 3600 * SECOND;
    await createTask(id, { title: "Logged 29 days later" });
    await received(hook, 2, id);
    expect((await deliveriesOf(id, webhookId)).map((d) => d.seq)).toEqual([first[0].seq + 1, first[0].seq]);
    clock.now += 2 * 24 * 3600 * SECOND;
    await createTask(id, { title: "Logged 31 days after the first" });
    await received(hook, 3, id);
    const log = await eventually(async () => {
      const all = await deliveriesOf(id, webhookId);
      return all.length === 2 ? all : undefined;
    });
    expect(log.map((d) => d.seq)).toEqual([first[0].seq + 2, first[0].seq + 1]);
  });

  it("signs with the old and the new secret for a day after a rotation", async () => {
    const { id } = await newBoard();
    const hook = endpoint();
    const { id: webhookId, secret: old } = await createWebhook(id, { url: hook.url });
    const rotated = await call("POST", `/boards/${id}/webhooks/${webhookId}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const fresh: string = rotated.body.secret;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(old);
    expect(Date.parse(rotated.body.previousSecretValidUntil) - Date.now()).toBeGreaterThan(23 * 3600 * SECOND);
    await createTask(id, { title: "Signed twice" });
    const [request] = await received(hook, 1, id);
    expect(verified(fresh, request as Json).type).toBe("task.created");
    expect(verified(old, request as Json).type).toBe("task.created");
    // The secret is never shown again.
    expect(JSON.stringify((await call("GET", `/boards/${id}/webhooks`)).body)).not.toContain(fresh.slice(6));
  });

  it("keeps taking commands while its only subscriber's receiver has not answered", async () => {
    const { id } = await newBoard();
    const hook = endpoint();
    await hook.plan([{ hold: true }]);
    const { id: webhookId } = await createWebhook(id, { url: hook.url });
    await createTask(id, { title: "Held at the receiver" });
    // The board's own alarm sends it; the receiver holds it without answering.
    await eventually(async () => ((await hook.held()) === 1 ? true : undefined));
    const during = await call("POST", `/boards/${id}/tasks`, { title: "Made while the receiver hangs" });
    expect(during.status).toBe(201);
    expect(await hook.held()).toBe(1);
    await hook.release();
    await received(hook, 2, id);
    // Answered after the command: the command never waited for the receiver.
    const log = await eventually(
      async () => {
        const all = await deliveriesOf(id, webhookId);
        return all.length === 2 ? all : undefined;
      },
      { boardId: id },
    );
    expect(log.map((d) => d.status)).toEqual([200, 200]);
  });
});

describe("the URL guard at delivery", () => {
  it("checks the URL again before sending: one the setting now refuses switches the subscription off", async () => {
    const { id } = await newBoard();
    const hook = endpoint();
    const { id: webhookId } = await createWebhook(id, { url: hook.url });
    // As if deployed: loopback and http targets are no longer allowed.
    await runInDurableObject(roomOf(id), (room: BoardRoom) => {
      // biome-ignore lint/suspicious/noExplicitAny: flipping the development setting of this one board for the test.
      (room as any).desk.options.allowLocal = false;
    });
    await createTask(id, { title: "Not for loopback" });
    const off = await eventually(
      async () => {
        const w = await webhookOf(id, webhookId);
        return w.active ? undefined : w;
      },
      { boardId: id },
    );
    expect(off).toMatchObject({ disabledReason: "url_refused", lastError: "Webhook URLs must use https." });
    expect(await hook.requests()).toHaveLength(0);
  });
});

describe("refused requests change nothing", () => {
  it("refuses bad subscriptions with a reason, and unknown ids with 404", async () => {
    const { id } = await newBoard();
    const hook = endpoint();
    const { id: webhookId } = await createWebhook(id, { url: hook.url, description: "keep" });
    const before = (await call("GET", `/boards/${id}/webhooks`)).body;
    const bad: [unknown, number, string, RegExp?][] = [
      [{ url: "ftp://example.com/hook" }, 422, "webhook_url_refused", /https/],
      [{ url: "https://user:secret@example.com/hook" }, 422, "webhook_url_refused", /password/],
      [{ url: "nonsense" }, 422, "webhook_url_refused", /not a URL/],
      [{ url: hook.url, events: ["task.exploded"] }, 400, "invalid_request", /Unknown event type/],
      [{ url: hook.url, events: [] }, 400, "invalid_request", /at least one/],
      [{ url: hook.url, secret: "whsec_mine" }, 400, "invalid_request", /Unknown field/],
      [{ url: hook.url, description: "d".repeat(501) }, 400, "invalid_request"],
      [{}, 400, "invalid_request"],
    ];
    for (const [body, status, code, message] of bad) {
      const error = expectError(await call("POST", `/boards/${id}/webhooks`, body), status, code);
      if (message) expect(error.message).toMatch(message);
    }
    expectError(await rawCall("POST", `/boards/${id}/webhooks`, "{"), 400, "malformed_json");
    expectError(
      await call("PATCH", `/boards/${id}/webhooks/${webhookId}`, { url: "http://a:b@localhost/" }),
      422,
      "webhook_url_refused",
    );
    expectError(
      await call("PATCH", `/boards/${id}/webhooks/${webhookId}`, { events: ["nope"] }),
      400,
      "invalid_request",
    );
    const missing = "whk_000000000000000000000000";
    expectError(await call("GET", `/boards/${id}/webhooks/${missing}`), 404, "webhook_not_found");
    expectError(await call("PATCH", `/boards/${id}/webhooks/${missing}`, { active: false }), 404, "webhook_not_found");
    expectError(await call("DELETE", `/boards/${id}/webhooks/${missing}`), 404, "webhook_not_found");
    expectError(await call("POST", `/boards/${id}/webhooks/${missing}/test`), 404, "webhook_not_found");
    expectError(await call("POST", `/boards/${id}/webhooks/${missing}/rotate-secret`), 404, "webhook_not_found");
    expectError(await call("GET", `/boards/${id}/webhooks/${missing}/deliveries`), 404, "webhook_not_found");
    expectError(
      await call("POST", `/boards/${id}/webhooks/${webhookId}/deliveries/dlv_000000000000000000000000/redeliver`),
      404,
      "delivery_not_found",
    );
    expectError(await call("GET", `/boards/${id}/webhooks/${webhookId}/deliveries?limit=0`), 400, "invalid_request");
    expect((await call("GET", `/boards/${id}/webhooks`)).body).toEqual(before);
    expect(await hook.requests()).toHaveLength(0);
  });

  it("refuses private, loopback and metadata addresses where the development setting is off", async () => {
    const { id } = await newBoard();
    await runInDurableObject(roomOf(id), (room: BoardRoom) => {
      // biome-ignore lint/suspicious/noExplicitAny: this board behaves as deployed.
      (room as any).desk.options.allowLocal = false;
    });
    const refused: [string, RegExp][] = [
      [endpoint().url, /https/],
      ["https://127.0.0.1/hook", /loopback/],
      ["https://10.0.0.7/hook", /RFC 1918/],
      ["https://169.254.169.254/latest/meta-data", /link-local/],
      ["https://[::1]/hook", /loopback/],
      ["https://localhost/hook", /local/],
    ];
    for (const [url, why] of refused) {
      expect(
        expectError(await call("POST", `/boards/${id}/webhooks`, { url }), 422, "webhook_url_refused").message,
      ).toMatch(why);
    }
    expect((await call("GET", `/boards/${id}/webhooks`)).body).toEqual({ webhooks: [] });
    const created = await call("POST", `/boards/${id}/webhooks`, { url: "https://hooks.example.com/lanes" });
    expect(created.status).toBe(201);
    const changed = await call("PATCH", `/boards/${id}/webhooks/${created.body.webhook.id}`, {
      url: "https://192.168.0.2/",
    });
    expectError(changed, 422, "webhook_url_refused");
    expect((await webhookOf(id, created.body.webhook.id)).url).toBe("https://hooks.example.com/lanes");
  });

  it("keeps at most 20 subscriptions per board, and deleting one removes it and its log", async () => {
    const { id } = await newBoard();
    const hook = endpoint();
    const ids = [];
    for (let i = 0; i < 20; i++) ids.push((await createWebhook(id, { url: hook.url })).id);
    expectError(await call("POST", `/boards/${id}/webhooks`, { url: hook.url }), 422, "too_many_webhooks");
    expect((await call("GET", `/boards/${id}/webhooks`)).body.webhooks).toHaveLength(20);
    expect((await call("DELETE", `/boards/${id}/webhooks/${ids[0]}`)).status).toBe(204);
    expectError(await call("GET", `/boards/${id}/webhooks/${ids[0]}/deliveries`), 404, "webhook_not_found");
    expect((await call("GET", `/boards/${id}/webhooks`)).body.webhooks).toHaveLength(19);
  });
});
