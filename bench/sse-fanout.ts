/**
 * bench:sse — N concurrent SSE subscribers on one running run, on the local
 * stack, against the app's stream route (one shared realtime subscription per
 * run) and, in the same run, against a naive endpoint that polls the database
 * every 100 ms per subscriber (what the seeds did). Prints, for each: database
 * queries while connecting and while events flow, publish→receive latency
 * p50/p99 and server memory per subscriber.
 *
 *   npm run bench:sse                          # 1,000 subscribers
 *   npm run bench:sse -- --subscribers 200 --events 20 --interval-ms 100 --timeout-s 30 --database pglite
 *
 * Loopback only, bounded (each phase gives up after --timeout-s; the whole run
 * after 5 minutes), and it stops by itself. A script, not a test.
 */
import { type ChildProcess, fork } from "node:child_process";
import { rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { createSseParser } from "../tests/helpers/sse-client";
import {
  type BenchDatabase,
  type BenchReply,
  type BenchRequest,
  POSTGRES_ADMIN_URL,
} from "./sse-fanout-protocol";

const { values: flags } = parseArgs({
  options: {
    subscribers: { type: "string", default: "1000" },
    events: { type: "string", default: "20" },
    "interval-ms": { type: "string", default: "100" },
    "timeout-s": { type: "string", default: "30" },
    /** postgres (the machine's, 127.0.0.1:5432) or pglite; default: postgres when it answers. */
    database: { type: "string" },
  },
});
const SUBSCRIBERS = Math.min(5_000, Math.max(1, Number(flags.subscribers)));
const EVENTS = Math.min(500, Math.max(1, Number(flags.events)));
const INTERVAL_MS = Math.max(0, Number(flags["interval-ms"]));
const TIMEOUT_MS = Math.max(5, Number(flags["timeout-s"])) * 1000;
const CONNECT_BATCH = 50;
const HARD_LIMIT_MS = 5 * 60_000;

const now = () => performance.timeOrigin + performance.now();
const began = Date.now();
const progress = (message: string) =>
  console.log(`[${((Date.now() - began) / 1000).toFixed(1)} s] ${message}`);

type Client = { lastSeq: number; received: Map<number, number>; close: () => void };

function connect(url: string, timeoutMs = TIMEOUT_MS): Promise<Client> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false }, (response) => {
      request.setTimeout(0);
      if (response.statusCode !== 200) {
        response.resume();
        return reject(new Error(`${url}: ${response.statusCode}`));
      }
      response.setEncoding("utf8");
      const client: Client = { lastSeq: 0, received: new Map(), close: () => request.destroy() };
      const parse = createSseParser((frame) => {
        if (frame.id === undefined) return;
        const seq = Number(frame.id);
        if (!client.received.has(seq)) client.received.set(seq, now());
        client.lastSeq = Math.max(client.lastSeq, seq);
      });
      response.on("data", parse);
      response.on("error", () => {});
      resolve(client);
    });
    request.on("error", reject);
    // A server too busy to answer at all is a result too, not a hang.
    request.setTimeout(timeoutMs, () => request.destroy(new Error(`${url}: no answer in ${timeoutMs} ms`)));
  });
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

type Server = {
  child: ChildProcess;
  ask: (request: BenchRequest) => Promise<BenchReply>;
  ready: Promise<Extract<BenchReply, { kind: "ready" }>>;
  /** Stops the server process, then removes its database: nothing stays behind. */
  stop: () => Promise<void>;
};

/** The server process and a strictly sequential request/reply over IPC. */
function startServer(): Server {
  const child = fork(
    path.join(import.meta.dirname, "sse-fanout-server.ts"),
    flags.database ? [flags.database] : [],
    {
      // react-server: the server modules it loads import "server-only", which throws under any other condition.
      execArgv: ["--expose-gc", "--conditions=react-server", "--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    },
  );
  let database: BenchDatabase | undefined;
  const waiting: Array<(reply: BenchReply) => void> = [];
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.on("message", (reply: BenchReply) => {
    if (reply.kind === "created") database = reply.database;
    else waiting.shift()?.(reply);
  });
  // A server that dies answers every pending question with an error.
  void exited.then(() => {
    for (const answer of waiting.splice(0)) answer({ kind: "error", message: "the server process exited" });
  });
  const next = () => new Promise<BenchReply>((resolve) => waiting.push(resolve));
  const ask = async (request: BenchRequest) => {
    const reply = next();
    child.send(request);
    const answer = await reply;
    if (answer.kind === "error") throw new Error(`server: ${answer.message}`);
    return answer;
  };
  const ready = next().then((reply) => {
    if (reply.kind !== "ready") throw new Error(`server failed to start: ${JSON.stringify(reply)}`);
    return reply;
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const killed = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(killed);
    }
    if (database?.driver === "pglite") rmSync(database.dir, { recursive: true, force: true });
    if (database?.driver === "postgres") {
      const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await admin.connect();
      await admin.query(`drop database if exists ${database.name} with (force)`);
      await admin.end();
    }
  };
  return { child, ask, ready, stop };
}

type PhaseResult = {
  name: string;
  connectQueries: number;
  streamQueries: number;
  streamSeconds: number;
  p50: number;
  p99: number;
  subscribers: number;
  heapPerSubscriber: number;
  rssPerSubscriber: number;
  delivered: number;
  expected: number;
  feeds: string;
};

async function runPhase(
  name: string,
  url: string,
  startSeq: number,
  ask: (r: BenchRequest) => Promise<BenchReply>,
): Promise<PhaseResult & { endSeq: number }> {
  const queries = async () => {
    const reply = await ask({ kind: "queries" });
    return reply.kind === "queries" ? reply.reads : Number.NaN;
  };
  const memory = async () => {
    const reply = await ask({ kind: "memory" });
    if (reply.kind !== "memory") throw new Error("no memory reply");
    return reply;
  };
  // One connection first, so loading and compiling the route is not counted per subscriber.
  const warmUp = await connect(url);
  await waitFor(() => warmUp.lastSeq >= startSeq, TIMEOUT_MS);
  warmUp.close();
  await waitFor(() => false, 200);
  const base = await memory();
  const q0 = await queries();
  progress(`${name}: connecting ${SUBSCRIBERS} subscribers`);
  const clients: Client[] = [];
  const connectBy = Date.now() + TIMEOUT_MS;
  for (let i = 0; i < SUBSCRIBERS && Date.now() < connectBy; i += CONNECT_BATCH) {
    const batch = Math.min(CONNECT_BATCH, SUBSCRIBERS - i);
    const attempts = Array.from({ length: batch }, () => connect(url, Math.max(1, connectBy - Date.now())));
    for (const attempt of await Promise.allSettled(attempts)) {
      if (attempt.status === "fulfilled") clients.push(attempt.value);
    }
  }
  if (clients.length < SUBSCRIBERS)
    console.warn(`[${name}] only ${clients.length} subscribers connected in time`);
  if (!(await waitFor(() => clients.every((c) => c.lastSeq >= startSeq), TIMEOUT_MS))) {
    console.warn(`[${name}] not every subscriber finished its replay in time`);
  }
  const q1 = await queries();
  const loaded = await memory();
  progress(`${name}: all connected and replayed; publishing ${EVENTS} events`);

  const started = now();
  const published = await ask({
    kind: "publish",
    count: EVENTS,
    intervalMs: INTERVAL_MS,
    deadlineMs: TIMEOUT_MS,
  });
  if (published.kind !== "published") throw new Error("no publish reply");
  const publishedAt = new Map(published.publishedAt);
  const lastSeq = Math.max(...publishedAt.keys());
  await waitFor(() => clients.every((c) => c.lastSeq >= lastSeq), TIMEOUT_MS);
  const q2 = await queries();
  progress(`${name}: done`);
  const streamSeconds = (now() - started) / 1000;

  const latencies: number[] = [];
  let delivered = 0;
  for (const client of clients) {
    for (const [seq, at] of publishedAt) {
      const received = client.received.get(seq);
      if (received === undefined) continue;
      delivered++;
      latencies.push(received - at);
    }
  }
  latencies.sort((a, b) => a - b);
  const feeds = loaded.feeds.map((f) => `${f.mode}×${f.listeners}`).join(", ") || "none";
  for (const client of clients) client.close();
  await waitFor(() => false, 500); // let the server notice the closed sockets before the next phase
  return {
    name,
    connectQueries: q1 - q0,
    streamQueries: q2 - q1,
    streamSeconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    subscribers: clients.length,
    heapPerSubscriber: (loaded.heap - base.heap) / clients.length,
    rssPerSubscriber: (loaded.rss - base.rss) / clients.length,
    delivered,
    expected: publishedAt.size * clients.length,
    feeds,
    endSeq: lastSeq,
  };
}

function report(results: PhaseResult[], driver: string) {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const rows: Array<[string, (r: PhaseResult) => string]> = [
    ["subscribers connected", (r) => `${r.subscribers} / ${SUBSCRIBERS}`],
    ["db reads while connecting", (r) => String(r.connectQueries)],
    ["db reads while streaming", (r) => `${r.streamQueries} in ${r.streamSeconds.toFixed(1)} s`],
    ["db reads per second (streaming)", (r) => (r.streamQueries / r.streamSeconds).toFixed(0)],
    ["publish→receive p50", (r) => ms(r.p50)],
    ["publish→receive p99", (r) => ms(r.p99)],
    ["server heap+external / subscriber", (r) => kb(r.heapPerSubscriber)],
    ["server RSS / subscriber", (r) => kb(r.rssPerSubscriber)],
    ["events delivered", (r) => `${r.delivered} / ${r.expected}`],
    ["server-side live sources", (r) => r.feeds],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  console.log(`\n${"".padEnd(width)}${results.map((r) => r.name.padEnd(26)).join("")}`);
  for (const [label, cell] of rows)
    console.log(`${label.padEnd(width)}${results.map((r) => cell(r).padEnd(26)).join("")}`);
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log(
    `\n${EVENTS} events ${INTERVAL_MS} ms apart · database: ${driver} · ${os.cpus().length} × ${cpu} · ${(os.totalmem() / 2 ** 30).toFixed(0)} GB · Node ${process.version}`,
  );
}

async function main() {
  const server = startServer();
  const hardStop = setTimeout(() => {
    console.error("bench:sse took longer than 5 minutes; stopping");
    void server.stop().finally(() => process.exit(2));
  }, HARD_LIMIT_MS);
  try {
    const ready = await server.ready;
    console.log(`run ${ready.runId} running on ${ready.driver}; ${SUBSCRIBERS} subscribers per phase`);
    const sse = await runPhase(
      "realtime SSE",
      `${ready.appUrl}/api/runs/${ready.runId}/stream`,
      ready.seq,
      server.ask,
    );
    const naive = await runPhase(
      "naive 100 ms polling",
      `${ready.naiveUrl}/naive/runs/${ready.runId}/stream`,
      sse.endSeq,
      server.ask,
    );
    report([sse, naive], ready.driver);
  } finally {
    clearTimeout(hardStop);
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
