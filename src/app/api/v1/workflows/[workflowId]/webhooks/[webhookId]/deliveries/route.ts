// GET /api/v1/workflows/:workflowId/webhooks/:webhookId/deliveries – the endpoint's deliveries, newest first, a page at a time
import { publicApiPreflight } from "@/server/http/public-api-cors";
import { apiKeyRoute } from "@/server/http/route";
import { V1 } from "@/server/openapi/v1-operations";
import { getWebhookOrThrow, listDeliveries } from "@/server/webhooks/queries";

export const GET = apiKeyRoute(V1.listWebhookDeliveries, async ({ params, query, caller, db }) => {
  const endpoint = await getWebhookOrThrow(db, { workspaceId: caller.workspaceId, ...params });
  return listDeliveries(db, { workspaceId: caller.workspaceId, endpointId: endpoint.id }, query);
});

export const OPTIONS = publicApiPreflight;
