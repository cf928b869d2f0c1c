import { earlyQueueDatabase } from "../boot";
import type { PendingCommand, PendingStore } from "./pendingStore";

// The pending queue in the browser's IndexedDB: one record per board holding the
// whole queue, so a save is one put and the queue is never half-written. (The queue
// is short: a command leaves it as soon as the board answers.)

// The page's first script (bootScript.ts) opens this database early: keep the two in step.
const DATABASE = "lanes-sync";
const STORE = "pending";

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function settle<T>(request: IDBRequest<T>, transaction: IDBTransaction): Promise<T> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve(request.result);
    transaction.onerror = () => reject(transaction.error ?? request.error);
    transaction.onabort = () => reject(transaction.error ?? new Error("The save was aborted."));
  });
}

/** The pending queue of one board for the signed-in person (`scope` keeps two people on one browser apart). */
export function indexedDbPendingStore(boardId: string, scope: string): PendingStore {
  const key = `${scope}:${boardId}`;
  let database: Promise<IDBDatabase> | null = null;
  const db = () => {
    database ??= earlyQueueDatabase()?.catch(open) ?? open();
    return database;
  };
  return {
    async load() {
      const transaction = (await db()).transaction(STORE, "readonly");
      const value: unknown = await settle(transaction.objectStore(STORE).get(key), transaction);
      return Array.isArray(value) ? value : [];
    },
    async save(queue: readonly PendingCommand[]) {
      const transaction = (await db()).transaction(STORE, "readwrite");
      await settle(transaction.objectStore(STORE).put(queue, key), transaction);
    },
  };
}
