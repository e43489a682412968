import { and, eq, isNull } from "drizzle-orm";
import { notFound } from "@/lib/errors";
import type { Database } from "../db/client";
import { apiKeys } from "../db/schema";
import { type ApiKeyDto, toApiKeyDto } from "./contracts";

/** Revokes a key at once (the next request with it answers 401). Revoking twice is harmless. */
export async function revokeApiKey(
  db: Database,
  args: { workspaceId: string; keyId: string },
): Promise<ApiKeyDto> {
  const scoped = and(eq(apiKeys.id, args.keyId), eq(apiKeys.workspaceId, args.workspaceId));
  const [revoked] = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(scoped, isNull(apiKeys.revokedAt)))
    .returning();
  if (revoked) return toApiKeyDto(revoked);
  const [existing] = await db.select().from(apiKeys).where(scoped);
  if (!existing) throw notFound("API key");
  return toApiKeyDto(existing);
}
