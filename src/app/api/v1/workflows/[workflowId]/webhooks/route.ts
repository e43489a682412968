// GET /api/v1/workflows/:workflowId/webhooks – the workflow's webhook endpoints (never their secrets)
// POST /api/v1/workflows/:workflowId/webhooks – create an endpoint; its signing secret is shown in this answer only
import { publicApiPreflight } from "@/server/http/public-api-cors";
import { apiKeyRoute } from "@/server/http/route";
import { V1 } from "@/server/openapi/v1-operations";
import { createWebhook } from "@/server/webhooks/create-webhook";
import { listWebhooks } from "@/server/webhooks/queries";
import { getWorkflowOrThrow } from "@/server/workflows/queries";

export const GET = apiKeyRoute(V1.listWebhooks, async ({ params, caller, db }) => {
  await getWorkflowOrThrow(db, caller.workspaceId, params.workflowId);
  return { data: await listWebhooks(db, { workspaceId: caller.workspaceId, workflowId: params.workflowId }) };
});

export const POST = apiKeyRoute(V1.createWebhook, async ({ params, body, caller, db }) =>
  createWebhook(db, { workspaceId: caller.workspaceId, workflowId: params.workflowId, body }),
);

export const OPTIONS = publicApiPreflight;
