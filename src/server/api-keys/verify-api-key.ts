import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Database } from "../db/client";
import { type ApiKey, apiKeys } from "../db/schema";
import { hashApiKeySecret, isWellFormedSecret, prefixOf, sameHash } from "./api-key-secret";

export type KeyVerification =
  | { ok: true; key: ApiKey }
  | { ok: false; reason: "malformed" | "unknown" | "revoked" | "expired" };

/** Last-used times are kept to the minute: one write per key per minute, not per request. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Checks a presented secret: found by its prefix, then compared by hash in
 * constant time, then checked for revocation and expiry.
 */
export async function verifyApiKey(db: Database, secret: string, now = new Date()): Promise<KeyVerification> {
  if (!isWellFormedSecret(secret)) return { ok: false, reason: "malformed" };
  const hash = hashApiKeySecret(secret);
  const candidates = await db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.prefix, prefixOf(secret)));
  const key = candidates.find((candidate) => sameHash(candidate.hash, hash));
  if (!key) return { ok: false, reason: "unknown" };
  if (key.revokedAt) return { ok: false, reason: "revoked" };
  if (key.expiresAt && key.expiresAt <= now) return { ok: false, reason: "expired" };

  await db
    .update(apiKeys)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(apiKeys.id, key.id),
        or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, new Date(now.getTime() - TOUCH_EVERY_MS))),
      ),
    );
  return { ok: true, key };
}
