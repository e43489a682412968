import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { postgresAvailability } from "../helpers/test-database";

/**
 * The run benchmarks (bench/) as a smoke at tiny sizes: each script starts
 * `npm start` on a benchmark database and the bare SDK app, measures, prints its
 * table and cleans up. This checks that they run and that their tables come out
 * with numbers in every cell, never how fast anything is: timings belong to the
 * scripts and docs/BENCHMARKS.md, not to tests. The app build is the one global
 * setup made (.next-test), reused by each script.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
const { available } = postgresAvailability();

function runScript(script: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join("bench", script), ...args], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, output }));
  });
}

/** The data rows (cells trimmed) of the table printed under the line that starts with `title`. */
function tableRows(output: string, title: string): string[][] {
  const lines = output.split("\n");
  const start = lines.findIndex((line) => line.startsWith(title));
  expect(start, `no table "${title}" in:\n${output}`).toBeGreaterThanOrEqual(0);
  const first = lines.findIndex((line, i) => i > start && line.startsWith("|"));
  const table: string[] = [];
  for (const line of lines.slice(first)) {
    if (!line.startsWith("|")) break;
    table.push(line);
  }
  // Past the header and its |---| line.
  return table.slice(2).map((line) =>
    line
      .slice(1, -1)
      .split("|")
      .map((cell) => cell.trim()),
  );
}

const SPREAD = /^\d+(\.\d+)? \/ \d+(\.\d+)? \/ \d+(\.\d+)?$/;
const NUMBER = /^\d+(\.\d+)?×?$/;

function expectNumbers(rows: string[][], columns: Record<number, RegExp>, output: string) {
  expect(rows.length, output).toBeGreaterThan(0);
  for (const row of rows) {
    for (const [column, pattern] of Object.entries(columns))
      expect(row[Number(column)], output).toMatch(pattern);
  }
}

/** Each script at tiny sizes, and the tables (title, column → what its cells must look like) it prints. */
const SCRIPTS: Array<{
  script: string;
  args: string[];
  tables: Array<{ title: string; columns: Record<number, RegExp> }>;
}> = [
  {
    script: "node-cost.ts",
    args: ["--nodes", "3", "--reps", "1", "--warmup", "0"],
    tables: [{ title: "ms per node", columns: { 0: /^3$/, 1: SPREAD, 2: SPREAD, 3: NUMBER } }],
  },
  {
    script: "run-throughput.ts",
    args: ["--concurrency", "2", "--reps", "1", "--seconds", "1"],
    tables: [{ title: "1-node runs completed", columns: { 1: SPREAD, 2: SPREAD, 3: NUMBER } }],
  },
  {
    script: "run-creation.ts",
    args: ["--concurrency", "2", "--reps", "1", "--seconds", "1"],
    tables: [{ title: "run creation vs", columns: { 1: SPREAD, 2: SPREAD, 3: NUMBER } }],
  },
  {
    script: "memory.ts",
    args: ["--runs", "5", "--reps", "1", "--concurrency", "2"],
    tables: [
      { title: "cold start", columns: { 1: SPREAD, 2: SPREAD } },
      { title: "memory (RSS MB", columns: { 1: NUMBER, 2: NUMBER, 3: NUMBER, 4: NUMBER } },
    ],
  },
];

describe.skipIf(!available)("benchmark scripts at tiny sizes", () => {
  it.each(SCRIPTS)("bench/$script prints its tables with numbers", { timeout: 120_000 }, async (smoke) => {
    const { code, output } = await runScript(smoke.script, smoke.args);
    expect(code, output).toBe(0);
    for (const table of smoke.tables) expectNumbers(tableRows(output, table.title), table.columns, output);
  });
});
