import { eq } from "drizzle-orm";
import { notFound } from "@/lib/errors";
import type { Database } from "../db/client";
import { type WebhookEndpoint, webhookEndpoints } from "../db/schema";
import { WITHHELD_HEADERS } from "./contracts";
import { findLiveEndpoint } from "./queries";
import { recordDelivery } from "./record-delivery";
import { startWebhookRun, type WebhookRunResult } from "./start-webhook-run";
import { SignatureRejected, verifySignature } from "./verify-signature";
import { verifyingSecrets } from "./webhook-secret";

/**
 * A delivery to `POST /api/webhooks/:webhookId`, after the route has checked the id's shape,
 * counted the request against the webhook rate limit and read the body within its size limit:
 * load the endpoint (unknown or disabled: 404, not recorded), verify the signature over the raw
 * body (refused: 401, recorded with the start of the body), then start the run (see startWebhookRun).
 */
export async function receiveWebhook(
  db: Database,
  args: { webhookId: string; rawBody: string; headers: Headers },
): Promise<WebhookRunResult> {
  // Unknown, disabled, or its workflow deleted: 404, not recorded.
  const endpoint = await findLiveEndpoint(db, eq(webhookEndpoints.id, args.webhookId));
  if (!endpoint?.enabled) throw notFound("Webhook");
  const headers = includedHeaders(endpoint, args.headers);
  let verified: { messageId: string | null };
  try {
    verified = verifySignature(endpoint.verification, args.rawBody, args.headers, verifyingSecrets(endpoint));
  } catch (error) {
    if (error instanceof SignatureRejected) {
      await recordDelivery(db, endpoint, {
        outcome: "rejected_signature",
        status: error.status,
        messageId: claimedMessageId(endpoint, args.headers),
        rawBody: args.rawBody,
        headers,
        error: error.message,
      });
    }
    throw error;
  }
  return startWebhookRun(db, endpoint, {
    rawBody: args.rawBody,
    headers,
    messageId: verified.messageId,
    messageIdInBody: endpoint.verification === "stripe",
  });
}

/** The headers the endpoint passes to its mapping and log: only those it names, never credentials or signatures. */
function includedHeaders(endpoint: WebhookEndpoint, headers: Headers): Record<string, string> {
  const included: Record<string, string> = {};
  for (const name of endpoint.includeHeaders) {
    if ((WITHHELD_HEADERS as readonly string[]).includes(name)) continue;
    const value = headers.get(name);
    if (value !== null) included[name] = value.slice(0, 1000);
  }
  return included;
}

/** The id an unverified request claims, for the log only. */
function claimedMessageId(endpoint: WebhookEndpoint, headers: Headers): string | null {
  if (endpoint.verification === "standard") return headers.get("webhook-id");
  if (endpoint.verification === "github") return headers.get("x-github-delivery");
  return null;
}
