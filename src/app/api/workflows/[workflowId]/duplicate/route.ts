// POST /api/workflows/:workflowId/duplicate – a new workflow (version 1) from the current version, "<name> (copy)"
import { sessionRoute } from "@/server/http/route";
import { WorkflowParams } from "@/server/workflows/contracts";
import { duplicateWorkflow } from "@/server/workflows/duplicate-workflow";

export const POST = sessionRoute({ params: WorkflowParams, status: 201 }, async ({ params, caller, db }) =>
  duplicateWorkflow(db, { workspaceId: caller.workspaceId, workflowId: params.workflowId }),
);
