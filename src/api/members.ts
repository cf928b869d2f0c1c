import { createRoute } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { memberships, users } from "../auth/schema";
import { userIdSchema } from "../domain/commands";
import { ROLES } from "../domain/model";
import { directory, openBoard, runCommand } from "./boardAccess";
import { ApiError } from "./errors";
import { errorResponses, jsonBody, jsonContent, newRouter, type RoutesOf } from "./openapi";
import { boardParams } from "./schemas";

// Who belongs to a board. Membership lives in D1, where every request checks it;
// each change is also a command to the board, which keeps the rules (one owner at
// least) and records who granted what in its log. The board decides first, then
// D1 follows, so a refused change touches neither.

export const memberRoutes = newRouter();
/** These routes as the web app's typed client sees them (see RoutesOf). */
export type MemberRoutes = RoutesOf<
  typeof listMembersRoute | typeof addMemberRoute | typeof changeRoleRoute | typeof removeMemberRoute
>;

const memberSchema = z
  .object({
    userId: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    addedAt: z.string(),
    addedBy: z.string(),
  })
  .meta({ id: "BoardMember" });
const memberParams = boardParams.extend({
  userId: userIdSchema.meta({ param: { name: "userId", in: "path" } }),
});

/** The columns a member is shown with. */
const memberColumns = {
  userId: memberships.userId,
  email: users.email,
  name: users.name,
  role: memberships.role,
  addedAt: memberships.addedAt,
  addedBy: memberships.addedBy,
};

function selectMembers(c: Parameters<typeof directory>[0]) {
  return directory(c).select(memberColumns).from(memberships).innerJoin(users, eq(users.id, memberships.userId));
}

async function memberRow(c: Parameters<typeof directory>[0], boardId: string, userId: string) {
  return selectMembers(c)
    .where(and(eq(memberships.boardId, boardId), eq(memberships.userId, userId)))
    .get();
}

function memberNotFound(): ApiError {
  return new ApiError(404, "member_not_found", "This person is not a member of the board.");
}

const listMembersRoute = memberRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}/members",
    tags: ["Members"],
    summary: "The board's members and their roles",
    request: { params: boardParams },
    responses: {
      200: jsonContent(z.object({ members: z.array(memberSchema) }), "Members"),
      ...errorResponses(401, 404),
    },
  }),
  async (c) => {
    const board = await openBoard(c, c.req.valid("param").boardId, "read");
    const members = await selectMembers(c).where(eq(memberships.boardId, board.row.id)).orderBy(users.name).all();
    return c.json({ members }, 200);
  },
);

const addMemberRoute = memberRoutes.openapi(
  createRoute({
    method: "post",
    path: "/boards/{boardId}/members",
    tags: ["Members"],
    summary: "Add someone who has an account, by email, as owner, member or viewer",
    request: {
      params: boardParams,
      body: jsonBody(
        z
          .strictObject({ email: z.email("Use their account's email address.").max(254), role: z.enum(ROLES) })
          .meta({ id: "NewMember" }),
      ),
    },
    responses: {
      201: jsonContent(z.object({ member: memberSchema }), "The new member"),
      ...errorResponses(400, 401, 403, 404, 422),
    },
  }),
  async (c) => {
    const board = await openBoard(c, c.req.valid("param").boardId, "owner");
    const { email, role } = c.req.valid("json");
    const user = await directory(c).select().from(users).where(eq(users.email, email.toLowerCase())).get();
    if (!user) {
      throw new ApiError(404, "user_not_found", "No Lanes account uses this email; ask them to sign up first.");
    }
    await runCommand(c, board, { type: "addMember", userId: user.id, name: user.name, role });
    const addedAt = new Date().toISOString();
    await directory(c)
      .insert(memberships)
      .values({ boardId: board.row.id, userId: user.id, role, addedAt, addedBy: c.var.actor.id })
      .onConflictDoUpdate({ target: [memberships.boardId, memberships.userId], set: { role } });
    const member = await memberRow(c, board.row.id, user.id);
    if (!member) throw memberNotFound();
    return c.json({ member }, 201);
  },
);

const changeRoleRoute = memberRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/boards/{boardId}/members/{userId}",
    tags: ["Members"],
    summary: "Change a member's role (a board keeps at least one owner)",
    request: {
      params: memberParams,
      body: jsonBody(z.strictObject({ role: z.enum(ROLES) }).meta({ id: "ChangeMember" })),
    },
    responses: {
      200: jsonContent(z.object({ member: memberSchema }), "The member"),
      ...errorResponses(400, 401, 403, 404, 422),
    },
  }),
  async (c) => {
    const { boardId, userId } = c.req.valid("param");
    const board = await openBoard(c, boardId, "owner");
    const { role } = c.req.valid("json");
    await runCommand(c, board, { type: "changeMemberRole", userId, role });
    await directory(c)
      .update(memberships)
      .set({ role })
      .where(and(eq(memberships.boardId, board.row.id), eq(memberships.userId, userId)));
    const member = await memberRow(c, board.row.id, userId);
    if (!member) throw memberNotFound();
    return c.json({ member }, 200);
  },
);

const removeMemberRoute = memberRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/boards/{boardId}/members/{userId}",
    tags: ["Members"],
    summary: "Remove a member (owners remove anyone; anyone may leave)",
    description: "Their access ends with this request. A board keeps at least one owner.",
    request: { params: memberParams },
    responses: { 204: { description: "Removed" }, ...errorResponses(401, 403, 404, 422) },
  }),
  async (c) => {
    const { boardId, userId } = c.req.valid("param");
    const leaving = userId === c.var.actor.id;
    const board = await openBoard(c, boardId, leaving ? "read" : "owner");
    // Anyone may leave (a rule of the board, which checks it again); it still keeps its last owner.
    await runCommand(c, board, { type: "removeMember", userId });
    await directory(c)
      .delete(memberships)
      .where(and(eq(memberships.boardId, board.row.id), eq(memberships.userId, userId)));
    return c.body(null, 204);
  },
);
