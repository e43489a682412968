import { and, eq } from "drizzle-orm";
import { notFound } from "@/lib/errors";
import type { Database } from "../db/client";
import { credentials } from "../db/schema";
import { type CredentialDto, toCredentialDto, type UpdateCredentialBody } from "./contracts";
import { encryptSecret } from "./secret-box";

/**
 * Rotates a credential's secret (sealed again under the current key) and/or replaces its settings.
 * Nodes read the secret when they run, so the next call uses the new one; the answer never holds it.
 */
export async function updateCredential(
  db: Database,
  args: { workspaceId: string; credentialId: string; body: UpdateCredentialBody },
): Promise<CredentialDto> {
  const sealed =
    args.body.secret === undefined ? undefined : encryptSecret(args.body.secret, args.credentialId);
  const [row] = await db
    .update(credentials)
    .set({
      ...(sealed && { keyId: sealed.keyId, ciphertext: sealed.ciphertext }),
      ...(args.body.metadata && { metadata: args.body.metadata }),
      updatedAt: new Date(),
    })
    .where(and(eq(credentials.id, args.credentialId), eq(credentials.workspaceId, args.workspaceId)))
    .returning();
  if (!row) throw notFound("Credential");
  return toCredentialDto(row);
}
