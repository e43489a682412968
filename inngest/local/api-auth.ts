import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/**
 * Signing-key auth for the engine's API, as Inngest's `authn.SigningKeyMiddleware`
 * (pkg/authn/signing_key_strategy.go) does it: with no signing key configured
 * every request passes (the dev server); with one, `Authorization: Bearer <key>`
 * must carry that key, either as is or hashed the way the SDK sends it
 * (`signkey-<env>-` + hex SHA-256 of the hex-decoded key), prefix optional.
 */

const PREFIX = /^signkey-\w+-/;

/** The bearer token of a request, or "" (Inngest's `TokenFromHeader`). */
export function bearerToken(req: IncomingMessage): string {
  const header = req.headers.authorization ?? "";
  return header.length > 7 && header.slice(0, 6).toUpperCase() === "BEARER" ? header.slice(7) : "";
}

/** Whether `given` is the signing key, plain or hashed (`HandleSigningKey`). */
export function isSigningKey(given: string, signingKey: string): boolean {
  if (!given) return false;
  const normalized = given.replace(PREFIX, "");
  const trusted = signingKey.replace(PREFIX, "");
  // Inngest hashes the hex-decoded key; a key that is not hex has no hashed form.
  const hashed = /^(?:[0-9a-f]{2})+$/i.test(trusted)
    ? createHash("sha256").update(Buffer.from(trusted, "hex")).digest("hex")
    : undefined;
  return same(normalized, trusted) || (hashed !== undefined && same(normalized, hashed));
}

/** Whether a request may use the signing-key-guarded API. */
export function hasSigningKey(req: IncomingMessage, signingKey: string | undefined): boolean {
  return !signingKey || isSigningKey(bearerToken(req), signingKey);
}

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
