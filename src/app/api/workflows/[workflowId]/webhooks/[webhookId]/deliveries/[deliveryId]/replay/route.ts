// POST /api/workflows/:workflowId/webhooks/:webhookId/deliveries/:deliveryId/replay – a new run from a delivery's stored body (202)
import { sessionRoute } from "@/server/http/route";
import { WebhookDeliveryParams } from "@/server/webhooks/contracts";
import { replayDelivery } from "@/server/webhooks/replay-delivery";

export const POST = sessionRoute(
  { params: WebhookDeliveryParams, status: 202 },
  async ({ params, caller, db }) => replayDelivery(db, { workspaceId: caller.workspaceId, ...params }),
);
