// Holds the encryption keyring: a client component importing this must fail the build, not ship it to the browser.
import "server-only";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { type Env, getEnv } from "@/lib/env";

/**
 * AES-256-GCM for stored credentials. Each ciphertext records the id of the key
 * that wrote it, so a rotation only adds a key: new writes use ENCRYPTION_KEY,
 * old rows still decrypt with ENCRYPTION_KEYS_PREVIOUS until re-encrypted.
 * The credential's id is bound as associated data, so a ciphertext copied onto
 * another row does not decrypt.
 */

type Keyring = { currentId: string; keys: Map<string, Buffer> };

/** A development-only key, so local mode works without configuration; production requires ENCRYPTION_KEY. */
const DEVELOPMENT_KEY = createHash("sha256").update("stepwise local development key — not secret").digest();

export function keyringFrom(
  env: Pick<Env, "ENCRYPTION_KEY" | "ENCRYPTION_KEY_ID" | "ENCRYPTION_KEYS_PREVIOUS">,
): Keyring {
  const keys = new Map<string, Buffer>();
  for (const entry of (env.ENCRYPTION_KEYS_PREVIOUS ?? "").split(",").filter(Boolean)) {
    const [id, key] = entry.split(":");
    if (!id || !key || Buffer.from(key, "base64").length !== 32) {
      throw new Error("ENCRYPTION_KEYS_PREVIOUS must be id:base64 pairs of 32-byte keys");
    }
    keys.set(id, Buffer.from(key, "base64"));
  }
  const currentId = env.ENCRYPTION_KEY ? env.ENCRYPTION_KEY_ID : "dev";
  keys.set(currentId, env.ENCRYPTION_KEY ? Buffer.from(env.ENCRYPTION_KEY, "base64") : DEVELOPMENT_KEY);
  return { currentId, keys };
}

export function encryptSecret(plaintext: string, associatedData: string, keyring = keyringFrom(getEnv())) {
  const key = keyring.keys.get(keyring.currentId) as Buffer;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(associatedData));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return {
    keyId: keyring.currentId,
    ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64"),
  };
}

export function decryptSecret(
  sealed: { keyId: string; ciphertext: string },
  associatedData: string,
  keyring = keyringFrom(getEnv()),
): string {
  const key = keyring.keys.get(sealed.keyId);
  if (!key)
    throw new Error(`no encryption key "${sealed.keyId}" is configured (see ENCRYPTION_KEYS_PREVIOUS)`);
  const raw = Buffer.from(sealed.ciphertext, "base64");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(associatedData));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}
