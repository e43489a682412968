import { and, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { webhookEndpoints } from "../db/schema";
import type { UpdateWebhookBody, WebhookDto } from "./contracts";
import { assertMappingSyntax } from "./map-webhook-input";
import { getWebhookOrThrow, toWebhookDto } from "./queries";

/** Renames, disables or re-enables an endpoint, or changes how it maps and verifies; never its secret (see rotate). */
export async function updateWebhook(
  db: Database,
  args: { workspaceId: string; workflowId: string; webhookId: string; body: UpdateWebhookBody },
): Promise<WebhookDto> {
  const { body } = args;
  await getWebhookOrThrow(db, args);
  if (body.mapping) assertMappingSyntax(body.mapping);
  const [row] = await db
    .update(webhookEndpoints)
    .set({
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.verification !== undefined ? { verification: body.verification } : {}),
      ...(body.mapping !== undefined ? { mapping: body.mapping } : {}),
      ...(body.includeHeaders !== undefined ? { includeHeaders: [...new Set(body.includeHeaders)] } : {}),
      ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
      updatedAt: new Date(),
    })
    .where(and(eq(webhookEndpoints.workspaceId, args.workspaceId), eq(webhookEndpoints.id, args.webhookId)))
    .returning();
  if (!row) return toWebhookDto(await getWebhookOrThrow(db, args));
  return toWebhookDto(row);
}
