import { z } from "zod";
import { clientCommandSchema } from "../../../src/domain/commands";
import { TASK_KEY_FIELDS } from "./taskKeys";

// The pending queue outlives the page: a command made on a train is kept until the
// board has answered it, across reloads. The engine saves the whole queue after
// every change (it is short: commands leave it as soon as the board answers) and
// reads it back once when it starts.

export const pendingCommandSchema = z.object({
  /** The idempotency key the command keeps through every resend, so the board never applies it twice. */
  opId: z.string().min(8).max(100),
  /**
   * The board seq the command is based on: what the person saw when they made it,
   * raised to the seq of each of their own earlier commands as the board acks them
   * (their own queued edits must not conflict with each other).
   */
  baseSeq: z.number().int().min(0),
  command: clientCommandSchema,
  /**
   * The fields of `command` that name a task this client created and the board has
   * not numbered yet → the opId of that createTask. The field is rewritten with the
   * real key when the board's event for the createTask arrives.
   */
  provisional: z.partialRecord(z.enum(TASK_KEY_FIELDS), z.string()),
  /** The seq of the event that holds the key `provisional` waits for, once the board acked that creation. */
  keyFrom: z.number().int().min(1).optional(),
  /** Set when the board acked the command: it stays shown until the confirmed state reaches this seq. */
  ackedAt: z.number().int().optional(),
});
export type PendingCommand = z.infer<typeof pendingCommandSchema>;

export interface PendingStore {
  /** The queue as last saved, oldest first; the engine checks every entry before using it. */
  load(): Promise<unknown[]>;
  save(queue: readonly PendingCommand[]): Promise<void>;
}

/** A store that lives as long as the page: for tests, and where nothing can be persisted. */
export function memoryPendingStore(initial: readonly PendingCommand[] = []): PendingStore & {
  readonly saved: readonly PendingCommand[];
} {
  let saved: PendingCommand[] = structuredClone([...initial]);
  return {
    get saved() {
      return saved;
    },
    load: async () => structuredClone(saved),
    save: async (queue) => {
      saved = structuredClone([...queue]);
    },
  };
}
