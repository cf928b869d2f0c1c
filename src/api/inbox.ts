import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { NOTIFICATION_KINDS } from "../domain/notifications";
import { inboxOf } from "../inbox/inboxSubscriber";
import { ApiError } from "./errors";
import { checkLiveUpgrade } from "./liveUpgrade";
import { errorResponses, jsonBody, jsonContent, newRouter, type RoutesOf } from "./openapi";

// The signed-in person's notifications, from every board they are on. Each person's
// Inbox object holds them; these routes only ever reach the caller's own.

export const inboxRoutes = newRouter();
/** These routes as the web app's typed client sees them (see RoutesOf). */
export type InboxRoutes = RoutesOf<
  | typeof inboxRoute
  | typeof markReadRoute
  | typeof markAllReadRoute
  | typeof preferencesRoute
  | typeof setPreferencesRoute
  | typeof inboxLiveRoute
>;

const notificationSchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(NOTIFICATION_KINDS),
    boardId: z.string(),
    boardName: z.string(),
    taskKey: z.string().nullable(),
    title: z.string().nullable(),
    actorId: z.string(),
    actorName: z.string(),
    seq: z.number().int().nullable(),
    at: z.string(),
    text: z.string().meta({ example: "Ada assigned WEB-42 “Fix the login form” to you" }),
    readAt: z.string().nullable(),
  })
  .meta({ id: "Notification" });

const mutedSchema = z.object({ muted: z.array(z.enum(NOTIFICATION_KINDS)).max(NOTIFICATION_KINDS.length) });

const inboxRoute = inboxRoutes.openapi(
  createRoute({
    method: "get",
    path: "/inbox",
    tags: ["Inbox"],
    summary: "Your notifications: unread first, newest first within each",
    request: {
      query: z.object({
        limit: z.coerce.number().int().min(1).max(100).default(30),
        cursor: z
          .string()
          .regex(/^[ur]:\d{1,15}$/, "Pass the nextCursor of the previous page.")
          .optional(),
      }),
    },
    responses: {
      200: jsonContent(
        z.object({
          notifications: z.array(notificationSchema),
          unread: z.number().int(),
          nextCursor: z.string().nullable(),
        }),
        "A page of notifications",
      ),
      ...errorResponses(400, 401),
    },
  }),
  async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(await inboxOf(c.env.INBOX, c.var.actor.id).page(limit, cursor ?? null), 200);
  },
);

const markReadRoute = inboxRoutes.openapi(
  createRoute({
    method: "post",
    path: "/inbox/{notificationId}/read",
    tags: ["Inbox"],
    summary: "Mark one notification read",
    request: {
      params: z.object({
        notificationId: z.coerce
          .number()
          .int()
          .min(1)
          .meta({ param: { name: "notificationId", in: "path" } }),
      }),
    },
    responses: { 204: { description: "Read" }, ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const found = await inboxOf(c.env.INBOX, c.var.actor.id).markRead(
      c.req.valid("param").notificationId,
      new Date().toISOString(),
    );
    if (!found) throw new ApiError(404, "notification_not_found", "You have no notification with this id.");
    return c.body(null, 204);
  },
);

const markAllReadRoute = inboxRoutes.openapi(
  createRoute({
    method: "post",
    path: "/inbox/read-all",
    tags: ["Inbox"],
    summary: "Mark every notification read",
    responses: {
      200: jsonContent(z.object({ marked: z.number().int() }), "How many were unread"),
      ...errorResponses(401),
    },
  }),
  async (c) => {
    const marked = await inboxOf(c.env.INBOX, c.var.actor.id).markAllRead(new Date().toISOString());
    return c.json({ marked }, 200);
  },
);

const preferencesRoute = inboxRoutes.openapi(
  createRoute({
    method: "get",
    path: "/inbox/preferences",
    tags: ["Inbox"],
    summary: "The kinds of notification you muted",
    responses: { 200: jsonContent(mutedSchema, "Muted kinds"), ...errorResponses(401) },
  }),
  async (c) => c.json({ muted: await inboxOf(c.env.INBOX, c.var.actor.id).muted() }, 200),
);

const setPreferencesRoute = inboxRoutes.openapi(
  createRoute({
    method: "put",
    path: "/inbox/preferences",
    tags: ["Inbox"],
    summary: "Mute kinds of notification (the whole list; [] hears everything)",
    description: `Kinds: ${NOTIFICATION_KINDS.join(", ")}. A muted kind is not kept; when an event concerns you in several ways, you hear of the first one you have not muted.`,
    request: { body: jsonBody(z.strictObject(mutedSchema.shape).meta({ id: "InboxPreferences" })) },
    responses: { 200: jsonContent(mutedSchema, "Muted kinds"), ...errorResponses(400, 401) },
  }),
  async (c) => c.json({ muted: await inboxOf(c.env.INBOX, c.var.actor.id).setMuted(c.req.valid("json").muted) }, 200),
);

const inboxLiveRoute = inboxRoutes.openapi(
  createRoute({
    method: "get",
    path: "/inbox/ws",
    tags: ["Inbox"],
    summary: "Your notifications live (WebSocket)",
    description:
      'Send `{"type":"hello","protocol":1,"since":<id of the newest notification you have>}`; the answer is every later one and the unread count, then each new one as it arrives (`notifications`) and the count whenever it changes (`unread`).',
    responses: {
      101: { description: "Switching to the WebSocket protocol" },
      426: { description: "Not a WebSocket upgrade" },
      ...errorResponses(401, 403),
    },
  }),
  async (c) => {
    checkLiveUpgrade(c);
    const upgraded = await inboxOf(c.env.INBOX, c.var.actor.id).fetch(c.req.raw);
    return new Response(upgraded.body, { status: upgraded.status, webSocket: upgraded.webSocket ?? null });
  },
);
