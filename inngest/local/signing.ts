import { createHmac } from "node:crypto";

/**
 * Request signing as Inngest Cloud does it, so the app can also be tested in
 * cloud mode (`INNGEST_SIGNING_KEY` set) against the local engine. The SDK
 * verifies `HMAC-SHA256(key, JCS(body) + t)` where the key is the signing key
 * without its `signkey-<env>-` prefix, used as a UTF-8 string.
 */

/**
 * JSON Canonicalization Scheme (RFC 8785) for plain JSON values: sorted keys,
 * no whitespace. JSON.stringify already formats numbers and escapes strings
 * the way JCS requires.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined ? "null" : canonicalJson(item))).join(",")}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined && typeof item !== "function")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
}

/**
 * `X-Inngest-Signature` value for a JSON body. Uses the real wall clock, not
 * the engine clock: the SDK rejects signatures more than 5 minutes off.
 */
export function signRequest(body: unknown, signingKey: string): string {
  const t = Math.round(Date.now() / 1000).toString();
  const key = signingKey.replace(/^signkey-[\w]+-/, "");
  const s = createHmac("sha256", key).update(canonicalJson(body)).update(t).digest("hex");
  return `t=${t}&s=${s}`;
}
