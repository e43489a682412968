import { AppError } from "@/lib/errors";
import type { Database } from "../db/client";
import { getDeliveryOrThrow, getWebhookOrThrow } from "./queries";
import { startWebhookRun } from "./start-webhook-run";

/**
 * A new run from a delivery's stored body and headers, through the endpoint's current mapping,
 * recorded as a delivery with `replayOf`. Never deduplicated: each replay is a run. Only a body
 * kept whole can be replayed, i.e. one whose signature was valid.
 */
export async function replayDelivery(
  db: Database,
  args: { workspaceId: string; workflowId: string; webhookId: string; deliveryId: string },
): Promise<{ runId: string; deliveryId: string }> {
  const endpoint = await getWebhookOrThrow(db, args);
  const delivery = await getDeliveryOrThrow(db, { ...args, endpointId: endpoint.id });
  if (
    delivery.outcome === "rejected_signature" ||
    delivery.body === null ||
    Buffer.byteLength(delivery.body) !== delivery.bodyBytes
  ) {
    throw new AppError(
      "conflict",
      "Only a delivery with a valid signature (its body kept whole) can be replayed",
    );
  }
  const result = await startWebhookRun(db, endpoint, {
    rawBody: delivery.body,
    headers: delivery.headers,
    messageId: delivery.messageId,
    replayOf: delivery.id,
  });
  return { runId: result.runId, deliveryId: result.deliveryId };
}
