import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { TestProject } from "vitest/node";

// A real webhook receiver for the Worker tests: a Node HTTP server on loopback
// that the board's deliveries reach over the network, as an integrator's would.
// Each test uses endpoints of its own (`/hooks/<name>`) and tells the server how
// to answer them, one planned answer per request, then 200 once the plan is used up:
//   POST /control/<name>/plan     [{status, retryAfter?, location?, body?} | {hang: true} | {hold: true}]
//   GET  /control/<name>/requests every request received: headers, body, the answer given
//   GET  /control/<name>/held     how many held requests wait for a release
//   POST /control/<name>/release  answers every held request 200

export type Answer =
  | { status: number; retryAfter?: string; location?: string; body?: string }
  | { hang: true }
  | { hold: true };

export interface Received {
  headers: Record<string, string>;
  body: string;
  answer: Answer;
}

declare module "vitest" {
  export interface ProvidedContext {
    webhookReceiver: string;
  }
}

export default async function setup(project: TestProject) {
  const plans = new Map<string, Answer[]>();
  const received = new Map<string, Received[]>();
  const held = new Map<string, ServerResponse[]>();
  const open = new Set<ServerResponse>();

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const body = await new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    });
    const [, area, name = "", action] = (req.url ?? "").split("/");
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
    };
    if (area === "control") {
      if (action === "plan") {
        plans.set(name, JSON.parse(body) as Answer[]);
        return json(200, { ok: true });
      }
      if (action === "requests") return json(200, received.get(name) ?? []);
      if (action === "held") return json(200, { held: (held.get(name) ?? []).length });
      if (action === "release") {
        for (const r of held.get(name) ?? []) r.writeHead(200).end("released");
        held.set(name, []);
        return json(200, { ok: true });
      }
      return json(404, { error: "unknown control" });
    }
    const answer = plans.get(name)?.shift() ?? { status: 200, body: "ok" };
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]),
    );
    received.set(name, [...(received.get(name) ?? []), { headers, body, answer }]);
    if ("hang" in answer) {
      open.add(res);
      return;
    }
    if ("hold" in answer) {
      held.set(name, [...(held.get(name) ?? []), res]);
      return;
    }
    res.writeHead(answer.status, {
      ...(answer.retryAfter ? { "retry-after": answer.retryAfter } : {}),
      ...(answer.location ? { location: answer.location } : {}),
    });
    res.end(answer.body ?? "");
  });

  const port = Number(process.env.WEBHOOK_RECEIVER_PORT ?? 0);
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the webhook receiver has no port");
  project.provide("webhookReceiver", `http://127.0.0.1:${address.port}`);

  return async () => {
    for (const r of open) r.destroy();
    for (const list of held.values()) for (const r of list) r.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}
