import { randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import path from "node:path";

/**
 * The signing key the embedded launcher shares between the local engine and the
 * app, so `/api/inngest` verifies every call as it does on Inngest Cloud. It is
 * made on first start and kept next to the engine's store; deleting it while the
 * app is stopped rotates it (the next start makes a new one, and both sides get
 * the new key together, so runs in flight continue).
 */

export const SIGNING_KEY_FILE = "signing-key";

/** `signkey-<env>-<hex>` as Inngest issues them; the SDK hex-decodes the part after the prefix. */
const SIGNING_KEY = /^signkey-[a-z0-9]+-(?:[0-9a-f]{2}){16,}$/;

export class InvalidSigningKeyFileError extends Error {
  constructor(readonly file: string) {
    super(
      `${file} does not hold a signing key (expected one line "signkey-<env>-<hex>"). ` +
        "Delete it while the app is stopped and the next start makes a new one.",
    );
    this.name = "InvalidSigningKeyFileError";
  }
}

/** A fresh key in Inngest's format: 32 random bytes, hex. */
export function generateSigningKey(): string {
  return `signkey-prod-${randomBytes(32).toString("hex")}`;
}

export function isSigningKey(value: string): boolean {
  return SIGNING_KEY.test(value);
}

/**
 * Reads `<dataDir>/signing-key`, or creates it (mode 0600) when it does not exist.
 * Creation is atomic: the key is written to a private temp file and hard-linked
 * into place, which fails if the file appeared meanwhile; the loser of such a
 * race reads the winner's key, so two starts never end up with two keys, and a
 * reader never sees a half-written file. A file that does not hold a key is
 * refused, not replaced: it may be someone's deliberate edit.
 */
export function loadOrCreateSigningKey(dataDir: string): { key: string; file: string; created: boolean } {
  const dir = path.resolve(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, SIGNING_KEY_FILE);
  const existing = readKey(file);
  if (existing !== undefined) return { key: existing, file, created: false };

  const key = generateSigningKey();
  const temp = path.join(dir, `.${SIGNING_KEY_FILE}.${process.pid}.${randomBytes(6).toString("hex")}`);
  const fd = openSync(temp, "wx", 0o600);
  try {
    writeSync(fd, `${key}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    const theirs = readKey(file);
    if (theirs === undefined) throw new InvalidSigningKeyFileError(file);
    return { key: theirs, file, created: false };
  } finally {
    unlinkSync(temp);
  }
  return { key, file, created: true };
}

/** The key in `file`, undefined when there is no file; throws when the file holds something else. */
function readKey(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  const key = text.trim();
  if (!isSigningKey(key)) throw new InvalidSigningKeyFileError(file);
  // A copy or an archive restore may have widened it: the key is as good as a password.
  if (process.platform !== "win32" && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return key;
}
