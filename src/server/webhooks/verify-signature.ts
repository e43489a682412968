import { createHmac, timingSafeEqual } from "node:crypto";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { AppError } from "@/lib/errors";
import type { WebhookVerification } from "../db/schema";

/** How far a signed timestamp may be from our clock, either way (Standard Webhooks' and Stripe's 5 minutes). */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

/** What a valid signature vouches for: the sender's message id, or null when it is in the body (Stripe's event id). */
export type VerifiedMessage = { messageId: string | null };

export class SignatureRejected extends AppError {
  constructor(reason: string) {
    super("unauthorized", `Signature check failed: ${reason}`);
  }
}

/**
 * Checks a request's signature over its raw body (before anything parses it) against every secret
 * that verifies now (the current one and, within its grace, the previous one). Every comparison is
 * constant-time; a scheme's header may carry several signatures and any one matching is enough.
 *
 * @throws {SignatureRejected} missing headers, a timestamp outside the tolerance, or no match.
 */
export function verifySignature(
  verification: WebhookVerification,
  rawBody: string,
  headers: Headers,
  secrets: string[],
  now = Date.now(),
): VerifiedMessage {
  switch (verification) {
    case "standard":
      return verifyStandard(rawBody, headers, secrets);
    case "github":
      return verifyGitHub(rawBody, headers, secrets);
    case "stripe":
      return verifyStripe(rawBody, headers, secrets, now);
  }
}

/** Standard Webhooks through its reference verifier (tolerance, several `v1,` signatures, constant time). */
function verifyStandard(rawBody: string, headers: Headers, secrets: string[]): VerifiedMessage {
  const given = {
    "webhook-id": headers.get("webhook-id") ?? "",
    "webhook-timestamp": headers.get("webhook-timestamp") ?? "",
    "webhook-signature": headers.get("webhook-signature") ?? "",
  };
  if (!given["webhook-id"] || !given["webhook-timestamp"] || !given["webhook-signature"]) {
    throw new SignatureRejected("webhook-id, webhook-timestamp and webhook-signature headers are required");
  }
  for (const secret of secrets) {
    let verifier: Webhook;
    try {
      verifier = new Webhook(secret);
    } catch {
      continue; // Not a Standard Webhooks secret (the endpoint changed scheme): it cannot match.
    }
    try {
      verifier.verify(rawBody, given, { jsonParse: false });
      return { messageId: given["webhook-id"] };
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      if (/timestamp/i.test(error.message) || /Invalid Signature Headers/.test(error.message)) {
        throw new SignatureRejected(
          `webhook-timestamp must be Unix seconds within ${SIGNATURE_TOLERANCE_SECONDS / 60} minutes of now`,
        );
      }
    }
  }
  throw new SignatureRejected("no signature in webhook-signature matches");
}

/** GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`; the delivery id names the message. */
function verifyGitHub(rawBody: string, headers: Headers, secrets: string[]): VerifiedMessage {
  const header = headers.get("x-hub-signature-256") ?? "";
  const deliveryId = headers.get("x-github-delivery") ?? "";
  if (!header || !deliveryId) {
    throw new SignatureRejected("X-Hub-Signature-256 and X-GitHub-Delivery headers are required");
  }
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!match?.[1]) throw new SignatureRejected("X-Hub-Signature-256 must be sha256=<64 hex digits>");
  const given = Buffer.from(match[1], "hex");
  for (const secret of secrets) {
    if (timingSafeEqual(given, hmac(secret, rawBody))) return { messageId: deliveryId };
  }
  throw new SignatureRejected("X-Hub-Signature-256 does not match");
}

/** Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…]` over `<t>.<body>`; the event id (in the body) names the message. */
function verifyStripe(rawBody: string, headers: Headers, secrets: string[], now: number): VerifiedMessage {
  const header = headers.get("stripe-signature") ?? "";
  if (!header) throw new SignatureRejected("the Stripe-Signature header is required");
  let timestamp: string | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(",")) {
    const [key, value] = part.trim().split("=", 2);
    if (key === "t" && value && /^\d{1,12}$/.test(value)) timestamp = value;
    if (key === "v1" && value && /^[0-9a-f]{64}$/i.test(value)) signatures.push(Buffer.from(value, "hex"));
  }
  if (!timestamp || signatures.length === 0) {
    throw new SignatureRejected("Stripe-Signature must hold t=<unix seconds> and at least one v1=<hex>");
  }
  if (Math.abs(Math.floor(now / 1000) - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) {
    throw new SignatureRejected(
      `the Stripe-Signature timestamp is more than ${SIGNATURE_TOLERANCE_SECONDS / 60} minutes from now`,
    );
  }
  for (const secret of secrets) {
    const expected = hmac(secret, `${timestamp}.${rawBody}`);
    if (signatures.some((given) => timingSafeEqual(given, expected))) return { messageId: null };
  }
  throw new SignatureRejected("no v1 signature in Stripe-Signature matches");
}

function hmac(secret: string, payload: string): Buffer {
  return createHmac("sha256", secret).update(payload, "utf8").digest();
}
