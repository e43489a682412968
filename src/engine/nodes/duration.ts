/** Longest delay a delay node may ask for; longer waits belong to a schedule, not a sleeping run. */
export const MAX_DELAY_MS = 7 * 24 * 60 * 60 * 1000;

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

const DURATION_PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;

/**
 * Parses a delay duration: a number of milliseconds, or a string such as "500ms", "30s", "5m", "1h", "2d".
 * Returns the whole number of milliseconds, or an error message when the value is malformed,
 * not positive, or longer than `maxMs` ({@link MAX_DELAY_MS} unless given).
 */
export function parseDuration(
  value: string | number,
  maxMs: number = MAX_DELAY_MS,
): { ok: true; ms: number } | { ok: false; message: string } {
  let ms: number;
  if (typeof value === "number") {
    ms = value;
  } else {
    const match = DURATION_PATTERN.exec(value.trim());
    const amount = match?.[1];
    const unit = match?.[2] as keyof typeof UNIT_MS | undefined;
    if (amount === undefined || unit === undefined) {
      return {
        ok: false,
        message: `Invalid duration "${value}": use a number followed by ms, s, m, h or d (e.g. "30s")`,
      };
    }
    ms = Number(amount) * UNIT_MS[unit];
  }
  if (!Number.isFinite(ms) || ms <= 0) return { ok: false, message: "Duration must be greater than zero" };
  ms = Math.round(ms);
  if (ms > maxMs) return { ok: false, message: `Duration must be at most ${describeMs(maxMs)}` };
  return { ok: true, ms };
}

/** "7 days", "30 days", "12 hours": how a limit reads in an error message. */
function describeMs(ms: number): string {
  for (const [unit, size] of [
    ["day", UNIT_MS.d],
    ["hour", UNIT_MS.h],
    ["minute", UNIT_MS.m],
    ["second", UNIT_MS.s],
  ] as const) {
    if (ms % size === 0) return `${ms / size} ${unit}${ms === size ? "" : "s"}`;
  }
  return `${ms} ms`;
}
