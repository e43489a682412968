import { z } from "zod";
import { CREDENTIAL_KINDS } from "@/contracts/access-kinds";
import type { Credential } from "../db/schema";

export const CredentialIdSchema = z.string().regex(/^cred_[a-z0-9]{26}$/, "not a credential id");
export const CredentialParams = z.object({ credentialId: CredentialIdSchema });

export const CreateCredentialBody = z
  .object({
    /** What nodes refer to, e.g. `openai-prod`. */
    name: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, _ and - only (max 64)"),
    kind: z.enum(CREDENTIAL_KINDS),
    /** The secret: an API key, or for `postgres` a connection URL. Stored encrypted, never shown again. */
    secret: z.string().min(1).max(4096),
    /** Non-secret settings, e.g. `{ "baseUrl": "https://api.groq.com/openai/v1" }`. */
    metadata: z.record(z.string(), z.string().max(2000)).default({}),
  })
  .strict();
export type CreateCredentialBody = z.infer<typeof CreateCredentialBody>;

/** Rotate the secret, change the settings, or both; the name and kind stay (nodes refer to the name). */
export const UpdateCredentialBody = z
  .object({
    secret: CreateCredentialBody.shape.secret.optional(),
    metadata: z.record(z.string(), z.string().max(2000)).optional(),
  })
  .strict()
  .refine((body) => body.secret !== undefined || body.metadata !== undefined, {
    message: "give a new secret, new metadata, or both",
  });
export type UpdateCredentialBody = z.infer<typeof UpdateCredentialBody>;

export type CredentialDto = {
  id: string;
  name: string;
  kind: string;
  metadata: Record<string, string>;
  createdAt: string;
  updatedAt: string;
};

/** Never includes the secret or its ciphertext. */
export function toCredentialDto(row: Credential): CredentialDto {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    metadata: row.metadata,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
