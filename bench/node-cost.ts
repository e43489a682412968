/**
 * bench:node-cost — what one node of a workflow costs: runs of a chain of N
 * `transform` nodes on Stepwise (`npm start`: next start + the local engine in
 * checkpoint mode, PostgreSQL) against, as the baseline on the same engine in the
 * same run, a bare Inngest SDK function with N `step.run`s (bench/bare-sdk-app.ts).
 * One run at a time, the two alternating. Per run: from sending the start request
 * (POST /api/v1/workflows/:id/runs; the bare app's event) to the run's end (the
 * run's finished_at; the bare function returning), divided by N. Prints ms/node
 * min / median / max per chain length.
 *
 *   npm run bench:node-cost                          # chains of 20 and 200, 5 reps each
 *   npm run bench:node-cost -- --nodes 20,200 --reps 9 --warmup 2
 *
 * Loopback only, bounded (--timeout-s), stops by itself and drops its database.
 */
import { parseArgs } from "node:util";
import { intFlag, withBenchStack } from "./lib/bench-stack";
import { median, printTable, progress, spread } from "./lib/stats";

const { values: flags } = parseArgs({
  options: {
    nodes: { type: "string", default: "20,200" },
    reps: { type: "string", default: "5" },
    warmup: { type: "string", default: "1" },
    "timeout-s": { type: "string", default: "900" },
  },
});
const SIZES = (flags.nodes ?? "20,200").split(",").map((size) => intFlag(size, 20, 1, 200));
const REPS = intFlag(flags.reps, 5, 1, 100);
const WARMUP = intFlag(flags.warmup, 1, 0, 10);

async function main() {
  await withBenchStack(
    "bench:node-cost",
    intFlag(flags["timeout-s"], 900, 10, 7200) * 1000,
    async ({ stepwise, bare }) => {
      const rows: string[][] = [];
      for (const nodes of SIZES) {
        const workflowId = await stepwise.createChain(nodes);
        const runStepwise = async () => {
          const sent = Date.now();
          const { finished } = await stepwise.startRun(workflowId);
          return ((await finished) - sent) / nodes;
        };
        const runBare = async () => {
          const sent = Date.now();
          const { finished } = await bare.startRun(nodes);
          return ((await finished) - sent) / nodes;
        };
        for (let i = 0; i < WARMUP; i++) {
          await runStepwise();
          await runBare();
        }
        const samples = { stepwise: [] as number[], bare: [] as number[] };
        for (let rep = 0; rep < REPS; rep++) {
          // Interleaved, and the order flips every rep so neither always goes first.
          const order = rep % 2 === 0 ? (["stepwise", "bare"] as const) : (["bare", "stepwise"] as const);
          for (const kind of order)
            samples[kind].push(kind === "stepwise" ? await runStepwise() : await runBare());
        }
        progress(`chain of ${nodes}: done`);
        const ratio = median(samples.stepwise) / median(samples.bare);
        rows.push([String(nodes), spread(samples.stepwise), spread(samples.bare), `${ratio.toFixed(1)}×`]);
      }
      printTable(
        `ms per node, start request → run finished ÷ N; ${REPS} interleaved reps (min / median / max)`,
        ["nodes", "Stepwise (transform nodes)", "bare SDK (step.run)", "median ratio"],
        rows,
      );
    },
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
