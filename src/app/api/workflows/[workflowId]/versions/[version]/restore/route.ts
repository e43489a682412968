// POST /api/workflows/:workflowId/versions/:version/restore – put that version into the draft, to publish as the next version
import { sessionRoute } from "@/server/http/route";
import { WorkflowVersionParams } from "@/server/workflows/contracts";
import { restoreVersion } from "@/server/workflows/restore-version";

export const POST = sessionRoute({ params: WorkflowVersionParams }, async ({ params, caller, db }) =>
  restoreVersion(db, {
    workspaceId: caller.workspaceId,
    workflowId: params.workflowId,
    version: params.version,
  }),
);
