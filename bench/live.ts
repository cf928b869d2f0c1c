/// <reference types="node" />
import { performance } from "node:perf_hooks";
import { PROTOCOL_VERSION } from "../src/domain/protocol";
import { sleep } from "./processes";

// The live connection under load: Node's own WebSocket client against a board's
// `…/ws` and, in the same run, against the bare relay (bench/bare: append raw,
// ack, broadcast). Every phase is bounded by a count and a time, talks to loopback
// only, and closes every socket it opened.

export interface LivePlan {
  acks: number;
  /** Commands timed at each watcher count. */
  fanout: Record<(typeof WATCHERS)[number], number>;
  throughputSeconds: number;
  senders: number;
  /** Moves made while the watchers are away, for the reconnect to catch up on. */
  missed: number;
}

export const WATCHERS = [10, 100, 1000] as const;
const CONNECT_AT_ONCE = 50;
const PHASE_BOUND_MS = 60_000;

/** What differs between Lanes and the bare relay: where to connect, what to say. */
export interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
  hello(since: number): string;
  /** The n-th command of `sender`, based on `baseSeq`. */
  command(sender: number, n: number, baseSeq: number): string;
}

export interface LiveSide {
  ack: number[];
  fanout: Record<number, number[]>;
  movesPerSecond: number;
  throughputWatchers: number;
  /** Milliseconds from opening 1,000 sockets at once until every one has caught up. */
  reconnectMs: number;
  reconnected: number;
  failures: string[];
}

interface Peer {
  socket: WebSocket;
  seq: number;
  /** Resolves on the next message of this type. */
  next(type: string): Promise<Record<string, unknown>>;
}

function isLoopback(url: string): boolean {
  return ["127.0.0.1", "localhost", "[::1]"].includes(new URL(url).hostname);
}

/** Opens a socket; `onEvent` hears every broadcast event; `onCatchUp` the answer to hello. */
function open(target: Target, onEvent: () => void, onCatchUp?: () => void): Promise<Peer> {
  if (!isLoopback(target.url)) throw new Error(`the benchmark talks to loopback only, not ${target.url}`);
  return new Promise((resolve, reject) => {
    // Node's WebSocket takes headers (the API token) as an extension of the standard options.
    const socket = new WebSocket(target.url, { headers: target.headers } as unknown as string[]);
    const waiting = new Map<string, (m: Record<string, unknown>) => void>();
    const peer: Peer = {
      socket,
      seq: 0,
      next: (type) => new Promise((done) => waiting.set(type, done)),
    };
    socket.addEventListener("message", (e: MessageEvent) => {
      const message = JSON.parse(String(e.data)) as Record<string, unknown>;
      if (typeof message.seq === "number") peer.seq = Math.max(peer.seq, message.seq);
      const event = message.event as { seq?: number } | undefined;
      if (typeof event?.seq === "number") peer.seq = Math.max(peer.seq, event.seq);
      if (message.type === "event") onEvent();
      if (message.type === "events" || message.type === "snapshot") onCatchUp?.();
      const wanted = waiting.get(String(message.type));
      if (wanted) {
        waiting.delete(String(message.type));
        wanted(message);
      }
    });
    socket.addEventListener("open", () => resolve(peer));
    socket.addEventListener("error", () => reject(new Error(`${target.name}: could not open ${target.url}`)));
  });
}

async function openMany(target: Target, count: number, onEvent: () => void, since: number): Promise<Peer[]> {
  const peers: Peer[] = [];
  for (let i = 0; i < count; i += CONNECT_AT_ONCE) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(CONNECT_AT_ONCE, count - i) }, async () => {
        const peer = await open(target, onEvent);
        const caughtUp = Promise.race([peer.next("events"), peer.next("snapshot")]);
        peer.socket.send(target.hello(since));
        await caughtUp;
        return peer;
      }),
    );
    peers.push(...batch);
  }
  return peers;
}

function closeAll(peers: readonly Peer[]): void {
  for (const peer of peers) peer.socket.close(1000, "benchmark done");
}

function within<T>(work: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    work,
    sleep(PHASE_BOUND_MS).then(() => {
      throw new Error(`${what} took longer than ${PHASE_BOUND_MS / 1000} s`);
    }),
  ]);
}

export async function measureLive(target: Target, plan: LivePlan, progress: (line: string) => void): Promise<LiveSide> {
  const side: LiveSide = {
    ack: [],
    fanout: {},
    movesPerSecond: Number.NaN,
    throughputWatchers: 0,
    reconnectMs: Number.NaN,
    reconnected: 0,
    failures: [],
  };
  let received = 0;
  const counted = () => {
    received++;
    wake?.();
  };
  let wake: (() => void) | null = null;
  const until = (target: number) =>
    new Promise<void>((done) => {
      if (received >= target) return done();
      wake = () => {
        if (received < target) return;
        wake = null;
        done();
      };
    });

  const sender = await open(target, () => {});
  const senderReady = Promise.race([sender.next("events"), sender.next("snapshot")]);
  sender.socket.send(target.hello(0));
  await senderReady;
  let n = 0;
  const command = async () => {
    const acked = Promise.race([sender.next("ack"), sender.next("reject")]);
    sender.socket.send(target.command(0, n++, sender.seq));
    const answer = await acked;
    if (answer.type === "reject") throw new Error(`${target.name}: ${String(answer.code)} ${String(answer.message)}`);
  };

  progress(`${target.name}: command → ack, ${plan.acks} commands`);
  for (let i = 0; i < plan.acks; i++) {
    const t0 = performance.now();
    await within(command(), "an ack");
    side.ack.push(performance.now() - t0);
  }

  const watchers: Peer[] = [];
  const fanout = async (count: number) => {
    watchers.push(...(await within(openMany(target, count - watchers.length, counted, sender.seq), "connecting")));
    progress(`${target.name}: command → all ${count} watchers, ${plan.fanout[count as 10]} commands`);
    const samples: number[] = [];
    for (let i = 0; i < plan.fanout[count as 10]; i++) {
      const goal = received + watchers.length;
      const t0 = performance.now();
      const everyone = until(goal);
      await within(command(), "an ack");
      await within(everyone, "the broadcast");
      samples.push(performance.now() - t0);
    }
    side.fanout[count] = samples;
  };

  try {
    await fanout(10);
    await fanout(100);

    progress(`${target.name}: moves/s with ${watchers.length} watchers, ${plan.senders} senders`);
    side.throughputWatchers = watchers.length;
    const senders = await openMany(target, plan.senders, () => {}, sender.seq);
    let acks = 0;
    const deadline = performance.now() + plan.throughputSeconds * 1000;
    const t0 = performance.now();
    await within(
      Promise.all(
        senders.map(async (peer, s) => {
          for (let i = 0; performance.now() < deadline; i++) {
            const acked = Promise.race([peer.next("ack"), peer.next("reject")]);
            peer.socket.send(target.command(s + 1, i, peer.seq));
            if ((await acked).type === "ack") acks++;
          }
        }),
      ),
      "the sustained moves",
    );
    side.movesPerSecond = acks / ((performance.now() - t0) / 1000);
    closeAll(senders);

    await fanout(1000);

    progress(`${target.name}: ${watchers.length} sockets reconnect at once`);
    const since = Math.min(...watchers.map((w) => w.seq));
    closeAll(watchers);
    watchers.length = 0;
    for (let i = 0; i < plan.missed; i++) await within(command(), "an ack");
    let caughtUp = 0;
    let allBack: () => void = () => {};
    const back = new Promise<void>((done) => {
      allBack = done;
    });
    const r0 = performance.now();
    const reopened = await within(
      Promise.all(
        Array.from({ length: 1000 }, async () => {
          const peer = await open(target, counted, () => {
            if (++caughtUp === 1000) allBack();
          });
          peer.socket.send(target.hello(since));
          return peer;
        }),
      ),
      "reconnecting",
    );
    await within(back, "the catch-up");
    side.reconnectMs = performance.now() - r0;
    side.reconnected = caughtUp;
    closeAll(reopened);
  } catch (error) {
    side.failures.push(error instanceof Error ? error.message : String(error));
  } finally {
    closeAll(watchers);
    sender.socket.close(1000, "benchmark done");
  }
  return side;
}

/** The board's side: the API token on the upgrade, the sync protocol's hello and moves. */
export function lanesTarget(base: string, authorization: string, boardId: string, keys: readonly string[]): Target {
  const columns = ["todo", "in_progress", "done"];
  return {
    name: "Lanes",
    url: `${base.replace(/^http/, "ws")}/api/v1/boards/${boardId}/ws`,
    headers: { authorization },
    hello: (since) => JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION, since }),
    command: (sender, n, baseSeq) =>
      JSON.stringify({
        type: "cmd",
        opId: `op-live-${sender}-${n}-${Math.random().toString(36).slice(2, 10)}`,
        baseSeq,
        // Each sender moves its own task, so no two senders ever conflict.
        command: { type: "moveTask", key: keys[sender % keys.length], columnId: columns[n % columns.length] },
      }),
  };
}

/** The relay's side: the same message sizes, no product. */
export function bareTarget(base: string, room: string): Target {
  const lanesLike = lanesTarget(base, "", room, ["WEB-1"]);
  return {
    name: "bare relay",
    url: `${base.replace(/^http/, "ws")}/room/${room}`,
    headers: {},
    hello: (since) => JSON.stringify({ type: "hello", since }),
    command: lanesLike.command,
  };
}
