// GET /api/workflows/:workflowId/webhooks/:webhookId – one endpoint (never its secret)
// PATCH /api/workflows/:workflowId/webhooks/:webhookId – rename, disable/enable, change mapping, headers or verification
// DELETE /api/workflows/:workflowId/webhooks/:webhookId – delete an endpoint and its delivery log
import { sessionRoute } from "@/server/http/route";
import { UpdateWebhookBody, WebhookParams } from "@/server/webhooks/contracts";
import { deleteWebhook } from "@/server/webhooks/delete-webhook";
import { getWebhookOrThrow, toWebhookDto } from "@/server/webhooks/queries";
import { updateWebhook } from "@/server/webhooks/update-webhook";

export const GET = sessionRoute({ params: WebhookParams }, async ({ params, caller, db }) =>
  toWebhookDto(await getWebhookOrThrow(db, { workspaceId: caller.workspaceId, ...params })),
);

export const PATCH = sessionRoute(
  { params: WebhookParams, body: UpdateWebhookBody },
  async ({ params, body, caller, db }) =>
    updateWebhook(db, { workspaceId: caller.workspaceId, ...params, body }),
);

export const DELETE = sessionRoute({ params: WebhookParams }, async ({ params, caller, db }) =>
  deleteWebhook(db, { workspaceId: caller.workspaceId, ...params }),
);
