import { desc, eq } from "drizzle-orm";
import type { DatabaseOrTransaction } from "../db/client";
import { apiKeys } from "../db/schema";
import { toApiKeyDto } from "./contracts";

export async function listApiKeys(db: DatabaseOrTransaction, workspaceId: string) {
  const rows = await db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.workspaceId, workspaceId))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
  return rows.map(toApiKeyDto);
}
