import type { BoardEvent } from "../domain/events";
import type { Board } from "../domain/model";
import type { TaskView } from "../domain/views";
import { PING_EVENT } from "./policy";

// What a receiver gets: a Standard Webhooks envelope `{type, timestamp, data}`.
// `data.event` is the board's event as its log holds it; `data.task` is the task it
// concerns as it was right after the event (null for events about no task).

export interface BoardRef {
  id: string;
  key: string;
  name: string;
}

export interface EventEnvelope {
  type: string;
  timestamp: string;
  data: {
    board: BoardRef;
    event: { seq: number; type: string; actor: string; at: string; payload: unknown };
    task: TaskView | null;
  };
}

export function boardRef(board: Board): BoardRef {
  return { id: board.id, key: board.key, name: board.name };
}

export function eventEnvelope(board: BoardRef, event: BoardEvent, task: TaskView | null): EventEnvelope {
  return {
    type: event.type,
    timestamp: event.at,
    data: {
      board,
      event: { seq: event.seq, type: event.type, actor: event.actor, at: event.at, payload: event.payload },
      task,
    },
  };
}

export function pingEnvelope(board: BoardRef, webhookId: string, at: Date) {
  return { type: PING_EVENT, timestamp: at.toISOString(), data: { board, webhookId } };
}

/**
 * The `webhook-id` of an event's delivery to a subscription: the same on every retry
 * and redelivery, so a receiver that has seen it can drop the repeat.
 */
export function messageId(webhookId: string, seq: number): string {
  return `msg_${webhookId.replace(/^whk_/, "")}_${seq}`;
}

/** The event a subscription's task payload is about, if any. */
export function taskKeyOf(event: BoardEvent): string | null {
  if (event.type === "task.created") return event.payload.task.key;
  return "key" in event.payload ? event.payload.key : null;
}
