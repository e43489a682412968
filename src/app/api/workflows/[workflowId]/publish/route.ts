// POST /api/workflows/:workflowId/publish – save the draft as the next version (the rules of PUT), then drop it; 409 for a stale draft unless forced
import { sessionRoute } from "@/server/http/route";
import { PublishBody, WorkflowParams } from "@/server/workflows/contracts";
import { publishDraft } from "@/server/workflows/publish-draft";

export const POST = sessionRoute(
  { params: WorkflowParams, body: PublishBody },
  async ({ params, body, caller, db }) =>
    publishDraft(db, { workspaceId: caller.workspaceId, workflowId: params.workflowId, body }),
);
