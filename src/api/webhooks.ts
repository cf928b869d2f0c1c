import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { isKnownFilter, PING_EVENT, WEBHOOK_EVENT_TYPES } from "../webhooks/policy";
import type { Delivery, Webhook } from "../webhooks/WebhookDesk";
import { openBoard } from "./boardAccess";
import { ApiError } from "./errors";
import { errorResponses, jsonBody, jsonContent, newRouter, type RoutesOf } from "./openapi";
import { boardParams } from "./schemas";

// A board's webhooks, for its owners: subscriptions, their delivery log, a test
// ping, redelivery and secret rotation. The board keeps them (src/webhooks) and
// delivers from its alarm; these routes only check, ask and shape.

export const webhookRoutes = newRouter();
/** These routes as the web app's typed client sees them (see RoutesOf). */
export type WebhookRoutes = RoutesOf<
  | typeof listWebhooksRoute
  | typeof subscribeRoute
  | typeof getWebhookRoute
  | typeof changeWebhookRoute
  | typeof deleteWebhookRoute
  | typeof pingRoute
  | typeof deliveriesRoute
  | typeof redeliverRoute
  | typeof rotateSecretRoute
>;

/** Subscriptions per board: each is a cursor, a retry schedule and a log the board keeps. */
const MAX_WEBHOOKS = 20;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const webhookSchema = z
  .object({
    id: z.string().meta({ example: "whk_3f2a9c0d1e4b5a6978877665" }),
    url: z.string().meta({ example: "https://hooks.example.com/lanes" }),
    events: z.array(z.string()).meta({ example: ["task.moved", "comment.*"] }),
    description: z.string(),
    active: z.boolean(),
    disabledReason: z.enum(["gone", "failing", "url_refused", "owner"]).nullable().meta({
      description:
        "Why it is off: the receiver answered 410, every retry failed, its URL is refused, or an owner switched it off.",
    }),
    createdAt: z.string(),
    createdBy: z.string(),
    updatedAt: z.string(),
    cursor: z.number().int().meta({ description: "Seq of the last event it delivered or passed over." }),
    failures: z.number().int().meta({ description: "Failed attempts at the event it is on." }),
    nextAttemptAt: z.string().nullable(),
    lastError: z.string().nullable(),
    previousSecretValidUntil: z
      .string()
      .nullable()
      .meta({ description: "After a rotation, deliveries are signed with both secrets until then." }),
  })
  .meta({ id: "Webhook" });

const deliverySchema = z
  .object({
    id: z.string(),
    messageId: z.string().meta({ description: "The `webhook-id` header: the same on every retry and redelivery." }),
    seq: z.number().int().nullable(),
    eventType: z.string(),
    trigger: z.enum(["event", "test", "redeliver"]),
    attempt: z.number().int(),
    at: z.string(),
    ok: z.boolean(),
    status: z.number().int().nullable().meta({ description: "The receiver's HTTP status; null when none came." }),
    latencyMs: z.number().int(),
    error: z.string().nullable(),
    response: z.string().meta({ description: "The first 1 KiB of the receiver's answer." }),
    nextAttemptAt: z.string().nullable(),
  })
  .meta({ id: "WebhookDelivery" });

function webhookView(w: Webhook) {
  const { previousSecretUntil, nextAttemptAt, disabledReason, ...rest } = w;
  return {
    ...rest,
    disabledReason: disabledReason as z.infer<typeof webhookSchema>["disabledReason"],
    nextAttemptAt: iso(nextAttemptAt),
    previousSecretValidUntil:
      previousSecretUntil !== null && previousSecretUntil > Date.now() ? iso(previousSecretUntil) : null,
  };
}

function deliveryView(d: Delivery) {
  const { webhookId: _w, ...rest } = d;
  return {
    ...rest,
    at: new Date(d.at).toISOString(),
    ok: d.status !== null && d.status >= 200 && d.status < 300,
    nextAttemptAt: iso(d.nextAttemptAt),
  };
}

const eventsSchema = z
  .array(
    z.string().refine(isKnownFilter, {
      error: `Unknown event type. Use "*", a kind such as "task.*", or one of: ${WEBHOOK_EVENT_TYPES.join(", ")}.`,
    }),
  )
  .min(1, 'Name at least one event type, or "*" for all.')
  .max(50);
const fieldsSchema = z.strictObject({
  url: z.string().min(1).max(2048).meta({ example: "https://hooks.example.com/lanes" }),
  events: eventsSchema.meta({
    description: `Event types (\`*\` for all, \`task.*\` for a kind); "${PING_EVENT}" is sent by the test button only.`,
  }),
  description: z.string().max(500),
  active: z.boolean(),
});

const webhookParams = boardParams.extend({
  webhookId: z
    .string()
    .max(64)
    .meta({ param: { name: "webhookId", in: "path" } }),
});

function webhookNotFound(): ApiError {
  return new ApiError(404, "webhook_not_found", "This board has no webhook with this id.");
}

function urlRefused(reason: string): ApiError {
  return new ApiError(422, "webhook_url_refused", reason);
}

const listWebhooksRoute = webhookRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}/webhooks",
    tags: ["Webhooks"],
    summary: "The board's webhook subscriptions (secrets are never shown again)",
    request: { params: boardParams },
    responses: {
      200: jsonContent(z.object({ webhooks: z.array(webhookSchema) }), "Subscriptions"),
      ...errorResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const board = await openBoard(c, c.req.valid("param").boardId, "owner");
    const webhooks = await board.room.webhooks().list();
    return c.json({ webhooks: webhooks.map(webhookView) }, 200);
  },
);

const subscribeRoute = webhookRoutes.openapi(
  createRoute({
    method: "post",
    path: "/boards/{boardId}/webhooks",
    tags: ["Webhooks"],
    summary: "Subscribe a URL to the board's events; the signing secret is in this answer only",
    description:
      "Deliveries start with the next event, in the board's order, signed per Standard Webhooks. The URL must be https and public.",
    request: {
      params: boardParams,
      body: jsonBody(
        fieldsSchema.partial({ events: true, description: true, active: true }).meta({ id: "NewWebhook" }),
      ),
    },
    responses: {
      201: jsonContent(
        z.object({
          webhook: webhookSchema,
          secret: z.string().meta({ example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }),
        }),
        "The subscription and its secret",
      ),
      ...errorResponses(400, 401, 403, 404, 422),
    },
  }),
  async (c) => {
    const board = await openBoard(c, c.req.valid("param").boardId, "owner");
    const body = c.req.valid("json");
    if ((await board.room.webhooks().list()).length >= MAX_WEBHOOKS) {
      throw new ApiError(422, "too_many_webhooks", `A board has at most ${MAX_WEBHOOKS} webhooks; delete one first.`);
    }
    const created = await board.room.webhooks().create(
      {
        url: body.url,
        events: body.events ?? ["*"],
        description: body.description ?? "",
        active: body.active ?? true,
      },
      c.var.actor.id,
    );
    if ("refused" in created) throw urlRefused(created.refused);
    return c.json({ webhook: webhookView(created.webhook), secret: created.secret }, 201);
  },
);

const getWebhookRoute = webhookRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}/webhooks/{webhookId}",
    tags: ["Webhooks"],
    summary: "One subscription, with its cursor and health",
    request: { params: webhookParams },
    responses: {
      200: jsonContent(z.object({ webhook: webhookSchema }), "The subscription"),
      ...errorResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const { boardId, webhookId } = c.req.valid("param");
    const board = await openBoard(c, boardId, "owner");
    const webhook = (await board.room.webhooks().list()).find((w) => w.id === webhookId);
    if (!webhook) throw webhookNotFound();
    return c.json({ webhook: webhookView(webhook) }, 200);
  },
);

const changeWebhookRoute = webhookRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/boards/{boardId}/webhooks/{webhookId}",
    tags: ["Webhooks"],
    summary: "Change a subscription; `active: true` switches a disabled one back on",
    description:
      "Switched back on, it resumes from its cursor: the event it stopped at is sent first, nothing is skipped.",
    request: { params: webhookParams, body: jsonBody(fieldsSchema.partial().meta({ id: "ChangeWebhook" })) },
    responses: {
      200: jsonContent(z.object({ webhook: webhookSchema }), "The subscription"),
      ...errorResponses(400, 401, 403, 404, 422),
    },
  }),
  async (c) => {
    const { boardId, webhookId } = c.req.valid("param");
    const board = await openBoard(c, boardId, "owner");
    const answer = await board.room.webhooks().update(webhookId, c.req.valid("json"));
    if (answer.refused) throw urlRefused(answer.refused);
    if (!answer.webhook) throw webhookNotFound();
    return c.json({ webhook: webhookView(answer.webhook) }, 200);
  },
);

const deleteWebhookRoute = webhookRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/boards/{boardId}/webhooks/{webhookId}",
    tags: ["Webhooks"],
    summary: "Delete a subscription and its delivery log",
    request: { params: webhookParams },
    responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404) },
  }),
  async (c) => {
    const { boardId, webhookId } = c.req.valid("param");
    const board = await openBoard(c, boardId, "owner");
    if (!(await board.room.webhooks().remove(webhookId))) throw webhookNotFound();
    return c.body(null, 204);
  },
);

const pingRoute = webhookRoutes.openapi(
  createRoute({
    method: "post",
    path: "/boards/{boardId}/webhooks/{webhookId}/test",
    tags: ["Webhooks"],
    summary: `Send a signed "${PING_EVENT}" now and answer with how the receiver took it`,
    request: { params: webhookParams },
    responses: {
      200: jsonContent(z.object({ delivery: deliverySchema }), "The attempt"),
      ...errorResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const { boardId, webhookId } = c.req.valid("param");
    const board = await openBoard(c, boardId, "owner");
    const delivery = await board.room.webhooks().test(webhookId);
    if (!delivery) throw webhookNotFound();
    return c.json({ delivery: deliveryView(delivery) }, 200);
  },
);

const deliveriesRoute = webhookRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}/webhooks/{webhookId}/deliveries",
    tags: ["Webhooks"],
    summary: "The delivery log (every attempt of the last 30 days), newest first",
    request: {
      params: webhookParams,
      query: z.object({
        limit: z.coerce.number().int().min(1).max(100).default(50),
        before: z.string().max(64).optional().meta({ description: "A delivery id: the page after it." }),
      }),
    },
    responses: {
      200: jsonContent(
        z.object({ deliveries: z.array(deliverySchema), nextBefore: z.string().nullable() }),
        "Attempts",
      ),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { boardId, webhookId } = c.req.valid("param");
    const { limit, before } = c.req.valid("query");
    const board = await openBoard(c, boardId, "owner");
    const deliveries = await board.room.webhooks().deliveries(webhookId, limit, before);
    if (!deliveries) throw webhookNotFound();
    const last = deliveries.at(-1);
    return c.json(
      { deliveries: deliveries.map(deliveryView), nextBefore: deliveries.length === limit && last ? last.id : null },
      200,
    );
  },
);

const redeliverRoute = webhookRoutes.openapi(
  createRoute({
    method: "post",
    path: "/boards/{boardId}/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver",
    tags: ["Webhooks"],
    summary: "Send a logged delivery again, same webhook-id and body, freshly signed",
    request: {
      params: webhookParams.extend({
        deliveryId: z
          .string()
          .max(64)
          .meta({ param: { name: "deliveryId", in: "path" } }),
      }),
    },
    responses: {
      200: jsonContent(z.object({ delivery: deliverySchema }), "The new attempt"),
      ...errorResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const { boardId, webhookId, deliveryId } = c.req.valid("param");
    const board = await openBoard(c, boardId, "owner");
    const delivery = await board.room.webhooks().redeliver(webhookId, deliveryId);
    if (!delivery) {
      throw new ApiError(
        404,
        "delivery_not_found",
        "This webhook has no logged delivery with this id (the log keeps 30 days).",
      );
    }
    return c.json({ delivery: deliveryView(delivery) }, 200);
  },
);

const rotateSecretRoute = webhookRoutes.openapi(
  createRoute({
    method: "post",
    path: "/boards/{boardId}/webhooks/{webhookId}/rotate-secret",
    tags: ["Webhooks"],
    summary: "A new signing secret, shown once; the old one keeps signing alongside it for 24 hours",
    request: { params: webhookParams },
    responses: {
      200: jsonContent(z.object({ secret: z.string(), previousSecretValidUntil: z.string() }), "The new secret"),
      ...errorResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const { boardId, webhookId } = c.req.valid("param");
    const board = await openBoard(c, boardId, "owner");
    const secret = await board.room.webhooks().rotateSecret(webhookId);
    if (!secret) throw webhookNotFound();
    const webhook = (await board.room.webhooks().list()).find((w) => w.id === webhookId);
    return c.json({ secret, previousSecretValidUntil: iso(webhook?.previousSecretUntil ?? null) ?? "" }, 200);
  },
);
