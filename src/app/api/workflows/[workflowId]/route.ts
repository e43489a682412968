// GET /api/workflows/:workflowId – the workflow with its current graph
// PUT /api/workflows/:workflowId – save a new immutable version
// DELETE /api/workflows/:workflowId – soft delete (404 from then on; runs keep their rows)
import { sessionRoute } from "@/server/http/route";
import { UpdateWorkflowBody, WorkflowParams } from "@/server/workflows/contracts";
import { deleteWorkflow } from "@/server/workflows/delete-workflow";
import { getWorkflowDetail } from "@/server/workflows/queries";
import { updateWorkflow } from "@/server/workflows/update-workflow";

export const GET = sessionRoute({ params: WorkflowParams }, async ({ params, caller, db }) =>
  getWorkflowDetail(db, caller.workspaceId, params.workflowId),
);

export const PUT = sessionRoute(
  { params: WorkflowParams, body: UpdateWorkflowBody },
  async ({ params, body, caller, db }) =>
    updateWorkflow(db, { workspaceId: caller.workspaceId, workflowId: params.workflowId, body }),
);

export const DELETE = sessionRoute({ params: WorkflowParams }, async ({ params, caller, db }) => {
  await deleteWorkflow(db, { workspaceId: caller.workspaceId, workflowId: params.workflowId });
  return new Response(null, { status: 204 });
});
