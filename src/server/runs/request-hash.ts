import { createHash } from "node:crypto";

/** Key-order-independent JSON, so `{a,b}` and `{b,a}` hash the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Identifies what a request asked for, to tell an idempotent retry from a conflicting reuse of its key. */
export function requestHash(value: unknown): string {
  return createHash("sha256").update(canonical(value)).digest("hex");
}
