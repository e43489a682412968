import { and, eq } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { DatabaseOrTransaction } from "../db/client";
import { type CredentialKind, credentials } from "../db/schema";
import { decryptSecret } from "./secret-box";

/**
 * The decrypted secret a node needs, found by name in the run's workspace. For
 * executors only: the value must never be logged, stored in outputs or events.
 */
export async function getCredentialSecret(
  db: DatabaseOrTransaction,
  args: { workspaceId: string; name: string; kind: CredentialKind },
): Promise<{ secret: string; metadata: Record<string, string> }> {
  const [row] = await db
    .select()
    .from(credentials)
    .where(and(eq(credentials.workspaceId, args.workspaceId), eq(credentials.name, args.name)));
  if (!row) throw new AppError("not_found", `No credential named "${args.name}" in this workspace`);
  if (row.kind !== args.kind) {
    throw new AppError(
      "validation_failed",
      `Credential "${args.name}" is a ${row.kind} credential, not ${args.kind}`,
    );
  }
  return { secret: decryptSecret(row, row.id), metadata: row.metadata };
}
