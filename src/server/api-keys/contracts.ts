import { z } from "zod";
import { API_KEY_SCOPES } from "@/contracts/access-kinds";
import type { ApiKey } from "../db/schema";

export const ApiKeyIdSchema = z.string().regex(/^key_[a-z0-9]{26}$/, "not an API key id");
export const ApiKeyParams = z.object({ keyId: ApiKeyIdSchema });

export const CreateApiKeyBody = z
  .object({
    name: z.string().trim().min(1, "name is required").max(100),
    scopes: z
      .array(z.enum(API_KEY_SCOPES))
      .min(1, "give the key at least one scope")
      .refine((scopes) => new Set(scopes).size === scopes.length, "scopes must not repeat"),
    /** Optional expiry, an ISO 8601 date-time in the future. */
    expiresAt: z.iso
      .datetime({ offset: true })
      .refine((value) => Date.parse(value) > Date.now(), "expiresAt must be in the future")
      .optional(),
  })
  .strict();
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBody>;

export type ApiKeyDto = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
};

/** Never includes the hash; the secret exists only in the creation answer. */
export function toApiKeyDto(key: ApiKey): ApiKeyDto {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}
