import { AppError } from "@/lib/errors";
import type { Caller } from "../auth/caller";
import { getDb } from "../db/client";
import { listRuns } from "../runs/list-runs";
import { exampleInputFor } from "../workflows/example-input";
import { getWorkflowWithCurrentVersion } from "../workflows/queries";

const RECENT_RUNS = 10;

/**
 * A workflow's page: what it is, its nodes, the input schema the run form is
 * built from (with a starting value), and its latest runs; null when the caller
 * cannot see it (the page answers 404, like for a workflow that does not exist).
 */
export async function loadWorkflowPage(caller: Caller, workflowId: string) {
  if (!/^wf_[A-Za-z0-9_]{1,64}$/.test(workflowId)) return null;
  const db = await getDb();
  try {
    const { workflow, version } = await getWorkflowWithCurrentVersion(db, caller.workspaceId, workflowId);
    const graph = version.graph as { nodes: Array<{ id: string; type: string }> };
    const runs = await listRuns(db, caller.workspaceId, { workflowId, limit: RECENT_RUNS });
    return {
      workflow: {
        id: workflow.id,
        name: workflow.name,
        description: workflow.description,
        version: version.version,
      },
      nodes: graph.nodes.map((node) => ({ id: node.id, type: node.type })),
      inputSchema: version.inputSchema ?? null,
      exampleInput: exampleInputFor(version.inputSchema),
      runs: runs.data,
    };
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") return null;
    throw error;
  }
}
