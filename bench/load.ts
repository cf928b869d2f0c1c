/// <reference types="node" />
import { Agent, type IncomingHttpHeaders, type OutgoingHttpHeaders, request } from "node:http";
import { performance } from "node:perf_hooks";

// The load generator: plain HTTP/1.1 over keep-alive sockets (node:http is lighter
// than fetch, so less of the shared CPU goes to the client), closed-loop clients,
// every run bounded by a count and a time.

export interface Answer {
  status: number;
  text: string;
  headers: IncomingHttpHeaders;
}

export class HttpClient {
  readonly #agent: Agent;
  readonly #url: URL;
  readonly #headers: OutgoingHttpHeaders;

  /** `headers` go with every request (the API token). */
  constructor(base: string, sockets: number, headers: OutgoingHttpHeaders = {}) {
    this.#headers = headers;
    this.#url = new URL(base);
    if (!["127.0.0.1", "localhost", "[::1]"].includes(this.#url.hostname)) {
      throw new Error(`the benchmark talks to loopback only, not ${this.#url.hostname}`);
    }
    this.#agent = new Agent({ keepAlive: true, maxSockets: sockets });
  }

  send(method: string, path: string, body?: string): Promise<Answer> {
    return new Promise((done, fail) => {
      const req = request(
        {
          agent: this.#agent,
          hostname: this.#url.hostname,
          port: this.#url.port,
          method,
          path,
          headers: {
            ...this.#headers,
            ...(body === undefined
              ? {}
              : { "content-type": "application/json", "content-length": Buffer.byteLength(body) }),
          },
          timeout: 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () =>
            done({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), headers: res.headers }),
          );
          res.on("error", fail);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on("error", fail);
      req.end(body);
    });
  }

  /** Sends and parses JSON; anything but the expected status is an error with the answer in it. */
  async json<T>(method: string, path: string, body?: unknown, expect = 200): Promise<T> {
    const answer = await this.send(method, path, body === undefined ? undefined : JSON.stringify(body));
    if (answer.status !== expect) throw new Error(`${method} ${path} answered ${answer.status}: ${answer.text}`);
    return (answer.text ? JSON.parse(answer.text) : null) as T;
  }

  close(): void {
    this.#agent.destroy();
  }
}

export interface Run {
  done: number;
  failed: number;
  seconds: number;
  /** Milliseconds per operation, successful ones only. */
  latencies: number[];
  firstError: string | null;
}

/**
 * `clients` loops, each sending its next operation as soon as the previous one is
 * answered, until `count` operations were issued or `seconds` have passed.
 */
export async function closedLoop(
  clients: number,
  limit: { count: number; seconds: number },
  operation: (client: number) => Promise<void>,
): Promise<Run> {
  const run: Run = { done: 0, failed: 0, seconds: 0, latencies: [], firstError: null };
  let issued = 0;
  const start = performance.now();
  const deadline = start + limit.seconds * 1000;
  const loop = async (client: number) => {
    while (issued < limit.count && performance.now() < deadline) {
      issued++;
      const t0 = performance.now();
      try {
        await operation(client);
        run.latencies.push(performance.now() - t0);
        run.done++;
      } catch (error) {
        run.failed++;
        run.firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, client) => loop(client)));
  run.seconds = (performance.now() - start) / 1000;
  return run;
}

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
