/// <reference types="node" />

import { createServer, type ServerResponse } from "node:http";
import { closedLoop, type HttpClient, type Run } from "./load";

// Does a dead webhook endpoint slow the board? Two boards side by side on the same
// server: one with a webhook to a receiver that accepts the connection and never
// answers (the board's delivery waits out its 15 s timeout, then retries), one
// without. Moves go to both in alternating slices, so the figures share the machine.

const COLUMNS = ["todo", "in_progress", "done"] as const;

export interface DeadEndpointFigures {
  withHook: Run;
  without: Run;
}

/** A loopback server that reads each request and never answers it. */
async function deadReceiver(): Promise<{ url: string; close: () => Promise<void> }> {
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    req.resume();
    hanging.add(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the dead receiver has no port");
  return {
    url: `http://127.0.0.1:${address.port}/hooks/dead`,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function boardWithTask(client: HttpClient, name: string, key: string): Promise<{ path: string; task: string }> {
  const { board } = await client.json<{ board: { id: string } }>("POST", "/api/v1/boards", { name, key }, 201);
  const path = `/api/v1/boards/${board.id}`;
  const { task } = await client.json<{ task: { key: string } }>("POST", `${path}/tasks`, { title: "Moved" }, 201);
  return { path, task: task.key };
}

export async function measureDeadEndpoint(
  client: HttpClient,
  keyPrefix: string,
  plan: { rounds: number; moves: number; seconds: number },
): Promise<DeadEndpointFigures> {
  const receiver = await deadReceiver();
  try {
    const hooked = await boardWithTask(client, "Benchmark, dead webhook", `${keyPrefix}H`);
    const plain = await boardWithTask(client, "Benchmark, no webhook", `${keyPrefix}P`);
    await client.json("POST", `${hooked.path}/webhooks`, { url: receiver.url, events: ["*"] }, 201);
    const mover = (board: { path: string; task: string }) => {
      let at = 0;
      return async () => {
        at = (at + 1) % COLUMNS.length;
        const answer = await client.send(
          "POST",
          `${board.path}/tasks/${board.task}/move`,
          JSON.stringify({ columnId: COLUMNS[at] }),
        );
        if (answer.status !== 200) throw new Error(`move answered ${answer.status}: ${answer.text}`);
      };
    };
    const [moveHooked, movePlain] = [mover(hooked), mover(plain)];
    const figures: DeadEndpointFigures = { withHook: emptyRun(), without: emptyRun() };
    for (let round = 1; round <= plan.rounds; round++) {
      const limit = { count: plan.moves, seconds: plan.seconds };
      const order = round % 2 === 1 ? (["withHook", "without"] as const) : (["without", "withHook"] as const);
      for (const side of order)
        add(figures[side], await closedLoop(1, limit, side === "withHook" ? moveHooked : movePlain));
    }
    await client.json("DELETE", hooked.path, undefined, 204);
    await client.json("DELETE", plain.path, undefined, 204);
    return figures;
  } finally {
    await receiver.close();
  }
}

function emptyRun(): Run {
  return { done: 0, failed: 0, seconds: 0, latencies: [], firstError: null };
}

function add(into: Run, run: Run): void {
  into.done += run.done;
  into.failed += run.failed;
  into.seconds += run.seconds;
  into.latencies.push(...run.latencies);
  into.firstError ??= run.firstError;
}
