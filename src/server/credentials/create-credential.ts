import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import type { Database } from "../db/client";
import { credentials } from "../db/schema";
import { type CreateCredentialBody, type CredentialDto, toCredentialDto } from "./contracts";
import { encryptSecret } from "./secret-box";

/** Stores a secret encrypted; the answer never contains it. A name is unique in its workspace. */
export async function createCredential(
  db: Database,
  args: { workspaceId: string; createdBy: string; body: CreateCredentialBody },
): Promise<CredentialDto> {
  const id = newId("credential");
  const sealed = encryptSecret(args.body.secret, id);
  const [row] = await db
    .insert(credentials)
    .values({
      id,
      workspaceId: args.workspaceId,
      name: args.body.name,
      kind: args.body.kind,
      metadata: args.body.metadata,
      keyId: sealed.keyId,
      ciphertext: sealed.ciphertext,
      createdBy: args.createdBy,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new AppError("conflict", `A credential named "${args.body.name}" already exists`);
  return toCredentialDto(row);
}
