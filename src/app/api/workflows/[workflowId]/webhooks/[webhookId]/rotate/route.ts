// POST /api/workflows/:workflowId/webhooks/:webhookId/rotate – a new signing secret (shown once); the old one verifies through the grace
import { sessionRoute } from "@/server/http/route";
import { RotateWebhookBody, WebhookParams } from "@/server/webhooks/contracts";
import { rotateWebhookSecret } from "@/server/webhooks/rotate-webhook-secret";

export const POST = sessionRoute(
  { params: WebhookParams, body: RotateWebhookBody },
  async ({ params, body, caller, db }) =>
    rotateWebhookSecret(db, { workspaceId: caller.workspaceId, ...params, body }),
);
