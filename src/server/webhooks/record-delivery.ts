import { newId } from "@/lib/ids";
import { logger } from "@/lib/logger";
import type { Database } from "../db/client";
import { type WebhookDeliveryOutcome, type WebhookEndpoint, webhookDeliveries } from "../db/schema";

/** What is kept of a body whose signature failed: enough to debug a sender, not a store for strangers' data. */
export const UNVERIFIED_BODY_CHARS = 4096;
const MESSAGE_ID_CHARS = 256;

export type DeliveryRecord = {
  outcome: WebhookDeliveryOutcome;
  status: number;
  messageId: string | null;
  rawBody: string;
  headers: Record<string, string>;
  runId?: string | null;
  error?: string | null;
  replayOf?: string | null;
};

/**
 * Adds one line to the endpoint's delivery log and returns its id. A failure to write it is
 * logged, not thrown: the sender's answer (a run started, or why not) is true either way.
 */
export async function recordDelivery(
  db: Database,
  endpoint: Pick<WebhookEndpoint, "id" | "workspaceId">,
  record: DeliveryRecord,
): Promise<string> {
  const id = newId("webhookDelivery");
  const keepsWhole = record.outcome !== "rejected_signature";
  try {
    await db.insert(webhookDeliveries).values({
      id,
      workspaceId: endpoint.workspaceId,
      endpointId: endpoint.id,
      messageId: record.messageId?.slice(0, MESSAGE_ID_CHARS) ?? null,
      outcome: record.outcome,
      status: record.status,
      runId: record.runId ?? null,
      body: keepsWhole ? record.rawBody : record.rawBody.slice(0, UNVERIFIED_BODY_CHARS),
      bodyBytes: Buffer.byteLength(record.rawBody),
      headers: record.headers,
      error: record.error?.slice(0, 2000) ?? null,
      replayOf: record.replayOf ?? null,
    });
  } catch (error) {
    logger.warn(
      { endpointId: endpoint.id, outcome: record.outcome, err: error },
      "could not record a webhook delivery",
    );
  }
  return id;
}
