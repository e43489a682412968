// GET /api/workflows/:workflowId/export – the current version as a self-contained `stepwise.workflow` document
import { sessionRoute } from "@/server/http/route";
import { WorkflowParams } from "@/server/workflows/contracts";
import { exportWorkflow } from "@/server/workflows/export-workflow";

export const GET = sessionRoute({ params: WorkflowParams }, async ({ params, caller, db }) =>
  exportWorkflow(db, { workspaceId: caller.workspaceId, workflowId: params.workflowId }),
);
