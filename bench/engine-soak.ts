/**
 * bench:engine — push N runs of a trivial 3-step function through the local
 * engine with durable state (`dataDir`, SQLite) and, interleaved batch by
 * batch in the same run, through an in-memory engine as the baseline. Each
 * engine lives in its own child process (with its own tiny app on the real
 * `inngest/node` serve handler), so heap and RSS are per engine. Prints, every
 * --report-every finished runs: heap used, RSS, store file size (+WAL) and
 * min/median/max ms per run, side by side.
 *
 *   npm run bench:engine                          # 10,000 runs per engine
 *   npm run bench:engine -- --runs 2000 --batch 20 --report-every 500
 *
 * Loopback only, bounded (--runs, and it gives up after --timeout-s), and it
 * stops by itself. A script, not a test.
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import { createLocalEngine } from "../inngest/local";

type Kind = "durable" | "memory";
type Stats = { runs: number; heapUsed: number; rss: number; storeBytes: number; ms: number[] };

const { values: flags } = parseArgs({
  options: {
    runs: { type: "string", default: "10000" },
    batch: { type: "string", default: "20" },
    "report-every": { type: "string", default: "2000" },
    "timeout-s": { type: "string", default: "900" },
    worker: { type: "string" },
  },
});

if (flags.worker) void worker(flags.worker as Kind);
else void main();

async function main() {
  const total = Number(flags.runs);
  const batch = Number(flags.batch);
  const every = Number(flags["report-every"]);
  const deadline = Date.now() + Number(flags["timeout-s"]) * 1000;
  const workers = { durable: spawnWorker("durable"), memory: spawnWorker("memory") };
  const ms: Record<Kind, number[]> = { durable: [], memory: [] };
  const last: Partial<Record<Kind, Stats>> = {};
  console.log(`engine soak: ${total} runs per engine, ${batch} at a time, 3 steps each (checkpoint mode)`);
  console.log(
    "runs    | heap MB durable / memory | RSS MB durable / memory | store MB (+WAL) | ms/run min/median/max durable ; memory",
  );
  try {
    for (let done = 0; done < total; ) {
      if (Date.now() > deadline) throw new Error(`gave up after --timeout-s at ${done} runs`);
      const size = Math.min(batch, total - done);
      // Interleaved: one batch on each engine in turn, never both at once.
      for (const kind of ["durable", "memory"] as const) {
        const stats = await ask(workers[kind], size);
        ms[kind].push(...stats.ms);
        last[kind] = stats;
      }
      done += size;
      if (done % every === 0 || done === total) report(done, last, ms);
    }
  } finally {
    for (const child of Object.values(workers)) child.kill();
  }
}

function report(done: number, last: Partial<Record<Kind, Stats>>, ms: Record<Kind, number[]>) {
  const mb = (bytes = 0) => (bytes / 1024 / 1024).toFixed(1).padStart(6);
  const spread = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return `${at(0)}/${at(0.5)}/${at(1)}`;
  };
  const d = last.durable;
  const m = last.memory;
  console.log(
    `${String(done).padEnd(7)} | ${mb(d?.heapUsed)} / ${mb(m?.heapUsed)}         | ${mb(d?.rss)} / ${mb(m?.rss)}         | ${mb(d?.storeBytes)}          | ${spread(ms.durable)} ; ${spread(ms.memory)}`,
  );
  ms.durable.length = 0;
  ms.memory.length = 0;
}

function spawnWorker(kind: Kind): ChildProcess {
  return fork(import.meta.filename, ["--worker", kind], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
}

function ask(child: ChildProcess, size: number): Promise<Stats> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`worker exited with ${code}`));
    child.once("exit", onExit);
    child.once("message", (stats) => {
      child.off("exit", onExit);
      resolve(stats as Stats);
    });
    child.send({ size });
  });
}

/** One engine plus its app; runs a batch per message from the parent. */
async function worker(kind: Kind) {
  const dataDir = kind === "durable" ? mkdtempSync(path.join(os.tmpdir(), "engine-soak-")) : undefined;
  const engine = await createLocalEngine({ port: 0, logger: false, dataDir });
  const silent = { info() {}, warn() {}, error() {}, debug() {} };
  const inngest = new Inngest({ id: "soak", isDev: true, baseUrl: engine.url, logger: silent });
  const fn = inngest.createFunction({ id: "trivial", triggers: [{ event: "soak/go" }] }, async ({ step }) => {
    const a = await step.run("a", () => 1);
    const b = await step.run("b", () => a + 1);
    return step.run("c", () => a + b);
  });
  const handler = serve({ client: inngest, functions: [fn] });
  const server = http.createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  await engine.syncApp(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`);

  let finished = 0;
  const storeBytes = () => {
    if (!dataDir) return 0;
    const size = (file: string) => {
      try {
        return statSync(path.join(dataDir, file)).size;
      } catch {
        return 0;
      }
    };
    return size("engine.sqlite") + size("engine.sqlite-wal");
  };
  const stop = async () => {
    await engine.close();
    server.closeAllConnections();
    server.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on("disconnect", () => void stop());
  process.on("SIGTERM", () => void stop());

  process.on("message", async (message) => {
    const { size } = message as { size: number };
    const { ids } = await engine.sendEvent(
      Array.from({ length: size }, (_, i) => ({ name: "soak/go", data: { i } })),
    );
    await engine.settle();
    // The REST read is keyed by event id: no scan over every retained run.
    const ms = await Promise.all(
      ids.map(async (eventId) => {
        const res = await fetch(`${engine.url}/v1/events/${eventId}/runs`);
        const { data } = (await res.json()) as { data: { run_started_at: string; ended_at: string }[] };
        const run = data[0];
        return run ? Date.parse(run.ended_at) - Date.parse(run.run_started_at) : Number.NaN;
      }),
    );
    finished += ids.length;
    const memory = process.memoryUsage();
    const stats: Stats = {
      runs: finished,
      heapUsed: memory.heapUsed,
      rss: memory.rss,
      storeBytes: storeBytes(),
      ms,
    };
    process.send?.(stats);
  });
}
