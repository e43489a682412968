/**
 * Time strings as the SDK sends them: `timeStr()` produces compact durations
 * ("1h", "2h30m10s", "1w"); `sleepUntil` and date timeouts send ISO dates;
 * RetryAfterError sends whole seconds or an ISO date in `retry-after`.
 */

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  sec: 1_000,
  secs: 1_000,
  second: 1_000,
  seconds: 1_000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

const PART = /(\d+(?:\.\d+)?)\s*([a-z]+)/gi;

/** Milliseconds in a duration string such as "1h30m" or "30 mins"; undefined if not one. */
export function parseDurationMs(input: string): number | undefined {
  const text = input.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  let total = 0;
  let consumed = "";
  for (const match of text.matchAll(PART)) {
    const unit = UNIT_MS[(match[2] ?? "").toLowerCase()];
    if (unit === undefined) return undefined;
    total += Number(match[1]) * unit;
    consumed += match[0];
  }
  // Reject strings with leftovers ("1h foo") rather than guessing.
  if (!consumed || consumed.replace(/\s/g, "") !== text.replace(/\s/g, "")) return undefined;
  return total;
}

/** Epoch ms of an ISO-8601 date string, or undefined. Durations never parse as dates. */
export function parseIsoDate(input: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}/.test(input.trim())) return undefined;
  const at = Date.parse(input);
  return Number.isNaN(at) ? undefined : at;
}

/** When a wait described by `spec` (duration, ms number or ISO date) ends. */
export function resolveDeadline(spec: unknown, now: number): number | undefined {
  if (typeof spec === "number" && Number.isFinite(spec)) return now + spec;
  if (typeof spec !== "string") return undefined;
  // `timeStr(0)` is "", which Inngest treats as a zero-length wait.
  if (spec.trim() === "") return now;
  const date = parseIsoDate(spec);
  if (date !== undefined) return date;
  const ms = parseDurationMs(spec);
  return ms === undefined ? undefined : now + ms;
}

/** Delay in ms asked by a `retry-after` header (seconds or a date). */
export function parseRetryAfter(header: string | null | undefined, now: number): number | undefined {
  if (!header) return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1_000;
  const at = parseIsoDate(text) ?? Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
