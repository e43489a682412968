import { and, eq, isNull, lte, or, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { type ApiKey, apiKeys } from "../db/schema";
import { hashApiKeySecret, isWellFormedSecret, prefixOf, sameHash } from "./api-key-secret";

export type KeyVerification =
  | { ok: true; key: ApiKey }
  | { ok: false; reason: "malformed" | "unknown" | "revoked" | "expired" };

/** Last-used times are kept to the minute: one write per key per minute, not per request. */
const TOUCH_EVERY_MS = 60_000;
const MAX_REMEMBERED = 10_000;

/**
 * When this process last wrote each key's `last_used_at`, so a busy key costs one UPDATE a
 * minute instead of one per request. On globalThis: Next bundles this module once per route,
 * and every copy must share one memory. Other instances are kept to the minute by the UPDATE's
 * own condition.
 */
const TOUCHED = Symbol.for("stepwise.apiKeyTouches");

function touches(): Map<string, number> {
  const scope = globalThis as { [TOUCHED]?: Map<string, number> };
  scope[TOUCHED] ??= new Map();
  return scope[TOUCHED];
}

/**
 * The lookup every API request makes, built once per database handle: a prepared statement
 * skips rebuilding the SQL in the app and parsing and planning it in PostgreSQL.
 */
const lookups = new WeakMap<Database, ReturnType<typeof prepareLookup>>();

function prepareLookup(db: Database) {
  return db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.prefix, sql.placeholder("prefix")))
    .prepare("api_keys_by_prefix");
}

function keysWithPrefix(db: Database, prefix: string): Promise<ApiKey[]> {
  let lookup = lookups.get(db);
  if (!lookup) {
    lookup = prepareLookup(db);
    lookups.set(db, lookup);
  }
  return lookup.execute({ prefix });
}

/**
 * Checks a presented secret: found by its prefix, then compared by hash in
 * constant time, then checked for revocation and expiry.
 */
export async function verifyApiKey(db: Database, secret: string, now = new Date()): Promise<KeyVerification> {
  if (!isWellFormedSecret(secret)) return { ok: false, reason: "malformed" };
  const hash = hashApiKeySecret(secret);
  const candidates = await keysWithPrefix(db, prefixOf(secret));
  const key = candidates.find((candidate) => sameHash(candidate.hash, hash));
  if (!key) return { ok: false, reason: "unknown" };
  if (key.revokedAt) return { ok: false, reason: "revoked" };
  if (key.expiresAt && key.expiresAt <= now) return { ok: false, reason: "expired" };

  await touchLastUsed(db, key, now);
  return { ok: true, key };
}

/** Writes `last_used_at` unless this process, the row just read, or another instance did within the minute. */
async function touchLastUsed(db: Database, key: ApiKey, now: Date): Promise<void> {
  const since = now.getTime() - TOUCH_EVERY_MS;
  const touched = touches();
  const last = Math.max(
    touched.get(key.id) ?? Number.NEGATIVE_INFINITY,
    key.lastUsedAt?.getTime() ?? Number.NEGATIVE_INFINITY,
  );
  if (last > since) return;
  if (touched.size >= MAX_REMEMBERED) touched.clear();
  touched.set(key.id, now.getTime());
  await db
    .update(apiKeys)
    .set({ lastUsedAt: now })
    .where(
      and(eq(apiKeys.id, key.id), or(isNull(apiKeys.lastUsedAt), lte(apiKeys.lastUsedAt, new Date(since)))),
    );
}
