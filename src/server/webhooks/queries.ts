import { and, desc, eq, isNull, lt, type SQL } from "drizzle-orm";
import { getEnv } from "@/lib/env";
import { notFound } from "@/lib/errors";
import type { DatabaseOrTransaction } from "../db/client";
import {
  type WebhookDelivery,
  type WebhookEndpoint,
  webhookDeliveries,
  webhookEndpoints,
  workflows,
} from "../db/schema";
import type { ListDeliveriesQuery, WebhookDeliveryDto, WebhookDto } from "./contracts";

/** How much of a body the delivery list shows; the whole stored body stays for replays. */
const EXCERPT_CHARS = 2000;

export function webhookUrl(id: string): string {
  return `${getEnv().APP_URL.replace(/\/$/, "")}/api/webhooks/${id}`;
}

/** Never includes the secret or its ciphertext. */
export function toWebhookDto(row: WebhookEndpoint): WebhookDto {
  return {
    id: row.id,
    workflowId: row.workflowId,
    name: row.name,
    url: webhookUrl(row.id),
    verification: row.verification,
    mapping: row.mapping,
    includeHeaders: row.includeHeaders,
    enabled: row.enabled,
    previousSecretExpiresAt:
      row.previousSecretExpiresAt && row.previousSecretExpiresAt > new Date()
        ? row.previousSecretExpiresAt.toISOString()
        : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toDeliveryDto(row: WebhookDelivery): WebhookDeliveryDto {
  return {
    id: row.id,
    messageId: row.messageId,
    outcome: row.outcome,
    status: row.status,
    runId: row.runId,
    bodyExcerpt: row.body === null ? null : row.body.slice(0, EXCERPT_CHARS),
    bodyBytes: row.bodyBytes,
    headers: row.headers,
    error: row.error,
    replayOf: row.replayOf,
    receivedAt: row.receivedAt.toISOString(),
  };
}

/**
 * The endpoint matching `condition`, if its workflow still exists: a deleted workflow's
 * endpoints are gone with it, for the management routes and the receiver alike.
 */
export async function findLiveEndpoint(
  db: DatabaseOrTransaction,
  condition: SQL | undefined,
): Promise<WebhookEndpoint | undefined> {
  const [found] = await db
    .select({ endpoint: webhookEndpoints })
    .from(webhookEndpoints)
    .innerJoin(workflows, and(eq(workflows.id, webhookEndpoints.workflowId), isNull(workflows.deletedAt)))
    .where(condition);
  return found?.endpoint;
}

/** An endpoint of this workflow in this workspace; anything else is 404, as if it did not exist. */
export async function getWebhookOrThrow(
  db: DatabaseOrTransaction,
  scope: { workspaceId: string; workflowId: string; webhookId: string },
): Promise<WebhookEndpoint> {
  const endpoint = await findLiveEndpoint(
    db,
    and(
      eq(webhookEndpoints.workspaceId, scope.workspaceId),
      eq(webhookEndpoints.workflowId, scope.workflowId),
      eq(webhookEndpoints.id, scope.webhookId),
    ),
  );
  if (!endpoint) throw notFound("Webhook");
  return endpoint;
}

export async function listWebhooks(
  db: DatabaseOrTransaction,
  scope: { workspaceId: string; workflowId: string },
): Promise<WebhookDto[]> {
  const rows = await db
    .select()
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.workspaceId, scope.workspaceId),
        eq(webhookEndpoints.workflowId, scope.workflowId),
      ),
    )
    .orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id));
  return rows.map(toWebhookDto);
}

/** An endpoint's deliveries, newest first; ids sort by time, so the cursor is the last id seen. */
export async function listDeliveries(
  db: DatabaseOrTransaction,
  scope: { workspaceId: string; endpointId: string },
  query: ListDeliveriesQuery,
): Promise<{ data: WebhookDeliveryDto[]; nextCursor: string | null }> {
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.workspaceId, scope.workspaceId),
        eq(webhookDeliveries.endpointId, scope.endpointId),
        query.cursor ? lt(webhookDeliveries.id, query.cursor) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { data: page.map(toDeliveryDto), nextCursor: rows.length > query.limit && last ? last.id : null };
}

export async function getDeliveryOrThrow(
  db: DatabaseOrTransaction,
  scope: { workspaceId: string; endpointId: string; deliveryId: string },
): Promise<WebhookDelivery> {
  const [row] = await db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.workspaceId, scope.workspaceId),
        eq(webhookDeliveries.endpointId, scope.endpointId),
        eq(webhookDeliveries.id, scope.deliveryId),
      ),
    );
  if (!row) throw notFound("Delivery");
  return row;
}
