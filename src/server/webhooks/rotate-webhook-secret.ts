import { and, eq } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { Database } from "../db/client";
import { webhookEndpoints } from "../db/schema";
import { type RotateWebhookBody, STANDARD_SECRET, type WebhookWithSecretDto } from "./contracts";
import { getWebhookOrThrow, toWebhookDto } from "./queries";
import { generateWebhookSecret, sealWebhookSecret } from "./webhook-secret";

/**
 * A new signing secret, shown once. The one it replaces keeps verifying for `graceSeconds`, so
 * senders can switch without a window of refused deliveries; a secret from an earlier rotation,
 * still in its grace, is dropped (only one previous secret is kept).
 */
export async function rotateWebhookSecret(
  db: Database,
  args: { workspaceId: string; workflowId: string; webhookId: string; body: RotateWebhookBody },
): Promise<WebhookWithSecretDto> {
  const endpoint = await getWebhookOrThrow(db, args);
  const { body } = args;
  if (
    body.secret !== undefined &&
    endpoint.verification === "standard" &&
    !STANDARD_SECRET.test(body.secret)
  ) {
    throw new AppError("validation_failed", "Invalid body: secret: not a Standard Webhooks secret", [
      {
        path: ["body", "secret"],
        message: "a Standard Webhooks secret is whsec_ followed by base64 of at least 24 bytes",
      },
    ]);
  }
  if (body.secret === undefined && endpoint.verification === "stripe") {
    throw new AppError(
      "validation_failed",
      "Invalid body: secret: Stripe's new endpoint secret is required",
      [
        {
          path: ["body", "secret"],
          message:
            "Stripe signs with its own endpoint secret: roll it in Stripe's dashboard and pass it as secret",
        },
      ],
    );
  }
  const secret = body.secret ?? generateWebhookSecret();
  const now = new Date();
  const [row] = await db
    .update(webhookEndpoints)
    .set({
      ...sealWebhookSecret(secret, endpoint.id),
      previousKeyId: endpoint.keyId,
      previousSecretCiphertext: endpoint.secretCiphertext,
      previousSecretExpiresAt: new Date(now.getTime() + body.graceSeconds * 1000),
      updatedAt: now,
    })
    .where(and(eq(webhookEndpoints.workspaceId, args.workspaceId), eq(webhookEndpoints.id, endpoint.id)))
    .returning();
  if (!row) throw new AppError("not_found", "Webhook not found");
  return { ...toWebhookDto(row), secret };
}
