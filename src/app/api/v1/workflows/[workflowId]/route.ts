// GET /api/v1/workflows/:workflowId – the workflow with its current graph
// PUT /api/v1/workflows/:workflowId – save a new immutable version
import { publicApiPreflight } from "@/server/http/public-api-cors";
import { apiKeyRoute } from "@/server/http/route";
import { V1 } from "@/server/openapi/v1-operations";
import { getWorkflowDetail } from "@/server/workflows/queries";
import { updateWorkflow } from "@/server/workflows/update-workflow";

export const GET = apiKeyRoute(V1.getWorkflow, async ({ params, caller, db }) =>
  getWorkflowDetail(db, caller.workspaceId, params.workflowId),
);

export const PUT = apiKeyRoute(V1.updateWorkflow, async ({ params, body, caller, db }) =>
  updateWorkflow(db, { workspaceId: caller.workspaceId, workflowId: params.workflowId, body }),
);

export const OPTIONS = publicApiPreflight;
