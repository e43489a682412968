import { and, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { webhookEndpoints } from "../db/schema";
import { getWebhookOrThrow } from "./queries";

/** Removes an endpoint and its delivery log; its URL answers 404 from now on. Runs it started stay. */
export async function deleteWebhook(
  db: Database,
  args: { workspaceId: string; workflowId: string; webhookId: string },
): Promise<{ id: string; deleted: true }> {
  await getWebhookOrThrow(db, args);
  await db
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.workspaceId, args.workspaceId), eq(webhookEndpoints.id, args.webhookId)));
  return { id: args.webhookId, deleted: true };
}
