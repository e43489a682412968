// POST /api/v1/workflows/:workflowId/webhooks/:webhookId/rotate – a new signing secret (shown once); the old one verifies through the grace
import { publicApiPreflight } from "@/server/http/public-api-cors";
import { apiKeyRoute } from "@/server/http/route";
import { V1 } from "@/server/openapi/v1-operations";
import { rotateWebhookSecret } from "@/server/webhooks/rotate-webhook-secret";

export const POST = apiKeyRoute(V1.rotateWebhookSecret, async ({ params, body, caller, db }) =>
  rotateWebhookSecret(db, { workspaceId: caller.workspaceId, ...params, body }),
);

export const OPTIONS = publicApiPreflight;
