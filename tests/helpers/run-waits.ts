import type { Launcher } from "./embedded-app";
import type { RunBody } from "./run-helpers";

/**
 * What a user sees of runs, read through the app's HTTP API while the app runs
 * as its own process: create, start, read, and bounded waits on statuses.
 */

export const TERMINAL_STATUSES = new Set(["succeeded", "failed", "cancelled"]);
export const isTerminal = (status: string) => TERMINAL_STATUSES.has(status);

export async function createWorkflow(app: Launcher, name: string, graph: unknown): Promise<string> {
  const created = await app.api<{ id: string }>("POST", "/api/workflows", { name, graph });
  if (created.status !== 201)
    throw new Error(`POST /api/workflows answered ${created.status}: ${created.text}`);
  return created.body.id;
}

export async function startRun(
  app: Launcher,
  workflowId: string,
  input: Record<string, unknown>,
): Promise<{ runId: string; status: string; httpStatus: number; ms: number }> {
  const started = await app.api<{ runId: string; status: string }>(
    "POST",
    `/api/workflows/${workflowId}/runs`,
    { input },
  );
  if (started.status !== 202) {
    throw new Error(`POST /api/workflows/${workflowId}/runs answered ${started.status}: ${started.text}`);
  }
  return { ...started.body, httpStatus: started.status, ms: started.ms };
}

export async function getRun(app: Launcher, runId: string): Promise<RunBody> {
  const run = await app.api<RunBody>("GET", `/api/runs/${runId}`);
  if (run.status !== 200) throw new Error(`GET /api/runs/${runId} answered ${run.status}: ${run.text}`);
  return run.body;
}

/** "succeeded: 18, waiting: 2" */
export function statusSummary(runs: Iterable<RunBody>): string {
  const counts = new Map<string, number>();
  for (const run of runs) counts.set(run.status, (counts.get(run.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${status}: ${n}`).join(", ");
}

function describeRun(run: RunBody): string {
  const steps = run.steps.map((s) => `${s.nodeId}=${s.status}${s.attempt > 1 ? `#${s.attempt}` : ""}`);
  return `${run.id} ${run.status} [${steps.join(" ")}]${run.error ? ` error=${JSON.stringify(run.error)}` : ""}`;
}

/**
 * Polls GET /api/runs/:id for every run until `accept` holds for all of them;
 * at the deadline throws with the statuses reached and the runs still short.
 */
export async function waitForRuns(
  app: Launcher,
  runIds: string[],
  accept: (run: RunBody) => boolean,
  what: string,
  timeoutMs: number,
): Promise<Map<string, RunBody>> {
  const deadline = Date.now() + timeoutMs;
  const latest = new Map<string, RunBody>();
  let lastError = "";
  for (;;) {
    for (const runId of runIds) {
      const known = latest.get(runId);
      if (known && accept(known)) continue;
      try {
        latest.set(runId, await getRun(app, runId));
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
    }
    const short = runIds.filter((id) => {
      const run = latest.get(id);
      return !run || !accept(run);
    });
    if (short.length === 0) return latest;
    if (Date.now() > deadline) {
      const shown = short.slice(0, 5).map((id) => {
        const run = latest.get(id);
        return run ? describeRun(run) : `${id} unread`;
      });
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}: ${runIds.length - short.length}/${runIds.length} ` +
          `(${statusSummary(latest.values())})${lastError ? `; last error: ${lastError}` : ""}\n  ${shown.join("\n  ")}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
