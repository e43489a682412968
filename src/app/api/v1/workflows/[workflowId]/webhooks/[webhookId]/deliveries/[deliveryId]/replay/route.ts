// POST /api/v1/workflows/:workflowId/webhooks/:webhookId/deliveries/:deliveryId/replay – a new run from a delivery's stored body (202)
import { publicApiPreflight } from "@/server/http/public-api-cors";
import { apiKeyRoute } from "@/server/http/route";
import { V1 } from "@/server/openapi/v1-operations";
import { replayDelivery } from "@/server/webhooks/replay-delivery";

export const POST = apiKeyRoute(V1.replayWebhookDelivery, async ({ params, caller, db }) =>
  replayDelivery(db, { workspaceId: caller.workspaceId, ...params }),
);

export const OPTIONS = publicApiPreflight;
