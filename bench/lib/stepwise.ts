import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { SIGNING_KEY_FILE } from "../../inngest/local/signing-key-file";
import { createDataDirs, type DataDirs, type Launcher, launch } from "../../tests/helpers/embedded-app";
import type { BenchDatabase } from "./bench-database";
import { httpJson } from "./http";
import { launcherMemory } from "./process-memory";

/**
 * Stepwise as `npm start` runs it (the real launcher: the local engine, signed and
 * in checkpoint mode, in the launcher's process and `next start` of the test build
 * as its child) on a benchmark database of the machine's PostgreSQL, with an API key
 * for /api/v1. Rate limits are raised (child-env.ts) so the benchmark is not throttled.
 */
export type Stepwise = {
  launcher: Launcher;
  /** How long from spawning the launcher to /api/health 200 with the engine synced. */
  coldStartMs: number;
  signingKey: string;
  /** A workflow of `nodes` transform nodes in a chain; its id. */
  createChain: (nodes: number) => Promise<string>;
  /** POST /api/v1/workflows/:id/runs; `finished` resolves with the run's finished_at (epoch ms). */
  startRun: (workflowId: string) => Promise<{ runId: string; finished: Promise<number> }>;
  memory: () => { engine: number; app: number };
  stop: () => Promise<void>;
};

const TERMINAL = ["succeeded", "partial", "failed", "cancelled"];
const POLL_MS = 5;

/** A chain n0 → n1 → … of transform nodes, each adding one to its predecessor's output. */
export function chainGraph(nodes: number) {
  return {
    nodes: Array.from({ length: nodes }, (_, i) => ({
      id: `n${i}`,
      type: "transform",
      position: { x: i * 280, y: 0 },
      data: { config: { expression: i === 0 ? "1" : `nodes.n${i - 1} + 1` } },
    })),
    edges: Array.from({ length: nodes - 1 }, (_, i) => ({
      id: `n${i}-n${i + 1}`,
      source: `n${i}`,
      target: `n${i + 1}`,
    })),
  };
}

export async function startStepwise(
  database: BenchDatabase,
  options: { env?: Record<string, string>; dirs?: DataDirs } = {},
): Promise<Stepwise> {
  const dirs = options.dirs ?? createDataDirs();
  const started = performance.now();
  const launcher = await launch({
    command: "start",
    dirs,
    env: { DATABASE_URL: database.url, SEED_EXAMPLES: "false", LOG_LEVEL: "info", ...options.env },
  });
  try {
    await launcher.ready(120_000);
  } catch (error) {
    await launcher.stop();
    if (!options.dirs) dirs.remove();
    throw error;
  }
  const coldStartMs = performance.now() - started;
  const signingKey = readFileSync(path.join(dirs.engine, SIGNING_KEY_FILE), "utf8").trim();

  const key = await launcher.api<{ secret: string }>("POST", "/api/api-keys", {
    name: "bench",
    scopes: ["workflows:read", "workflows:write", "runs:read", "runs:write"],
  });
  if (key.status !== 201 && key.status !== 200) throw new Error(`api key: ${key.status} ${key.text}`);
  const auth = { authorization: `Bearer ${key.body.secret}` };

  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  const waiting = new Map<string, { resolve: (at: number) => void; reject: (error: Error) => void }>();
  let polling = false;
  const poll = async () => {
    if (polling) return;
    polling = true;
    try {
      while (waiting.size > 0) {
        const { rows } = await pool.query<{ id: string; status: string; finished: number | null }>(
          "select id, status, (extract(epoch from finished_at) * 1000)::float8 as finished from runs where id = any($1::text[]) and status = any($2::text[])",
          [[...waiting.keys()], TERMINAL],
        );
        for (const row of rows) {
          const waiter = waiting.get(row.id);
          waiting.delete(row.id);
          if (row.status === "succeeded") waiter?.resolve(row.finished ?? Date.now());
          else waiter?.reject(new Error(`run ${row.id} ended ${row.status}`));
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    } finally {
      polling = false;
    }
  };

  const createChain: Stepwise["createChain"] = async (nodes) => {
    const created = await httpJson<{ id: string }>("POST", `${launcher.url}/api/v1/workflows`, {
      headers: auth,
      body: { name: `bench chain of ${nodes}`, graph: chainGraph(nodes) },
    });
    if (created.status !== 201) throw new Error(`create workflow: ${created.status} ${created.text}`);
    return created.body.id;
  };
  const startRun: Stepwise["startRun"] = async (workflowId) => {
    const accepted = await httpJson<{ runId: string }>(
      "POST",
      `${launcher.url}/api/v1/workflows/${workflowId}/runs`,
      { headers: auth, body: { input: {} } },
    );
    if (accepted.status !== 202) throw new Error(`start run: ${accepted.status} ${accepted.text}`);
    const { runId } = accepted.body;
    const finished = new Promise<number>((resolve, reject) => waiting.set(runId, { resolve, reject }));
    void poll();
    return { runId, finished };
  };
  const stop = async () => {
    for (const waiter of waiting.values()) waiter.reject(new Error("stopped"));
    waiting.clear();
    await launcher.stop();
    await pool.end();
    if (!options.dirs) dirs.remove();
  };
  return {
    launcher,
    coldStartMs,
    signingKey,
    createChain,
    startRun,
    memory: () => launcherMemory(launcher.pid),
    stop,
  };
}
