import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import type { BoardRow } from "../db/schema";
import {
  type BoardLog,
  BoardLogError,
  boardLogFileName,
  boardLogHeader,
  boardLogLine,
  readBoardLog,
  rebrandLog,
} from "../domain/boardLog";
import { boardKeySchema, boardNameSchema } from "../domain/commands";
import { boardView, openBoard } from "./boardAccess";
import { claimBoard, newBoardId } from "./boards";
import { ApiError, errorSchema } from "./errors";
import { errorResponses, jsonContent, newRouter, type RoutesOf } from "./openapi";
import { boardParams, boardSchema } from "./schemas";

// A board in and out as its event log (NDJSON, src/domain/boardLog.ts): export
// streams the log page by page; import reads a whole file, checks every line, and
// replays it into a new board, or creates nothing.

export const transferRoutes = newRouter();
/** These routes as the web app's typed client sees them (see RoutesOf). */
export type TransferRoutes = RoutesOf<typeof exportRoute | typeof importRoute>;

/** Where the import is served, below /api/v1: app.ts gives this one route a larger body limit. */
export const IMPORT_PATH = "/boards/import";

/**
 * The largest log one import takes. Not more: the Worker holds the file and its
 * parsed events in memory (128 MB per isolate), and the events cross to the board
 * in one RPC call (capped at 32 MiB) so they are appended in one transaction.
 */
export const MAX_IMPORT_BYTES = 16 * 1024 * 1024;

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
    description: `The body is a file from \`GET /boards/{boardId}/export\` (at most ${MAX_IMPORT_BYTES / 1024 / 1024} MiB). Every line is checked before anything is created: the first bad line answers 422 \`invalid_log\` with its number in \`details.line\`. The new board gets a new id and keeps every event as it was recorded (seq, opId, author, time). \`key\` gives it another task-key prefix (WEB-12 becomes NEW-12 everywhere in the log); without it the log's own key is used, and must be free. You own the new board: if the log does not say so, a \`member.added\` (or \`member.roleChanged\`) by you is appended, and a \`board.renamed\` when \`name\` differs from the log's last name. Access is not carried over: the log's other members are removed from the new board (one \`member.removed\` by you each); add the people again.`,
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
      413: { content: { "application/json": { schema: errorSchema } }, description: "Log larger than 16 MiB" },
      ...errorResponses(400, 401, 409, 422),
    },
  }),
  async (c) => {
    const options = c.req.valid("query");
    const log = readLog(decodeLog(new Uint8Array(await c.req.arrayBuffer())));
    const board = log.state.board;
    if (!board) throw new Error("a read log always holds its board");

    const id = newBoardId();
    const at = new Date().toISOString();
    const events = rebrandLog(
      log,
      { boardId: id, key: options.key, name: options.name },
      { opId: crypto.randomUUID(), actor: c.var.actor.id, actorName: c.var.actor.name, at },
    );
    // The directory shows the board as the board itself does: created when and by whom the log says.
    const row: BoardRow = {
      id,
      name: options.name ?? board.name,
      key: options.key ?? board.key,
      mode: board.mode,
      createdAt: board.createdAt,
      createdBy: board.createdBy,
      deletedAt: null,
    };
    try {
      // claimBoard makes the importer the owner in the directory; the log now says the same.
      const { seq } = await claimBoard(c, row, (room) => room.importLog(events));
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

/** The file as text; a byte that is not UTF-8 is refused with its line rather than imported as U+FFFD. */
function decodeLog(bytes: Uint8Array): string {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  try {
    return decoder.decode(bytes);
  } catch {
    let line = 1;
    for (let start = 0; start < bytes.length; line++) {
      const newline = bytes.indexOf(0x0a, start);
      const end = newline < 0 ? bytes.length : newline;
      try {
        decoder.decode(bytes.subarray(start, end));
      } catch {
        break;
      }
      start = end + 1;
    }
    throw invalidLog(
      new BoardLogError(line, "this line is not UTF-8 text; export the board again and upload the file unchanged."),
    );
  }
}

function readLog(text: string): BoardLog {
  try {
    return readBoardLog(text, { requireHeader: true, requireLiveBoard: true });
  } catch (error) {
    if (!(error instanceof BoardLogError)) throw error;
    throw invalidLog(error);
  }
}

function invalidLog(error: BoardLogError): ApiError {
  return new ApiError(422, "invalid_log", `${error.message} Nothing was imported.`, { line: error.line });
}
