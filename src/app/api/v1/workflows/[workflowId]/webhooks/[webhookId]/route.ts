// GET /api/v1/workflows/:workflowId/webhooks/:webhookId – one endpoint (never its secret)
// PATCH /api/v1/workflows/:workflowId/webhooks/:webhookId – rename, disable/enable, change mapping, headers or verification
// DELETE /api/v1/workflows/:workflowId/webhooks/:webhookId – delete an endpoint and its delivery log
import { publicApiPreflight } from "@/server/http/public-api-cors";
import { apiKeyRoute } from "@/server/http/route";
import { V1 } from "@/server/openapi/v1-operations";
import { deleteWebhook } from "@/server/webhooks/delete-webhook";
import { getWebhookOrThrow, toWebhookDto } from "@/server/webhooks/queries";
import { updateWebhook } from "@/server/webhooks/update-webhook";

export const GET = apiKeyRoute(V1.getWebhook, async ({ params, caller, db }) =>
  toWebhookDto(await getWebhookOrThrow(db, { workspaceId: caller.workspaceId, ...params })),
);

export const PATCH = apiKeyRoute(V1.updateWebhook, async ({ params, body, caller, db }) =>
  updateWebhook(db, { workspaceId: caller.workspaceId, ...params, body }),
);

export const DELETE = apiKeyRoute(V1.deleteWebhook, async ({ params, caller, db }) =>
  deleteWebhook(db, { workspaceId: caller.workspaceId, ...params }),
);

export const OPTIONS = publicApiPreflight;
