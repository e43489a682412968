import { randomBytes } from "node:crypto";

/**
 * Prefixed, time-sortable ids (`run_01JD…`): the prefix tells support what an id is,
 * the ULID-style body sorts by creation time, which keeps pagination and logs readable.
 */

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lower case

export const ID_PREFIXES = {
  workspace: "ws",
  workflow: "wf",
  workflowVersion: "wfv",
  run: "run",
  step: "stp",
  request: "req",
  apiKey: "key",
  credential: "cred",
  approval: "apr",
  stepOutput: "out",
  webhook: "wh",
  webhookDelivery: "whd",
  schedule: "sch",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

function encodeTime(ms: number): string {
  let out = "";
  let value = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[value % 32] + out;
    value = Math.floor(value / 32);
  }
  return out;
}

function encodeRandom(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const byte of bytes) out += ALPHABET[byte % 32];
  return out;
}

export function newId(kind: IdKind, now: number = Date.now()): string {
  return `${ID_PREFIXES[kind]}_${encodeTime(now)}${encodeRandom(16)}`;
}
