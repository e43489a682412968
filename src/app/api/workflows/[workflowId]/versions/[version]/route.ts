// GET /api/workflows/:workflowId/versions/:version – one version's definition (graph and input schema)
import { sessionRoute } from "@/server/http/route";
import { WorkflowVersionParams } from "@/server/workflows/contracts";
import { getWorkflowVersion } from "@/server/workflows/version-queries";

export const GET = sessionRoute({ params: WorkflowVersionParams }, async ({ params, caller, db }) =>
  getWorkflowVersion(db, caller.workspaceId, params.workflowId, params.version),
);
