import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import type { BoardRow } from "../db/schema";
import {
  BoardLogError,
  BoardLogReader,
  boardLogFileName,
  boardLogHeader,
  boardLogLine,
  rebrander,
} from "../domain/boardLog";
import { boardKeySchema, boardNameSchema } from "../domain/commands";
import type { StoredEvent } from "../domain/events";
import { boardView, openBoard } from "./boardAccess";
import { claimBoard, newBoardId } from "./boards";
import { ApiError, errorSchema } from "./errors";
import { errorResponses, jsonContent, newRouter, type RoutesOf } from "./openapi";
import { boardParams, boardSchema } from "./schemas";

// A board in and out as its event log (NDJSON, src/domain/boardLog.ts): export
// streams the log page by page; import streams the file in, checks every line and
// replays it into a new board a page at a time, or leaves nothing behind.

export const transferRoutes = newRouter();
/** These routes as the web app's typed client sees them (see RoutesOf). */
export type TransferRoutes = RoutesOf<typeof exportRoute | typeof importRoute>;

/** Where the import is served, below /api/v1: app.ts gives this one route a larger body limit. */
export const IMPORT_PATH = "/boards/import";

/**
 * The largest log one import takes. The file streams through the Worker a line at a
 * time and reaches the board a page at a time, so neither holds it whole; the cap
 * stays under the 100 MB Cloudflare takes as a request body on every plan.
 */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/**
 * Events per page of an import: one RPC call to the board and one transaction
 * there. RPC carries at most 32 MiB; a page also ends at IMPORT_PAGE_BYTES of lines.
 */
const IMPORT_PAGE_EVENTS = 5_000;
const IMPORT_PAGE_BYTES = 8 * 1024 * 1024;

/** Events per RPC call while exporting: the page size of GET …/events. */
const EXPORT_PAGE = 1000;

// Typed as string on purpose: @hono/zod-openapi reads "application/x-ndjson" as a
// JSON media type (it matches application/…json) and would then refuse a streamed body.
const NDJSON: string = "application/x-ndjson";

export function importTooLarge(): ApiError {
  return new ApiError(
    413,
    "payload_too_large",
    `The board log is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MiB, the most one import takes.`,
  );
}

const exportRoute = transferRoutes.openapi(
  createRoute({
    method: "get",
    path: "/boards/{boardId}/export",
    tags: ["Log"],
    summary: "Download the board as its event log (NDJSON)",
    description:
      'The first line is a header, `{"format":"lanes-board-log","version":1,"board":{id,name,key,mode},"seq":N,"exportedAt":…}`; then one stored event per line, `{seq, opId, actor, at, type, v, payload}`, from seq 1 to N. Events appended while the download runs are not included. `POST /boards/import` turns the file back into a board; `npm run replay` folds it on your machine.',
    request: { params: boardParams },
    responses: {
      200: {
        content: { [NDJSON]: { schema: z.string().meta({ description: "A header line, then one event per line" }) } },
        description: "The log, streamed; Content-Disposition names the file <KEY>-<date>.ndjson",
      },
      ...errorResponses(401, 404),
    },
  }),
  async (c) => {
    // Whoever may read the board may read its log (GET …/events): viewers export too.
    const { row, room } = await openBoard(c, c.req.valid("param").boardId, "read");
    // The log is append-only: everything up to this seq is fixed, whatever happens during the download.
    const { seq } = await room.events(0, 0);
    const exportedAt = new Date().toISOString();
    const header = boardLogHeader(row, seq, exportedAt);
    const encoder = new TextEncoder();
    let after = 0;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(boardLogLine(header)));
      },
      // One page per pull: the stream asks for more only as fast as the client reads.
      async pull(controller) {
        const page = after < seq ? await room.events(after, Math.min(EXPORT_PAGE, seq - after)) : null;
        const last = page?.events.at(-1);
        if (!page || !last) {
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(page.events.map(boardLogLine).join("")));
        after = last.seq;
      },
    });
    return c.body(body, 200, {
      "Content-Type": NDJSON,
      "Content-Disposition": `attachment; filename="${boardLogFileName(row.key, exportedAt)}"`,
      "Cache-Control": "private, no-store",
    });
  },
);

const importRoute = transferRoutes.openapi(
  createRoute({
    method: "post",
    path: IMPORT_PATH,
    tags: ["Log"],
    summary: "Create a new board by replaying an exported log",
    description: `The body is a file from \`GET /boards/{boardId}/export\` (at most ${MAX_IMPORT_BYTES / 1024 / 1024} MiB). Every line is checked as the file streams in, and the board is made a page at a time: the first bad line answers 422 \`invalid_log\` with its number in \`details.line\`, and the board begun is given up, leaving nothing behind. The new board gets a new id and keeps every event as it was recorded (seq, opId, author, time). \`key\` gives it another task-key prefix (WEB-12 becomes NEW-12 everywhere in the log); without it the log's own key is used, and must be free. You own the new board: if the log does not say so, a \`member.added\` (or \`member.roleChanged\`) by you is appended, and a \`board.renamed\` when \`name\` differs from the log's last name. Access is not carried over: the log's other members are removed from the new board (one \`member.removed\` by you each); add the people again.`,
    request: {
      query: z.strictObject({
        key: boardKeySchema
          .optional()
          .meta({ description: "A new key for the board; required when its own is taken." }),
        name: boardNameSchema.optional().meta({ description: "A new name for the board." }),
      }),
      body: {
        content: { [NDJSON]: { schema: z.string().meta({ description: "The exported log, unchanged" }) } },
        required: true,
      },
    },
    responses: {
      201: jsonContent(
        z.object({ board: boardSchema, seq: z.number().int().meta({ description: "The new board's last seq." }) }),
        "The new board",
      ),
      413: { content: { "application/json": { schema: errorSchema } }, description: "Log larger than 64 MiB" },
      ...errorResponses(400, 401, 409, 422),
    },
  }),
  async (c) => {
    const options = c.req.valid("query");
    if (Number(c.req.header("content-length")) > MAX_IMPORT_BYTES) throw importTooLarge();
    const stamp = {
      opId: crypto.randomUUID(),
      actor: c.var.actor.id,
      actorName: c.var.actor.name,
      at: new Date().toISOString(),
    };
    const reader = new BoardLogReader({ requireHeader: true, requireLiveBoard: true });
    const lines = logLines(c.req.raw.body)[Symbol.asyncIterator]();
    /** The next event of the file, checked and folded; null after the last line. */
    const next = async (): Promise<{ event: StoredEvent; bytes: number } | null> => {
      for (;;) {
        const { value, done } = await lines.next();
        if (done) return null;
        const event = readLine(() => reader.line(value.text, () => value.last));
        if (event) return { event, bytes: value.text.length };
      }
    };

    // The header and board.created name the board; nothing is made before they are read.
    const created = await next();
    const header = reader.header;
    if (!created || !header || created.event.type !== "board.created") {
      readLine(() => reader.finish());
      throw new Error("a log's first event is always board.created, after its header");
    }
    const origin = created.event.payload as { key: string; name: string; mode: BoardRow["mode"] };
    const id = newBoardId();
    const row: BoardRow = {
      id,
      name: options.name ?? header.board.name,
      key: options.key ?? origin.key,
      mode: origin.mode,
      createdAt: created.event.at,
      createdBy: created.event.actor,
      deletedAt: null,
    };
    // Whether the log renames the board, from its header (its last name) before the log says so.
    const rebrand = rebrander(
      origin.key,
      header.board.name !== origin.name,
      { boardId: id, key: options.key, name: options.name },
      stamp,
    );
    const pageEvents = Number(c.env.LANES_IMPORT_PAGE_EVENTS) || IMPORT_PAGE_EVENTS;
    try {
      // claimBoard makes the importer the owner in the directory; the log says the same at its end.
      const { seq } = await claimBoard(c, row, async (room) => {
        let page: StoredEvent[] = [];
        let bytes = 0;
        let first = true;
        let renamed = false;
        const send = async (last: boolean) => {
          const result = await room.importLog(page, { first, last });
          first = false;
          page = [];
          bytes = 0;
          return result;
        };
        try {
          for (let read: typeof created | null = created; read; read = await next()) {
            renamed ||= read.event.type === "board.renamed";
            page.push(rebrand.event(read.event));
            bytes += read.bytes;
            if (page.length >= pageEvents || bytes >= IMPORT_PAGE_BYTES) await send(false);
          }
          readLine(() => reader.finish());
          page.push(...rebrand.closing(reader.state, renamed));
          return await send(true);
        } catch (error) {
          // A bad line after the first pages: the board they began is given up, as if never started.
          if (!first) await room.discardImport();
          throw error;
        }
      });
      row.name = options.name ?? reader.state.board?.name ?? row.name;
      return c.json({ board: boardView(row), seq }, 201);
    } catch (error) {
      if (error instanceof ApiError && error.code === "board_key_taken") {
        throw new ApiError(
          409,
          "board_key_taken",
          `The key ${row.key} is already used by another board; import with ?key=NEW to give this board another key (its tasks are renamed to NEW-1, NEW-2…).`,
        );
      }
      throw error;
    }
  },
);

/**
 * The request body's lines as text, without their line breaks, each with whether it
 * is the file's last line with anything on it (a line that is not JSON there means a
 * file cut short). Split on the newline byte, which UTF-8 never uses inside a
 * character, and decoded line by line, so a byte that is not UTF-8 is refused with
 * its line rather than imported as U+FFFD. Past MAX_IMPORT_BYTES it answers 413.
 */
async function* logLines(body: ReadableStream<Uint8Array> | null): AsyncGenerator<{ text: string; last: boolean }> {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  let number = 0;
  const decode = (parts: Uint8Array[]): string => {
    number += 1;
    const bytes = parts.length === 1 ? (parts[0] as Uint8Array) : concat(parts);
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      throw invalidLog(
        new BoardLogError(number, "this line is not UTF-8 text; export the board again and upload the file unchanged."),
      );
    }
    // Files edited on Windows end their lines with \r\n.
    return text.endsWith("\r") ? text.slice(0, -1) : text;
  };
  // A line with something on it waits until the next such line (or the end) says whether it was the last.
  let waiting: string | null = null;
  let blanks: string[] = [];
  function* take(text: string): Generator<{ text: string; last: boolean }> {
    if (text.trim() === "") {
      if (waiting === null) yield { text, last: false };
      else blanks.push(text);
      return;
    }
    if (waiting !== null) {
      yield { text: waiting, last: false };
      for (const blank of blanks) yield { text: blank, last: false };
      blanks = [];
    }
    waiting = text;
  }

  let carry: Uint8Array[] = [];
  let total = 0;
  const source = body?.getReader();
  for (;;) {
    const chunk = source ? await source.read() : { done: true as const, value: undefined };
    if (chunk.done) break;
    total += chunk.value.length;
    if (total > MAX_IMPORT_BYTES) throw importTooLarge();
    let start = 0;
    for (let end = chunk.value.indexOf(0x0a); end >= 0; end = chunk.value.indexOf(0x0a, start)) {
      carry.push(chunk.value.subarray(start, end));
      yield* take(decode(carry));
      carry = [];
      start = end + 1;
    }
    if (start < chunk.value.length) carry.push(chunk.value.subarray(start));
  }
  if (carry.length > 0) yield* take(decode(carry));
  if (waiting !== null) yield { text: waiting, last: true };
  for (const blank of blanks) yield { text: blank, last: false };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Runs a step of reading the log, turning the first thing wrong into 422 invalid_log. */
function readLine<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (!(error instanceof BoardLogError)) throw error;
    throw invalidLog(error);
  }
}

function invalidLog(error: BoardLogError): ApiError {
  return new ApiError(422, "invalid_log", `${error.message} Nothing was imported.`, { line: error.line });
}
