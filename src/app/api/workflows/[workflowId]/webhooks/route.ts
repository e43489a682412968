// GET /api/workflows/:workflowId/webhooks – the workflow's webhook endpoints (never their secrets)
// POST /api/workflows/:workflowId/webhooks – create an endpoint; its signing secret is shown in this answer only
import { sessionRoute } from "@/server/http/route";
import { CreateWebhookBody } from "@/server/webhooks/contracts";
import { createWebhook } from "@/server/webhooks/create-webhook";
import { listWebhooks } from "@/server/webhooks/queries";
import { WorkflowParams } from "@/server/workflows/contracts";
import { getWorkflowOrThrow } from "@/server/workflows/queries";

export const GET = sessionRoute({ params: WorkflowParams }, async ({ params, caller, db }) => {
  await getWorkflowOrThrow(db, caller.workspaceId, params.workflowId);
  return { data: await listWebhooks(db, { workspaceId: caller.workspaceId, workflowId: params.workflowId }) };
});

export const POST = sessionRoute(
  { params: WorkflowParams, body: CreateWebhookBody, status: 201 },
  async ({ params, body, caller, db }) =>
    createWebhook(db, { workspaceId: caller.workspaceId, workflowId: params.workflowId, body }),
);
