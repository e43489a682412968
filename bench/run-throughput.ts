/**
 * bench:throughput — 1-node runs accepted and completed per second at
 * concurrency 1, 10 and 50 (a closed loop: that many runs in flight, each worker
 * starting the next run when its last one has finished) on Stepwise (`npm start`,
 * a one-`transform` workflow started through POST /api/v1/workflows/:id/runs)
 * and, interleaved in the same run on the same engine, on a bare Inngest SDK
 * function with one `step.run` (bench/bare-sdk-app.ts). Stepwise's runs are seen
 * finishing by polling their rows every 5 ms; the bare app reports each over IPC.
 * Note: Stepwise runs at most RUN_CONCURRENCY_PER_WORKSPACE (default 10) runs of
 * a workspace at once; the rest wait queued, as they would for a user.
 *
 *   npm run bench:throughput                              # concurrency 1,10,50; 3 reps of 10 s
 *   npm run bench:throughput -- --concurrency 10 --reps 5 --seconds 20
 *
 * Loopback only, bounded (--timeout-s), stops by itself and drops its database.
 */
import { parseArgs } from "node:util";
import { intFlag, withBenchStack } from "./lib/bench-stack";
import { closedLoop } from "./lib/closed-loop";
import { type CpuReading, cpuSince, readCpu } from "./lib/process-cpu";
import { median, printTable, progress, spread } from "./lib/stats";

const { values: flags } = parseArgs({
  options: {
    concurrency: { type: "string", default: "1,10,50" },
    reps: { type: "string", default: "3" },
    seconds: { type: "string", default: "10" },
    "timeout-s": { type: "string", default: "900" },
  },
});
const LEVELS = (flags.concurrency ?? "1,10,50").split(",").map((level) => intFlag(level, 10, 1, 200));
const REPS = intFlag(flags.reps, 3, 1, 50);
const SECONDS = intFlag(flags.seconds, 10, 1, 600);

async function main() {
  const limitMs = intFlag(flags["timeout-s"], 900, 10, 7200) * 1000;
  await withBenchStack("bench:throughput", limitMs, async ({ stepwise, bare }) => {
    const workflowId = await stepwise.createChain(1);
    const loops = {
      stepwise: async () => {
        await (await stepwise.startRun(workflowId)).finished;
      },
      bare: async () => {
        await (await bare.startRun(1)).finished;
      },
    };
    // Warm both paths (first requests compile and fill caches).
    const warmup = Math.min(2, SECONDS);
    await closedLoop(5, warmup, loops.stepwise);
    await closedLoop(5, warmup, loops.bare);
    const rows: string[][] = [];
    const cpuRows: string[][] = [];
    const cpu = () => readCpu(stepwise.launcher.pid, bare.pid);
    for (const concurrency of LEVELS) {
      const rates = { stepwise: [] as number[], bare: [] as number[] };
      const latencies = { stepwise: [] as number[], bare: [] as number[] };
      const cpuPerRun = { stepwise: [] as CpuReading[], bare: [] as CpuReading[] };
      let errors = 0;
      for (let rep = 0; rep < REPS; rep++) {
        const order = rep % 2 === 0 ? (["stepwise", "bare"] as const) : (["bare", "stepwise"] as const);
        for (const kind of order) {
          const before = cpu();
          const result = await closedLoop(concurrency, SECONDS, loops[kind]);
          cpuPerRun[kind].push(perRun(cpuSince(before, cpu()), result.completed));
          rates[kind].push(result.perSecond);
          latencies[kind].push(median(result.latencies));
          errors += result.errors;
        }
      }
      progress(`concurrency ${concurrency}: done`);
      rows.push([
        String(concurrency),
        spread(rates.stepwise),
        spread(rates.bare),
        `${(median(rates.stepwise) / median(rates.bare)).toFixed(2)}×`,
        `${median(latencies.stepwise).toFixed(0)} ; ${median(latencies.bare).toFixed(0)}`,
        String(errors),
      ]);
      const cell = (readings: CpuReading[], part: keyof CpuReading) =>
        median(readings.map((reading) => reading[part])).toFixed(1);
      cpuRows.push([
        String(concurrency),
        cell(cpuPerRun.stepwise, "app"),
        cell(cpuPerRun.stepwise, "engine"),
        cell(cpuPerRun.stepwise, "postgres"),
        cell(cpuPerRun.bare, "bare"),
        cell(cpuPerRun.bare, "engine"),
      ]);
    }
    printTable(
      `1-node runs completed per second, ${REPS} interleaved reps of ${SECONDS} s (min / median / max)`,
      [
        "concurrency",
        "Stepwise runs/s",
        "bare SDK runs/s",
        "median ratio",
        "median ms/run Stepwise ; bare",
        "errors",
      ],
      rows,
    );
    printTable(
      "CPU time per completed run, ms (median of the reps; each phase's CPU divided by the runs it completed)",
      [
        "concurrency",
        "Stepwise: Next",
        "Stepwise: engine",
        "Stepwise: PostgreSQL",
        "bare: app",
        "bare: engine",
      ],
      cpuRows,
    );
  });
}

/** A phase's CPU per run it completed (runs still in flight at its end add a little). */
function perRun(used: CpuReading, runs: number): CpuReading {
  const per = (ms: number) => (runs > 0 ? ms / runs : 0);
  return { app: per(used.app), engine: per(used.engine), bare: per(used.bare), postgres: per(used.postgres) };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
