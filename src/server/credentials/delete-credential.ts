import { and, eq } from "drizzle-orm";
import { notFound } from "@/lib/errors";
import type { Database } from "../db/client";
import { credentials } from "../db/schema";

export async function deleteCredential(db: Database, args: { workspaceId: string; credentialId: string }) {
  const [deleted] = await db
    .delete(credentials)
    .where(and(eq(credentials.id, args.credentialId), eq(credentials.workspaceId, args.workspaceId)))
    .returning({ id: credentials.id });
  if (!deleted) throw notFound("Credential");
  return { id: deleted.id, deleted: true };
}
