// Holds API key hashing: a client component importing this must fail the build, not ship it to the browser.
import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * `sk_` + 32 random bytes (base64url). The secret never touches the database:
 * rows keep a display prefix and the SHA-256, which is enough to verify because
 * the secret has full entropy (no salt or slow hash needed, unlike passwords).
 */

const SECRET_PATTERN = /^sk_[A-Za-z0-9_-]{43}$/;
const PREFIX_LENGTH = 11; // "sk_" + 8 characters

export type GeneratedSecret = { secret: string; prefix: string; hash: string };

export function generateApiKeySecret(): GeneratedSecret {
  const secret = `sk_${randomBytes(32).toString("base64url")}`;
  return { secret, prefix: prefixOf(secret), hash: hashApiKeySecret(secret) };
}

export function hashApiKeySecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function prefixOf(secret: string): string {
  return secret.slice(0, PREFIX_LENGTH);
}

export function isWellFormedSecret(value: string): boolean {
  return SECRET_PATTERN.test(value);
}

/** Compares two hex digests without leaking where they differ. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && timingSafeEqual(left, right);
}
