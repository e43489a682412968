import type { Database } from "@/server/db/client";
import { workspaces } from "@/server/db/schema";
import { beginRunExecution } from "@/server/runs/begin-run-execution";
import { insertQueuedRun } from "@/server/runs/insert-queued-run";
import { createWorkflow } from "@/server/workflows/create-workflow";
import { getWorkflowWithCurrentVersion } from "@/server/workflows/queries";

/**
 * For tests of the use-cases a run's steps call, without an engine: a workspace of their own, and
 * runs of a graph moved to `running` by the real `start` step's use-case (pending step rows, the
 * run claimed), as an execution would leave them before its first node.
 */
export async function createTestWorkspace(db: Database, workspaceId: string): Promise<void> {
  await db
    .insert(workspaces)
    .values({ id: workspaceId, name: workspaceId, kind: "personal", externalId: workspaceId });
}

export async function startRunningRun(db: Database, workspaceId: string, graph: unknown): Promise<string> {
  const workflow = await createWorkflow(db, { workspaceId, body: { name: "test", graph } as never });
  const { version } = await getWorkflowWithCurrentVersion(db, workspaceId, workflow.id);
  const run = await insertQueuedRun(db, version, { trigger: "api", input: {}, nodeCount: 0 });
  const begun = await beginRunExecution(db, run.id, `exec_${run.id}`);
  if (begun.kind !== "begun") throw new Error(`run ${run.id} did not begin: ${begun.kind}`);
  return run.id;
}
