export { type RunBody, runHelpers, stepOf } from "../helpers/run-helpers";

/** Helpers of the approval and sub-workflow suites; the general run helpers live in tests/helpers. */

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
