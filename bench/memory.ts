/**
 * bench:memory — memory of Stepwise and of the local engine idle and while N
 * 1-node runs go through (10,000 by default), against the bare SDK app on the same
 * engine, and the cold start of each to its first answer.
 *
 *   - cold start: spawning the launcher → /api/health 200 with the engine synced
 *     (`npm start` on fresh data directories, the benchmark's database), against
 *     forking the bare SDK app → listening and registered with the engine; the two
 *     alternate, --reps each.
 *   - memory: RSS of Next (every process of the launcher's group but the launcher),
 *     of the launcher (which hosts the engine; both apps' runs go through it) and of
 *     the bare app, idle after a few warm-up runs, then after every fifth of N runs
 *     per side, 10 in flight, one batch of Stepwise and one of the bare app in turn.
 *
 *   npm run bench:memory                           # 10,000 runs each, 3 cold starts each
 *   npm run bench:memory -- --runs 2000 --reps 5 --concurrency 10 --warmup 20 --settle-ms 3000
 *
 * Loopback only, bounded (--timeout-s), stops by itself and drops its database.
 */
import { parseArgs } from "node:util";
import { startBareApp } from "./lib/bare-app";
import { intFlag, withBenchStack } from "./lib/bench-stack";
import { runCount } from "./lib/closed-loop";
import { httpJson } from "./lib/http";
import { mb, rssOf } from "./lib/process-memory";
import { printTable, progress, spread } from "./lib/stats";
import { startStepwise } from "./lib/stepwise";

const { values: flags } = parseArgs({
  options: {
    runs: { type: "string", default: "10000" },
    reps: { type: "string", default: "3" },
    concurrency: { type: "string", default: "10" },
    /** Untimed runs of each before the second idle reading. */
    warmup: { type: "string", default: "20" },
    /** Quiet time before each reading, so in-flight work and the allocator settle. */
    "settle-ms": { type: "string", default: "3000" },
    "timeout-s": { type: "string", default: "3600" },
  },
});
const RUNS = intFlag(flags.runs, 10_000, 5, 100_000);
const REPS = intFlag(flags.reps, 3, 1, 20);
const CONCURRENCY = intFlag(flags.concurrency, 10, 1, 100);
const WARMUP = intFlag(flags.warmup, 20, 1, 1_000);
const CHECKPOINTS = Math.min(5, RUNS);
const SETTLE_MS = intFlag(flags["settle-ms"], 3_000, 0, 60_000);

const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

async function main() {
  const limitMs = intFlag(flags["timeout-s"], 3600, 10, 7200) * 1000;
  await withBenchStack("bench:memory", limitMs, async ({ stepwise, bare, database }) => {
    // Cold starts: a second Stepwise (its own engine, fresh directories) and a second bare app, in turn.
    const cold = { stepwise: [] as number[], bare: [] as number[] };
    for (let rep = 0; rep < REPS; rep++) {
      const other = await startStepwise(database);
      cold.stepwise.push(other.coldStartMs);
      await other.stop();
      const started = performance.now();
      const second = await startBareApp(stepwise.launcher.engineUrl, stepwise.signingKey);
      cold.bare.push(performance.now() - started);
      await second.stop();
    }
    // The second bare apps registered under the same app id: point the engine back at the first.
    const resync = await httpJson("PUT", bare.url);
    if (resync.status !== 200)
      throw new Error(`re-registering the bare app: ${resync.status} ${resync.text}`);
    progress("cold starts: done");

    const workflowId = await stepwise.createChain(1);
    const once = {
      stepwise: async () => {
        await (await stepwise.startRun(workflowId)).finished;
      },
      bare: async () => {
        await (await bare.startRun(1)).finished;
      },
    };
    const rows: string[][] = [];
    const snapshot = async (label: string, rates: string) => {
      await settle();
      const launcher = stepwise.memory();
      const bareMemory = await bare.memory();
      rows.push([
        label,
        mb(launcher.app),
        mb(launcher.engine),
        mb(rssOf(bare.pid)),
        mb(bareMemory.heapUsed),
        rates,
      ]);
    };
    await snapshot("idle (fresh)", "–");
    await runCount(CONCURRENCY, WARMUP, once.stepwise);
    await runCount(CONCURRENCY, WARMUP, once.bare);
    await snapshot(`idle (after ${WARMUP} warm-up runs each)`, "–");

    const batch = Math.ceil(RUNS / CHECKPOINTS);
    for (let done = 0; done < RUNS; ) {
      const size = Math.min(batch, RUNS - done);
      const stepwiseMs = await runCount(CONCURRENCY, size, once.stepwise);
      const bareMs = await runCount(CONCURRENCY, size, once.bare);
      done += size;
      progress(`${done} runs each`);
      const rate = (ms: number) => ((size / ms) * 1000).toFixed(1);
      await snapshot(`after ${done.toLocaleString("en")} runs each`, `${rate(stepwiseMs)} ; ${rate(bareMs)}`);
    }

    printTable(
      `cold start to the first answer, ${REPS} interleaved starts each (ms, min / median / max)`,
      ["", "Stepwise (npm start: engine + next start)", "bare SDK app"],
      [["spawn → ready", spread(cold.stepwise, 0), spread(cold.bare, 0)]],
    );
    printTable(
      `memory (RSS MB; bare heap used MB) with ${CONCURRENCY} runs in flight, 1-node runs`,
      ["", "Next (app)", "launcher + engine", "bare SDK app", "bare heap", "runs/s Stepwise ; bare"],
      rows,
    );
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
