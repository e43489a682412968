// GET /api/workflows/:workflowId/versions – the version history, newest first, with node and edge counts
import { sessionRoute } from "@/server/http/route";
import { WorkflowParams } from "@/server/workflows/contracts";
import { listWorkflowVersions } from "@/server/workflows/version-queries";

export const GET = sessionRoute({ params: WorkflowParams }, async ({ params, caller, db }) =>
  listWorkflowVersions(db, caller.workspaceId, params.workflowId),
);
