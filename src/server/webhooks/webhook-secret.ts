import { randomBytes } from "node:crypto";
import { decryptSecret, encryptSecret } from "../credentials/secret-box";
import type { WebhookEndpoint } from "../db/schema";

/** A Standard Webhooks signing secret: `whsec_` and base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/**
 * Sealed like credentials, bound to the endpoint's id: a ciphertext copied onto another endpoint
 * does not open. A rotation moves the current ciphertext to the previous columns as it is.
 */
export function sealWebhookSecret(
  secret: string,
  endpointId: string,
): { keyId: string; secretCiphertext: string } {
  const sealed = encryptSecret(secret, endpointId);
  return { keyId: sealed.keyId, secretCiphertext: sealed.ciphertext };
}

/** The secrets that verify right now: the current one, then the previous one while its grace lasts. */
export function verifyingSecrets(endpoint: WebhookEndpoint, now = new Date()): string[] {
  const secrets = [
    decryptSecret({ keyId: endpoint.keyId, ciphertext: endpoint.secretCiphertext }, endpoint.id),
  ];
  if (
    endpoint.previousKeyId &&
    endpoint.previousSecretCiphertext &&
    endpoint.previousSecretExpiresAt &&
    endpoint.previousSecretExpiresAt > now
  ) {
    secrets.push(
      decryptSecret(
        { keyId: endpoint.previousKeyId, ciphertext: endpoint.previousSecretCiphertext },
        endpoint.id,
      ),
    );
  }
  return secrets;
}
