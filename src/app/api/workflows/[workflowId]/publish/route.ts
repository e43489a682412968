// POST /api/workflows/:workflowId/publish – save the draft as the next version (the rules of PUT), then drop it
import { sessionRoute } from "@/server/http/route";
import { WorkflowParams } from "@/server/workflows/contracts";
import { publishDraft } from "@/server/workflows/publish-draft";

export const POST = sessionRoute({ params: WorkflowParams }, async ({ params, caller, db }) =>
  publishDraft(db, { workspaceId: caller.workspaceId, workflowId: params.workflowId }),
);
