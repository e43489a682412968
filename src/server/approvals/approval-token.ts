// Holds the approval-link signing keys: a client component importing this must fail the build, not ship it to the browser.
import "server-only";
import { createHash, createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { getEnv } from "@/lib/env";
import { keyringFrom } from "../credentials/secret-box";
import { APPROVAL_TOKEN_PATTERN } from "./contracts";

/**
 * Signed approval links: `<payload>.<signature>`, both base64url. The payload names the run, the node,
 * the expiry (ms) and a nonce whose SHA-256 the approval row keeps, so a link works only for the
 * approval it was made for, and (with the row's status) only once. HMAC-SHA256 with a key derived by
 * HKDF from ENCRYPTION_KEY: one secret to configure, and a key used for nothing else. Links signed
 * with a previous ENCRYPTION_KEY (ENCRYPTION_KEYS_PREVIOUS) stay valid until they expire.
 */

export type ApprovalLinkClaims = { runId: string; nodeId: string; expiresAt: number; nonce: string };

const PayloadSchema = z.object({
  r: z.string().min(1).max(100),
  // An approval node's id, or an agent tool call's approval key (its node id plus turn and call id).
  n: z.string().min(1).max(160),
  e: z.number().int().positive(),
  x: z.string().min(16).max(64),
});

function signingKeys(): { current: Buffer; all: Buffer[] } {
  const keyring = keyringFrom(getEnv());
  const derive = (key: Buffer) => Buffer.from(hkdfSync("sha256", key, "stepwise", "approval-links v1", 32));
  const current = derive(keyring.keys.get(keyring.currentId) as Buffer);
  const all = [
    current,
    ...[...keyring.keys].filter(([id]) => id !== keyring.currentId).map(([, key]) => derive(key)),
  ];
  return { current, all };
}

function mac(key: Buffer, payload: string): Buffer {
  return createHmac("sha256", key).update(`approval-link.${payload}`).digest();
}

/**
 * The nonce of the link for one request of an approval: derived (with the links' own key) from the
 * run, the approval's key and the attempt, not drawn at random. A step re-executed for the same
 * attempt — its result lost before Inngest stored it — then signs a link with the same nonce, so the
 * link its run's events already show keeps working; a new attempt gets a new nonce and the previous
 * link stops working.
 */
export function linkNonceFor(request: { runId: string; nodeId: string; attempt: number }): string {
  return createHmac("sha256", signingKeys().current)
    .update(`approval-nonce.${request.runId}.${request.nodeId}.${request.attempt}`)
    .digest()
    .subarray(0, 18)
    .toString("base64url");
}

/** What the approval row stores instead of the nonce. */
export function hashLinkNonce(nonce: string): string {
  return createHash("sha256").update(nonce).digest("hex");
}

export function signApprovalToken(claims: ApprovalLinkClaims): string {
  const payload = Buffer.from(
    JSON.stringify({ r: claims.runId, n: claims.nodeId, e: claims.expiresAt, x: claims.nonce }),
  ).toString("base64url");
  return `${payload}.${mac(signingKeys().current, payload).toString("base64url")}`;
}

/** The token's claims when it is well formed and signed by us, else null (expiry is the caller's check). */
export function verifyApprovalToken(token: string): ApprovalLinkClaims | null {
  if (!APPROVAL_TOKEN_PATTERN.test(token)) return null;
  const [payload = "", signature = ""] = token.split(".");
  const given = Buffer.from(signature, "base64url");
  const signed = signingKeys().all.some((key) => {
    const expected = mac(key, payload);
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!signed) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const parsed = PayloadSchema.safeParse(json);
  if (!parsed.success) return null;
  return { runId: parsed.data.r, nodeId: parsed.data.n, expiresAt: parsed.data.e, nonce: parsed.data.x };
}

/** Constant-time comparison of a presented nonce with the stored hash. */
export function nonceMatches(nonce: string, storedHash: string | null): boolean {
  if (storedHash === null) return false;
  const presented = Buffer.from(hashLinkNonce(nonce), "hex");
  const stored = Buffer.from(storedHash, "hex");
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

/** The link a person opens (or a program POSTs to) to decide without a session. */
export function approvalLinkUrl(token: string): string {
  return `${getEnv().APP_URL.replace(/\/$/, "")}/api/approvals/${token}`;
}
