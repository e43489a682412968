import { createHash, randomBytes } from "node:crypto";

// Crockford base32, as ULIDs use; Inngest run and event ids are ULIDs.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function encodeTime(ms: number): string {
  let out = "";
  let rest = Math.max(0, Math.floor(ms));
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function encodeBytes(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < 16; i++) out += ALPHABET[(bytes[i] ?? 0) % 32];
  return out;
}

/** A ULID stamped with the engine clock, so ids sort by engine time. */
export function ulid(nowMs: number): string {
  return encodeTime(nowMs) + encodeBytes(randomBytes(16));
}

/**
 * A ULID derived from the SDK's `x-inngest-event-id-seed` header
 * (`<millis>,<base64 entropy>`) and the event's index, so that a client retry
 * of the same send yields the same ids and is deduplicated.
 */
export function seededUlid(seed: string, index: number): string {
  const [millis] = seed.split(",");
  const time = Number(millis);
  const digest = createHash("sha256").update(`${seed}#${index}`).digest();
  return encodeTime(Number.isFinite(time) ? time : 0) + encodeBytes(digest);
}

/** A stable UUID-shaped id for a function slug (Inngest's internal fn id). */
export function functionUuid(slug: string): string {
  const hex = createHash("sha1").update(`inngest-local:${slug}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
