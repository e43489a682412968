import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { Database } from "../db/client";
import { runs, type WebhookDeliveryOutcome, type WebhookEndpoint } from "../db/schema";
import { parseJsonText } from "../http/parse-request";
import { startRun } from "../runs/start-run";
import { mapWebhookInput } from "./map-webhook-input";
import { recordDelivery } from "./record-delivery";

export type WebhookRunResult = { runId: string; duplicate: boolean; deliveryId: string };

/**
 * From an authenticated body to a run, recording the delivery whatever happens: parse (depth and
 * storability guards), the message id (Stripe's is the event's `id`), the mapping, then startRun,
 * which validates the input against the workflow's input schema.
 *
 * Deduplication is the run's: with a message id the idempotency key is
 * `webhook:<endpoint id>:<message id>`, unique per workspace, so concurrent deliveries and
 * deliveries after a restart make one run. A message id is the message: a re-delivery whose body
 * (or mapped input) differs from the first is still a duplicate and answers the original run, so
 * a sender never retries into an endless 409.
 */
export async function startWebhookRun(
  db: Database,
  endpoint: WebhookEndpoint,
  delivery: {
    rawBody: string;
    headers: Record<string, string>;
    messageId: string | null;
    /** Stripe: the message id is the event's `id`, read once the body is parsed. */
    messageIdInBody?: boolean;
    /** A replay: no deduplication, a new run each time. */
    replayOf?: string;
  },
): Promise<WebhookRunResult> {
  let messageId = delivery.messageId;
  const record = (
    outcome: WebhookDeliveryOutcome,
    status: number,
    extra: { runId?: string; error?: string },
  ) =>
    recordDelivery(db, endpoint, {
      outcome,
      status,
      messageId,
      rawBody: delivery.rawBody,
      headers: delivery.headers,
      replayOf: delivery.replayOf ?? null,
      ...extra,
    });
  try {
    const body = parseJsonText(delivery.rawBody);
    if (delivery.messageIdInBody) messageId = eventIdOf(body);
    const input = await mapWebhookInput(endpoint.mapping, { body, headers: delivery.headers });
    const idempotencyKey =
      delivery.replayOf || !messageId ? undefined : idempotencyKeyOf(endpoint.id, messageId);
    const { runId, created } = await startOrFind(db, endpoint, input, idempotencyKey);
    const deliveryId = await record(created ? "accepted" : "duplicate", created ? 202 : 200, { runId });
    return { runId, duplicate: !created, deliveryId };
  } catch (error) {
    const status = error instanceof AppError ? error.status : 500;
    const message =
      error instanceof AppError && status < 500 ? error.message : "The run could not be started";
    await record(status < 500 ? "rejected_input" : "failed", status, { error: message });
    throw error;
  }
}

async function startOrFind(
  db: Database,
  endpoint: WebhookEndpoint,
  input: Record<string, unknown>,
  idempotencyKey: string | undefined,
): Promise<{ runId: string; created: boolean }> {
  const scope = { workspaceId: endpoint.workspaceId, workflowId: endpoint.workflowId };
  try {
    const { run, created } = await startRun(db, {
      ...scope,
      body: { input, idempotencyKey },
      trigger: "webhook",
    });
    return { runId: run.runId, created };
  } catch (error) {
    // startRun's "same key, another request": for a webhook the message id decides, not the body.
    if (idempotencyKey && error instanceof AppError && error.code === "conflict") {
      const [existing] = await db
        .select({ id: runs.id })
        .from(runs)
        .where(and(eq(runs.workspaceId, endpoint.workspaceId), eq(runs.idempotencyKey, idempotencyKey)));
      if (existing) return { runId: existing.id, created: false };
    }
    throw error;
  }
}

/** Fits any message id into the runs' 200-character idempotency key: a long one is hashed. */
function idempotencyKeyOf(endpointId: string, messageId: string): string {
  const id = messageId.length <= 128 ? messageId : createHash("sha256").update(messageId).digest("hex");
  return `webhook:${endpointId}:${id}`;
}

function eventIdOf(body: unknown): string {
  const id = (body as { id?: unknown } | null)?.id;
  if (typeof id !== "string" || id === "" || id.length > 256) {
    throw new AppError(
      "validation_failed",
      "A Stripe event needs its `id` (a string): it names the message",
      [{ path: ["body", "id"], message: "required: the event id", code: "missing_event_id" }],
    );
  }
  return id;
}
