import { expect } from "vitest";
import type { Stack } from "./stack";

/** Route-level helpers for run suites: everything goes through the real handlers. */

export type RunBody = {
  id: string;
  status: string;
  version: number;
  trigger: string;
  parentRunId: string | null;
  depth: number;
  output: unknown;
  error: { message: string; nodeId?: string; code?: string } | null;
  counts: { nodes: number; succeeded: number; failed: number; skipped: number };
  steps: Array<{
    nodeId: string;
    status: string;
    attempt: number;
    output: unknown;
    error: { message: string; code?: string } | null;
  }>;
};

export function runHelpers(stack: () => Stack) {
  async function createWorkflow(graph: unknown, extra: Record<string, unknown> = {}) {
    const created = await stack().api<{ id: string }>("POST", "/api/workflows", {
      name: "test",
      graph,
      ...extra,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id;
  }

  async function saveVersion(workflowId: string, graph: unknown) {
    const saved = await stack().api("PUT", `/api/workflows/${workflowId}`, { graph });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  }

  async function startRun(workflowId: string, input: Record<string, unknown> = {}) {
    const started = await stack().api<{ runId: string; status: string }>(
      "POST",
      `/api/workflows/${workflowId}/runs`,
      { input },
    );
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.body.status).toBe("queued");
    return started.body.runId;
  }

  async function getRun(runId: string) {
    const run = await stack().api<RunBody>("GET", `/api/runs/${runId}`);
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    return run.body;
  }

  async function runEvents(runId: string) {
    const { getDb } = await import("@/server/db/client");
    const { listRunEvents } = await import("@/server/runs/queries");
    const { LOCAL_WORKSPACE_ID } = await import("@/server/workspaces/ensure-local-workspace");
    return listRunEvents(await getDb(), LOCAL_WORKSPACE_ID, runId);
  }

  return { createWorkflow, saveVersion, startRun, getRun, runEvents };
}

export function stepOf(run: RunBody, nodeId: string) {
  const found = run.steps.find((s) => s.nodeId === nodeId);
  if (!found) throw new Error(`no step ${nodeId} in ${JSON.stringify(run.steps.map((s) => s.nodeId))}`);
  return found;
}
