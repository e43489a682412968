import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, keyringFrom } from "@/server/credentials/secret-box";

const key = (fill: number) => Buffer.alloc(32, fill).toString("base64");

describe("credential encryption", () => {
  const keyring = keyringFrom({ ENCRYPTION_KEY: key(1), ENCRYPTION_KEY_ID: "k1" });

  it("round-trips a secret and never stores it in the clear", () => {
    const sealed = encryptSecret("sk-live-very-secret", "cred_a", keyring);
    expect(sealed.keyId).toBe("k1");
    expect(Buffer.from(sealed.ciphertext, "base64").toString("latin1")).not.toContain("very-secret");
    expect(decryptSecret(sealed, "cred_a", keyring)).toBe("sk-live-very-secret");
  });

  it("uses a fresh IV each time", () => {
    expect(encryptSecret("same", "cred_a", keyring).ciphertext).not.toBe(
      encryptSecret("same", "cred_a", keyring).ciphertext,
    );
  });

  it("refuses a ciphertext moved to another credential or tampered with", () => {
    const sealed = encryptSecret("secret", "cred_a", keyring);
    expect(() => decryptSecret(sealed, "cred_b", keyring)).toThrow();
    const raw = Buffer.from(sealed.ciphertext, "base64");
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(() =>
      decryptSecret({ ...sealed, ciphertext: raw.toString("base64") }, "cred_a", keyring),
    ).toThrow();
  });

  it("rotates: a new key encrypts, the previous one still decrypts what it wrote", () => {
    const old = encryptSecret("written before rotation", "cred_a", keyring);
    const rotated = keyringFrom({
      ENCRYPTION_KEY: key(2),
      ENCRYPTION_KEY_ID: "k2",
      ENCRYPTION_KEYS_PREVIOUS: `k1:${key(1)}`,
    });
    expect(decryptSecret(old, "cred_a", rotated)).toBe("written before rotation");
    expect(encryptSecret("new", "cred_a", rotated).keyId).toBe("k2");
    expect(() =>
      decryptSecret(old, "cred_a", keyringFrom({ ENCRYPTION_KEY: key(2), ENCRYPTION_KEY_ID: "k2" })),
    ).toThrow(/no encryption key "k1"/);
  });
});
