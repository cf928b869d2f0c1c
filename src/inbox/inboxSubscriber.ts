import type { Subscriber } from "../board/subscribers";
import type { BoardState } from "../domain/model";
import type { Notice } from "../domain/notifications";
import { noticesFor } from "../domain/notifications";

// The board's subscriber that feeds its people's inboxes: works out who hears of
// each event and hands each person's notices to their Inbox. Throwing leaves the
// cursor in place and the batch comes again; inboxes ignore what they already have.

/** Events older than this when they reach the subscriber are history (an imported log, a board catching up), not news. */
const NEWS_WINDOW_MS = 24 * 3_600_000;

export function inboxSubscriber(
  inboxes: DurableObjectNamespace<import("./Inbox").Inbox>,
  now: () => number,
): Subscriber {
  return {
    name: "inbox",
    async deliver({ events, state }) {
      const byUser = new Map<string, Notice[]>();
      for (const event of events) {
        if (Date.parse(event.at) < now() - NEWS_WINDOW_MS) continue;
        for (const [userId, notice] of noticesFor(event, state)) {
          byUser.set(userId, [...(byUser.get(userId) ?? []), notice]);
        }
      }
      await Promise.all([...byUser].map(([userId, notices]) => inboxOf(inboxes, userId).deliver(notices)));
    },
  };
}

export function inboxOf(inboxes: DurableObjectNamespace<import("./Inbox").Inbox>, userId: string) {
  return inboxes.get(inboxes.idFromName(userId));
}

/** Tells every owner of the board that one of its webhooks was switched off, and why. */
export async function notifyWebhookDisabled(
  inboxes: DurableObjectNamespace<import("./Inbox").Inbox>,
  hook: { id: string; url: string; lastError: string | null },
  state: BoardState,
  now: number,
): Promise<void> {
  const board = state.board;
  if (!board) return;
  const at = new Date(now).toISOString();
  const owners = Object.values(state.members).filter((m) => m.role === "owner");
  const notice: Notice = {
    key: `${board.id}:webhook:${hook.id}:${at}`,
    kinds: ["webhook_disabled"],
    boardId: board.id,
    boardName: board.name,
    taskKey: null,
    title: null,
    actorId: "lanes",
    actorName: "Lanes",
    seq: null,
    at,
    text: `The webhook to ${hook.url} on ${board.name} was switched off (${hook.lastError ?? "it kept failing"}). Fix the receiver and switch it back on; nothing was skipped.`,
  };
  await Promise.all(owners.map((o) => inboxOf(inboxes, o.userId).deliver([notice])));
}
