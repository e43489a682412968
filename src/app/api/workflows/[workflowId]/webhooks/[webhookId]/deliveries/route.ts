// GET /api/workflows/:workflowId/webhooks/:webhookId/deliveries – the endpoint's deliveries, newest first, a page at a time
import { sessionRoute } from "@/server/http/route";
import { ListDeliveriesQuery, WebhookParams } from "@/server/webhooks/contracts";
import { getWebhookOrThrow, listDeliveries } from "@/server/webhooks/queries";

export const GET = sessionRoute(
  { params: WebhookParams, query: ListDeliveriesQuery },
  async ({ params, query, caller, db }) => {
    const endpoint = await getWebhookOrThrow(db, { workspaceId: caller.workspaceId, ...params });
    return listDeliveries(db, { workspaceId: caller.workspaceId, endpointId: endpoint.id }, query);
  },
);
