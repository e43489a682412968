import { newId } from "@/lib/ids";
import type { Database } from "../db/client";
import { webhookEndpoints } from "../db/schema";
import { getWorkflowOrThrow } from "../workflows/queries";
import type { CreateWebhookBody, WebhookWithSecretDto } from "./contracts";
import { assertMappingSyntax } from "./map-webhook-input";
import { toWebhookDto } from "./queries";
import { generateWebhookSecret, sealWebhookSecret } from "./webhook-secret";

/** A new endpoint for a workflow of the caller's workspace; the answer holds its secret, the only time it is shown. */
export async function createWebhook(
  db: Database,
  args: { workspaceId: string; workflowId: string; body: CreateWebhookBody },
): Promise<WebhookWithSecretDto> {
  const { body } = args;
  await getWorkflowOrThrow(db, args.workspaceId, args.workflowId);
  if (body.mapping) assertMappingSyntax(body.mapping);
  const id = newId("webhook");
  const secret = body.secret ?? generateWebhookSecret();
  const [row] = await db
    .insert(webhookEndpoints)
    .values({
      id,
      workspaceId: args.workspaceId,
      workflowId: args.workflowId,
      name: body.name,
      verification: body.verification,
      mapping: body.mapping,
      includeHeaders: [...new Set(body.includeHeaders)],
      enabled: body.enabled,
      ...sealWebhookSecret(secret, id),
    })
    .returning();
  if (!row) throw new Error("insert returned no row");
  return { ...toWebhookDto(row), secret };
}
