import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { Caller } from "../auth/caller";
import { getDb } from "../db/client";
import { listRuns } from "../runs/list-runs";
import { exampleInputFor } from "../workflows/example-input";
import { getWorkflowWithCurrentVersion } from "../workflows/queries";
import { findDraftSummary, listWorkflowVersions } from "../workflows/version-queries";

const RECENT_RUNS = 10;

/**
 * A workflow's page: what it is, its nodes, the input schema the run form is
 * built from (with a starting value), its latest runs, its version history and
 * draft in progress, and how to run it from the API; null when the caller
 * cannot see it (the page answers 404, like for a workflow that does not exist).
 */
export async function loadWorkflowPage(caller: Caller, workflowId: string) {
  if (!/^wf_[A-Za-z0-9_]{1,64}$/.test(workflowId)) return null;
  const db = await getDb();
  try {
    const { workflow, version } = await getWorkflowWithCurrentVersion(db, caller.workspaceId, workflowId);
    const graph = version.graph as { nodes: Array<{ id: string; type: string }> };
    const runs = await listRuns(db, caller.workspaceId, { workflowId, limit: RECENT_RUNS });
    const versions = await listWorkflowVersions(db, caller.workspaceId, workflowId);
    const draft = await findDraftSummary(db, caller.workspaceId, workflowId);
    const exampleInput = exampleInputFor(version.inputSchema);
    return {
      workflow: {
        id: workflow.id,
        name: workflow.name,
        description: workflow.description,
        version: version.version,
      },
      nodes: graph.nodes.map((node) => ({ id: node.id, type: node.type })),
      inputSchema: version.inputSchema ?? null,
      exampleInput,
      runs: runs.data,
      versions: versions.data,
      draft,
      runSnippet: runSnippet(getEnv().APP_URL.replace(/\/$/, ""), workflow.id, exampleInput),
    };
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") return null;
    throw error;
  }
}

function runSnippet(origin: string, workflowId: string, input: Record<string, unknown>): string {
  const body = JSON.stringify({ input }).replaceAll("'", "'\\''");
  return `curl -s -X POST ${origin}/api/v1/workflows/${workflowId}/runs \\\n  -H "authorization: Bearer $STEPWISE_API_KEY" \\\n  -H 'content-type: application/json' -d '${body}'`;
}
