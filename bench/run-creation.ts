/**
 * bench:creation — how fast Stepwise accepts runs: POST
 * /api/v1/workflows/:id/runs (API key, a one-`transform` workflow) against, as the
 * baseline in the same run, GET /api/health (the app's most trivial route) at
 * concurrency 1, 10 and 50: closed loops of that many requests in flight for
 * --seconds each, the two alternating. Reports req/s and latency p50 / p99 as
 * min / median / max over the reps. The runs created execute in the background;
 * before each health phase the benchmark waits for them to finish, so the baseline
 * is measured on a quiet engine.
 *
 *   npm run bench:creation                               # concurrency 1,10,50; 3 reps of 5 s
 *   npm run bench:creation -- --concurrency 10 --reps 5 --seconds 10
 *
 * Loopback only, bounded (--timeout-s), stops by itself and drops its database.
 */
import { parseArgs } from "node:util";
import { intFlag, withBenchStack } from "./lib/bench-stack";
import { closedLoop } from "./lib/closed-loop";
import { httpJson } from "./lib/http";
import { median, percentile, printTable, progress, sorted, spread } from "./lib/stats";

const { values: flags } = parseArgs({
  options: {
    concurrency: { type: "string", default: "1,10,50" },
    reps: { type: "string", default: "3" },
    seconds: { type: "string", default: "5" },
    "timeout-s": { type: "string", default: "900" },
  },
});
const LEVELS = (flags.concurrency ?? "1,10,50").split(",").map((level) => intFlag(level, 10, 1, 200));
const REPS = intFlag(flags.reps, 3, 1, 50);
const SECONDS = intFlag(flags.seconds, 5, 1, 600);
const DRAIN_TIMEOUT_MS = 300_000;

type Phase = { perSecond: number; p50: number; p99: number };

async function main() {
  const limitMs = intFlag(flags["timeout-s"], 900, 10, 7200) * 1000;
  await withBenchStack("bench:creation", limitMs, async ({ stepwise }) => {
    const workflowId = await stepwise.createChain(1);
    const url = stepwise.launcher.url;
    const create = async (finished: Promise<number>[]) => {
      const run = await stepwise.startRun(workflowId);
      finished.push(run.finished);
    };
    const health = async () => {
      const answer = await httpJson("GET", `${url}/api/health`);
      if (answer.status !== 200) throw new Error(`GET /api/health: ${answer.status}`);
    };
    const phase = async (kind: "create" | "health", concurrency: number): Promise<Phase> => {
      const finished: Promise<number>[] = [];
      const result = await closedLoop(
        concurrency,
        SECONDS,
        kind === "create" ? () => create(finished) : health,
      );
      if (result.errors > 0) console.warn(`${kind} at ${concurrency}: ${result.errors} errors`);
      // Let the runs just created finish before the next phase, so each phase has the machine to itself.
      const drained = await Promise.race([
        Promise.allSettled(finished).then(() => true),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), DRAIN_TIMEOUT_MS).unref()),
      ]);
      if (!drained) console.warn(`the runs created at ${concurrency} did not all finish in time`);
      const latencies = sorted(result.latencies);
      return { perSecond: result.perSecond, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
    };
    // Warm both routes.
    await phase("create", 5);
    await phase("health", 5);
    const rows: string[][] = [];
    for (const concurrency of LEVELS) {
      const results = { create: [] as Phase[], health: [] as Phase[] };
      for (let rep = 0; rep < REPS; rep++) {
        const order = rep % 2 === 0 ? (["create", "health"] as const) : (["health", "create"] as const);
        for (const kind of order) results[kind].push(await phase(kind, concurrency));
      }
      progress(`concurrency ${concurrency}: done`);
      const pick = (kind: "create" | "health", key: keyof Phase) => results[kind].map((r) => r[key]);
      rows.push([
        String(concurrency),
        spread(pick("create", "perSecond"), 0),
        spread(pick("health", "perSecond"), 0),
        `${(median(pick("create", "perSecond")) / median(pick("health", "perSecond"))).toFixed(2)}×`,
        `${spread(pick("create", "p50"))} ; ${spread(pick("create", "p99"))}`,
        `${spread(pick("health", "p50"))} ; ${spread(pick("health", "p99"))}`,
      ]);
    }
    printTable(
      `run creation vs GET /api/health, ${REPS} interleaved reps of ${SECONDS} s (min / median / max; latency in ms)`,
      [
        "concurrency",
        "POST runs req/s",
        "GET /api/health req/s",
        "median ratio",
        "POST runs p50 ; p99",
        "GET /api/health p50 ; p99",
      ],
      rows,
    );
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
