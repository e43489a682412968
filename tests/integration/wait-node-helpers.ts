import { expect } from "vitest";
import type { Stack } from "../helpers/stack";

/** Route-level helpers for the approval and sub-workflow suites: everything goes through the real handlers. */

export type RunBody = {
  id: string;
  status: string;
  version: number;
  trigger: string;
  parentRunId: string | null;
  depth: number;
  output: unknown;
  error: { message: string; nodeId?: string; code?: string } | null;
  steps: Array<{
    nodeId: string;
    status: string;
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
    const started = await stack().api<{ runId: string }>("POST", `/api/workflows/${workflowId}/runs`, {
      input,
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
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

/** A workflow (version 1) in a workspace other than the local one, created below the API. */
export async function foreignWorkflow(graph: unknown) {
  const { getDb } = await import("@/server/db/client");
  const { ensureWorkspace } = await import("@/server/workspaces/ensure-workspace");
  const { createWorkflow } = await import("@/server/workflows/create-workflow");
  const { CreateWorkflowBody } = await import("@/server/workflows/contracts");
  const workspace = await ensureWorkspace("personal", "user_someone_else");
  const workflow = await createWorkflow(await getDb(), {
    workspaceId: workspace.id,
    body: CreateWorkflowBody.parse({ name: "not yours", graph }),
  });
  return { workspaceId: workspace.id, workflowId: workflow.id };
}
