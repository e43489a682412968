// GET /api/workflows/:workflowId – the workflow with its current graph
// PUT /api/workflows/:workflowId – save a new immutable version
import { sessionRoute } from "@/server/http/route";
import { UpdateWorkflowBody, WorkflowParams } from "@/server/workflows/contracts";
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
