/**
 * The server side of bench/sse-fanout.ts, in its own process so its memory is
 * measured apart from the clients': a fresh database, the local Inngest engine
 * (real clock), the app's real route handlers over HTTP (as tests/helpers/stack.ts
 * serves them), and a naive per-subscriber 100 ms polling endpoint to compare
 * against. Driven over IPC by the parent; never listens beyond 127.0.0.1.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { WebSocket } from "ws";
import { createLocalEngine } from "../inngest/local";
import { startAppServer } from "../tests/helpers/app-server";
import {
  type BenchDatabase,
  type BenchReply,
  type BenchRequest,
  POSTGRES_ADMIN_URL,
} from "./sse-fanout-protocol";

const NAIVE_POLL_MS = 100;

(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
const now = () => performance.timeOrigin + performance.now();
const send = (reply: BenchReply) => process.send?.(reply);

/**
 * The machine's PostgreSQL when it answers (unless told `pglite`), else an embedded PGlite in a temp dir.
 * The parent removes it after this process has exited, so no pool is open when it goes.
 */
async function createDatabase(wanted: string | undefined): Promise<{ url: string; database: BenchDatabase }> {
  const pglite = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "stepwise-bench-"));
    return { url: `pglite:${dir}`, database: { driver: "pglite", dir } as const };
  };
  if (wanted === "pglite") return pglite();
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2_000 });
  try {
    await admin.connect();
  } catch (error) {
    if (wanted === "postgres") throw error;
    return pglite();
  }
  const name = `stepwise_bench_${randomBytes(5).toString("hex")}`;
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  send({ kind: "created", database: { driver: "postgres", name } });
  const { migrateDatabase } = await import("../src/server/db/migrate");
  await migrateDatabase(url.toString(), "pg");
  return { url: url.toString(), database: { driver: "postgres", name } };
}

async function main() {
  const { url: databaseUrl, database } = await createDatabase(process.argv[2]);
  if (database.driver === "pglite") send({ kind: "created", database });
  const engine = await createLocalEngine({ port: 0, host: "127.0.0.1", clock: "real", logger: false });
  // The app reads its configuration when its modules load, so env comes first.
  process.env.DATABASE_URL = databaseUrl;
  process.env.INNGEST_DEV = engine.url;
  process.env.LOG_LEVEL = "silent";
  process.env.SEED_EXAMPLES = "false";
  const { getDb } = await import("../src/server/db/client");
  // Connect (and for PGlite create and migrate) before the first request, not inside it.
  const db = await getDb();
  const app = await startAppServer();
  await engine.syncApp(`${app.url}/api/inngest`);

  const { observeQueries } = await import("../src/server/db/query-observer");
  const { appendRunEvents } = await import("../src/server/runs/append-run-events");
  const { publishRunEvents } = await import("../src/server/runs/publish-run-events");
  const { listRunEvents } = await import("../src/server/runs/queries");
  const { toRunEventMessage } = await import("../src/server/runs/run-event-message");
  const { runFeedStats } = await import("../src/server/runs/stream/run-feeds");
  const { LOCAL_WORKSPACE_ID } = await import("../src/server/workspaces/ensure-local-workspace");

  const json = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${app.url}${route}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).catch((error: unknown) => {
      throw new Error(`${method} ${route}: ${String((error as { cause?: unknown }).cause ?? error)}`);
    });
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };

  // A run that stays running: it sleeps on a one-hour delay for the whole benchmark.
  const workflow = await json<{ id: string }>("POST", "/api/workflows", {
    name: "bench",
    graph: {
      nodes: [
        { id: "wait", type: "delay", position: { x: 0, y: 0 }, data: { config: { duration: "1h" } } },
        { id: "after", type: "text", position: { x: 0, y: 0 }, data: { config: { template: "done" } } },
      ],
      edges: [{ id: "wait->after", source: "wait", target: "after" }],
    },
  });
  const { runId } = await json<{ runId: string }>("POST", `/api/workflows/${workflow.id}/runs`, {
    input: {},
  });
  for (let tries = 0; ; tries++) {
    const run = await json<{ status: string }>("GET", `/api/runs/${runId}`);
    if (run.status === "running") break;
    if (tries > 200) throw new Error(`run never started (${run.status})`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }

  // The seeds' way, as a route handler like ours: every subscriber reads run_events every 100 ms.
  const naiveStream = (target: string, signal: AbortSignal): Response => {
    const encoder = new TextEncoder();
    let lastSeq = 0;
    let busy = false;
    let timer: NodeJS.Timeout | undefined;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const poll = async () => {
          if (busy || signal.aborted) return;
          busy = true;
          try {
            for (const event of await listRunEvents(db, LOCAL_WORKSPACE_ID, target, lastSeq)) {
              lastSeq = event.seq;
              const message = JSON.stringify(toRunEventMessage(event));
              controller.enqueue(
                encoder.encode(`id: ${event.seq}\nevent: ${event.type}\ndata: ${message}\n\n`),
              );
            }
          } catch {
            // Shutting down, or the client left mid-read.
          } finally {
            busy = false;
          }
        };
        void poll();
        timer = setInterval(() => void poll(), NAIVE_POLL_MS);
        signal.addEventListener("abort", () => clearInterval(timer), { once: true });
      },
      cancel: () => clearInterval(timer),
    });
    return new Response(body, {
      headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
    });
  };
  // The same Node ↔ Request/Response bridge the app's routes get (tests/helpers/app-server.ts).
  const naive = http.createServer(async (req, res) => {
    const match = /^\/naive\/runs\/([^/]+)\/stream$/.exec(req.url ?? "");
    if (!match?.[1]) return void res.writeHead(404).end();
    const aborted = new AbortController();
    res.on("close", () => aborted.abort());
    const response = naiveStream(match[1], aborted.signal);
    res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
    const reader = response.body?.getReader();
    res.on("close", () => void reader?.cancel().catch(() => {}));
    try {
      for (let read = await reader?.read(); read && !read.done; read = await reader?.read())
        res.write(read.value);
    } catch {
      // The client left.
    }
    res.end();
  });
  await new Promise<void>((resolve) => naive.listen(0, "127.0.0.1", resolve));

  // Reads are what subscribers cost; writes (row lock, seq counter, insert) are the publisher's own.
  const queries = { reads: 0, writes: 0 };
  observeQueries((sql) => {
    // Transaction control (begin/commit) only ever wraps the publisher's writes here.
    if (/^\s*(insert|update|delete|begin|commit|rollback)\b|\bfor update\b/i.test(sql)) queries.writes++;
    else queries.reads++;
  });

  const handle = async (request: BenchRequest): Promise<BenchReply> => {
    switch (request.kind) {
      case "memory": {
        for (let i = 0; i < 3; i++) global.gc?.();
        const usage = process.memoryUsage();
        const feeds = runFeedStats();
        return { kind: "memory", rss: usage.rss, heap: usage.heapUsed + usage.external, feeds };
      }
      case "queries":
        return { kind: "queries", ...queries };
      case "publish": {
        const published = new Map<number, number>();
        const deadline = Date.now() + request.deadlineMs;
        for (let i = 0; i < request.count && Date.now() < deadline; i++) {
          const events = await db.transaction((tx) =>
            appendRunEvents(tx, {
              runId,
              workspaceId: LOCAL_WORKSPACE_ID,
              events: [{ type: "log", nodeId: "bench", data: { level: "info", message: `bench ${i}` } }],
            }),
          );
          // Stamped after the commit: from here the event is both readable and about to be published.
          for (const event of events) published.set(event.seq, now());
          await publishRunEvents(events);
          await new Promise((resolve) => setTimeout(resolve, request.intervalMs));
        }
        return { kind: "published", publishedAt: [...published] };
      }
    }
  };

  process.on("message", (request: BenchRequest) => {
    handle(request).then(send, (error: unknown) => send({ kind: "error", message: String(error) }));
  });
  const seq = (await listRunEvents(db, LOCAL_WORKSPACE_ID, runId)).at(-1)?.seq ?? 0;
  const naivePort = (naive.address() as AddressInfo).port;
  send({
    kind: "ready",
    appUrl: app.url,
    naiveUrl: `http://127.0.0.1:${naivePort}`,
    runId,
    seq,
    driver: database.driver,
  });
  // The parent stops this process when it is done (or dies): nothing here outlives it.
  process.on("disconnect", () => process.exit(0));
}

main().catch((error: unknown) => {
  send({ kind: "error", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
