import { newId } from "@/lib/ids";
import type { Database } from "../db/client";
import { apiKeys } from "../db/schema";
import { generateApiKeySecret } from "./api-key-secret";
import { type ApiKeyDto, type CreateApiKeyBody, toApiKeyDto } from "./contracts";

/** Creates a key and returns its secret, the only time anyone sees it. */
export async function createApiKey(
  db: Database,
  args: { workspaceId: string; createdBy: string; body: CreateApiKeyBody },
): Promise<ApiKeyDto & { secret: string }> {
  const { secret, prefix, hash } = generateApiKeySecret();
  const [key] = await db
    .insert(apiKeys)
    .values({
      id: newId("apiKey"),
      workspaceId: args.workspaceId,
      name: args.body.name,
      prefix,
      hash,
      scopes: args.body.scopes,
      createdBy: args.createdBy,
      expiresAt: args.body.expiresAt ? new Date(args.body.expiresAt) : null,
    })
    .returning();
  if (!key) throw new Error("insert returned no row");
  return { ...toApiKeyDto(key), secret };
}
