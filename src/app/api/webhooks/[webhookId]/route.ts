// POST /api/webhooks/:webhookId – a sender's signed delivery: starts one run per message id (202; a repeat 200)

import { MAX_BODY_BYTES } from "@/server/http/body-limits";
import { clientIp } from "@/server/http/client-ip";
import { json } from "@/server/http/error-response";
import { linkRoute } from "@/server/http/link-route";
import { WebhookReceiverParams } from "@/server/webhooks/contracts";
import { receiveWebhook } from "@/server/webhooks/receive-webhook";

export const POST = linkRoute(
  {
    params: WebhookReceiverParams,
    // Per endpoint and source, counted before the body is read: a flood costs one store call each.
    rateLimit: {
      class: "webhook",
      key: ({ webhookId }, request) => `${webhookId}:${clientIp(request) ?? "unknown"}`,
    },
    rawBody: { maxBytes: MAX_BODY_BYTES },
  },
  async ({ params, rawBody, request, requestId, db }) => {
    const result = await receiveWebhook(db, {
      webhookId: params.webhookId,
      rawBody,
      headers: request.headers,
    });
    return result.duplicate
      ? json({ runId: result.runId, duplicate: true }, 200, requestId)
      : json({ runId: result.runId }, 202, requestId);
  },
);
