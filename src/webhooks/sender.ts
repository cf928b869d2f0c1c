import type { SignedHeaders } from "./signing";

// One HTTP attempt at a receiver. Bounded in time (the whole exchange, body
// included) and never following a redirect: a 3xx is an answer, and a failed one,
// so a receiver cannot bounce our request to an address the URL guard refused.

export interface Sent {
  status: number | null;
  retryAfter: string | null;
  latencyMs: number;
  /** The first 1 KiB of the answer, as text. */
  response: string;
  /** Why no HTTP answer came, in words. */
  error: string | null;
}

const RESPONSE_BYTES_KEPT = 1024;

export async function sendDelivery(
  url: string,
  headers: SignedHeaders,
  body: string,
  timeoutMs: number,
  clock: () => number,
): Promise<Sent> {
  const started = clock();
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(url, {
      method: "POST",
      redirect: "manual",
      signal,
      headers: { "content-type": "application/json", "user-agent": "Lanes-Webhooks/1", ...headers },
      body,
    });
    const response = await firstBytes(res);
    return {
      status: res.status,
      retryAfter: res.headers.get("retry-after"),
      latencyMs: clock() - started,
      response,
      error: null,
    };
  } catch (error) {
    const timedOut = signal.aborted;
    return {
      status: null,
      retryAfter: null,
      latencyMs: clock() - started,
      response: "",
      error: timedOut
        ? `No answer within ${timeoutMs / 1000} s.`
        : `Could not connect: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

async function firstBytes(res: Response): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < RESPONSE_BYTES_KEPT) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => {});
  const all = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.byteLength;
  }
  return new TextDecoder().decode(all.slice(0, RESPONSE_BYTES_KEPT));
}
