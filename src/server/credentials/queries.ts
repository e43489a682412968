import { asc, eq } from "drizzle-orm";
import type { DatabaseOrTransaction } from "../db/client";
import { credentials } from "../db/schema";
import { toCredentialDto } from "./contracts";

export async function listCredentials(db: DatabaseOrTransaction, workspaceId: string) {
  const rows = await db
    .select()
    .from(credentials)
    .where(eq(credentials.workspaceId, workspaceId))
    .orderBy(asc(credentials.name));
  return rows.map(toCredentialDto);
}
