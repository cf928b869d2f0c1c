import { z } from "zod";
import type { BoardEvent } from "./events";
import type { BoardState, Task } from "./model";

// Who hears of an event in their inbox, and why. A person is told when work is
// handed to them, when they are mentioned, when something happens to a task they
// report, are assigned or watch, and when a sprint of their board starts or ends;
// never of what they did themselves. Each recipient gets the reasons that apply,
// most specific first; their inbox keeps one notification per event, of the first
// reason they have not muted.

export const NOTIFICATION_KINDS = [
  "assigned",
  "mentioned",
  "commented",
  "moved",
  "sprint_changed",
  "sprint_started",
  "sprint_completed",
  "webhook_disabled",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** What a board sends an inbox. `key` makes a repeated delivery a no-op. */
export interface Notice {
  key: string;
  kinds: NotificationKind[];
  boardId: string;
  boardName: string;
  taskKey: string | null;
  title: string | null;
  actorId: string;
  actorName: string;
  seq: number | null;
  at: string;
  text: string;
}

export function noticesFor(event: BoardEvent, state: BoardState): Map<string, Notice> {
  const out = new Map<string, Notice>();
  const board = state.board;
  if (!board) return out;
  const actorName = state.members[event.actor]?.name ?? "Someone";
  const add = (userId: string | null | undefined, kind: NotificationKind, task: Task | null, text: string) => {
    if (!userId || userId === event.actor || !state.members[userId]) return;
    const known = out.get(userId);
    if (known) {
      if (!known.kinds.includes(kind)) known.kinds.push(kind);
      return;
    }
    out.set(userId, {
      key: `${board.id}:${event.seq}`,
      kinds: [kind],
      boardId: board.id,
      boardName: board.name,
      taskKey: task?.key ?? null,
      title: task?.title ?? null,
      actorId: event.actor,
      actorName,
      seq: event.seq,
      at: event.at,
      text,
    });
  };
  const involved = (task: Task) => [task.reporterId, task.assigneeId, ...task.watchers];
  const named = (task: Task) => `${task.key} “${task.title}”`;

  switch (event.type) {
    case "task.created": {
      const task = state.tasks[event.payload.task.key];
      if (!task) break;
      add(event.payload.task.assigneeId, "assigned", task, `${actorName} assigned ${named(task)} to you`);
      for (const user of mentionedIn(event.payload.task.description, state))
        add(user, "mentioned", task, `${actorName} mentioned you in ${named(task)}`);
      break;
    }
    case "task.updated": {
      const task = state.tasks[event.payload.key];
      if (!task) break;
      const { changes, previous } = event.payload;
      if (changes.assigneeId) add(changes.assigneeId, "assigned", task, `${actorName} assigned ${named(task)} to you`);
      if (changes.description !== undefined) {
        const before = new Set(mentionedIn(previous.description ?? "", state));
        for (const user of mentionedIn(changes.description, state))
          if (!before.has(user)) add(user, "mentioned", task, `${actorName} mentioned you in ${named(task)}`);
      }
      break;
    }
    case "comment.added":
    case "comment.edited": {
      const task = state.tasks[event.payload.key];
      if (!task) break;
      const before =
        event.type === "comment.edited" ? new Set(mentionedIn(event.payload.previousBody, state)) : new Set();
      for (const user of mentionedIn(event.payload.body, state))
        if (!before.has(user)) add(user, "mentioned", task, `${actorName} mentioned you on ${named(task)}`);
      if (event.type === "comment.added")
        for (const user of involved(task)) add(user, "commented", task, `${actorName} commented on ${named(task)}`);
      break;
    }
    case "task.moved": {
      const task = state.tasks[event.payload.key];
      const column = state.columns[event.payload.toColumnId]?.name ?? event.payload.toColumnId;
      if (task)
        for (const user of involved(task)) add(user, "moved", task, `${actorName} moved ${named(task)} to ${column}`);
      break;
    }
    case "sprint.tasksAdded":
    case "sprint.tasksRemoved": {
      const sprint = state.sprints[event.payload.sprintId]?.name ?? "a sprint";
      const added = event.type === "sprint.tasksAdded";
      const keys = added ? event.payload.moves.map((m) => m.key) : event.payload.keys;
      for (const key of keys) {
        const task = state.tasks[key];
        const text = `${actorName} ${added ? "added" : "removed"} ${task ? named(task) : key} ${added ? "to" : "from"} ${sprint}`;
        if (task) for (const user of involved(task)) add(user, "sprint_changed", task, text);
      }
      break;
    }
    case "sprint.started":
    case "sprint.completed": {
      const sprint = state.sprints[event.payload.sprintId]?.name ?? "A sprint";
      const started = event.type === "sprint.started";
      for (const userId of Object.keys(state.members))
        add(
          userId,
          started ? "sprint_started" : "sprint_completed",
          null,
          `${actorName} ${started ? "started" : "completed"} ${sprint} on ${board.name}`,
        );
      break;
    }
    default:
      break;
  }
  return out;
}

/**
 * The members an `@name` in `text` points at: after @ (any case), a member's full
 * name, the name without spaces, or the first name when no other member shares it;
 * not followed by a letter or digit. The longest handle wins ("@Ann Lee" over "@Ann").
 */
export function mentionedIn(text: string, state: BoardState): string[] {
  if (!text.includes("@")) return [];
  const handles = mentionHandles(state);
  const found = new Set<string>();
  const lower = text.toLowerCase();
  for (let at = lower.indexOf("@"); at !== -1; at = lower.indexOf("@", at + 1)) {
    if (at > 0 && /[\p{L}\p{N}._-]/u.test(lower[at - 1] ?? "")) continue; // an email address, not a mention
    const hit = handles.find(
      ([handle]) => lower.startsWith(handle, at + 1) && !/[\p{L}\p{N}]/u.test(lower[at + 1 + handle.length] ?? ""),
    );
    if (hit) found.add(hit[1]);
  }
  return [...found];
}

/** Every way to mention each member, longest first, as [lower-case handle, userId]. */
function mentionHandles(state: BoardState): [string, string][] {
  const members = Object.values(state.members).filter((m) => m.name.trim() !== "");
  const firstNames = new Map<string, number>();
  const first = (name: string) => name.trim().toLowerCase().split(/\s+/)[0] ?? "";
  for (const m of members) firstNames.set(first(m.name), (firstNames.get(first(m.name)) ?? 0) + 1);
  const handles: [string, string][] = [];
  for (const m of members) {
    const name = m.name.trim().toLowerCase();
    handles.push([name, m.userId], [name.replace(/\s+/g, ""), m.userId]);
    if (firstNames.get(first(m.name)) === 1) handles.push([first(m.name), m.userId]);
  }
  return handles.sort((a, b) => b[0].length - a[0].length);
}

// ---- the inbox's live connection -------------------------------------------

export const INBOX_PROTOCOL_VERSION = 1;

export const inboxClientMessage = z.discriminatedUnion("type", [
  /** `since`: the id of the newest notification the client has; it gets every later one. */
  z.strictObject({ type: z.literal("hello"), protocol: z.number().int(), since: z.number().int().min(0) }),
]);
export type InboxClientMessage = z.infer<typeof inboxClientMessage>;

/** A notice as a person's inbox keeps it: numbered, of the one kind it was filed under, read or not. */
export type InboxNotification = Omit<Notice, "key" | "kinds"> & {
  id: number;
  kind: NotificationKind;
  readAt: string | null;
};

export type InboxServerMessage =
  | { type: "notifications"; notifications: InboxNotification[]; unread: number }
  | { type: "unread"; unread: number }
  | { type: "error"; code: string; message: string };
