// GET /api/workflows/:workflowId/draft – the editor's draft with its issues (the current version when none)
// PUT /api/workflows/:workflowId/draft – autosave a draft, even an invalid graph; answers its issues
// DELETE /api/workflows/:workflowId/draft – discard the draft
import { sessionRoute } from "@/server/http/route";
import { DraftBody, WorkflowParams } from "@/server/workflows/contracts";
import { discardDraft } from "@/server/workflows/discard-draft";
import { getDraft } from "@/server/workflows/get-draft";
import { saveDraft } from "@/server/workflows/save-draft";

export const GET = sessionRoute({ params: WorkflowParams }, async ({ params, caller, db }) =>
  getDraft(db, { workspaceId: caller.workspaceId, workflowId: params.workflowId }),
);

export const PUT = sessionRoute(
  { params: WorkflowParams, body: DraftBody },
  async ({ params, body, caller, db }) =>
    saveDraft(db, { workspaceId: caller.workspaceId, workflowId: params.workflowId, body }),
);

export const DELETE = sessionRoute({ params: WorkflowParams }, async ({ params, caller, db }) => {
  await discardDraft(db, { workspaceId: caller.workspaceId, workflowId: params.workflowId });
  return new Response(null, { status: 204 });
});
