/**
 * Retry timing as Inngest's server schedules it (`pkg/backoff/backoff.go`,
 * `pkg/headers/headers.go` + `pkg/consts/consts.go`), plus a fast schedule
 * for tests and local development.
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** `backoff.BackoffTable`: the delay before retry n is entry n-1, capped at the last. */
export const INNGEST_BACKOFF_TABLE_MS = [
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  20 * MINUTE,
  40 * MINUTE,
  HOUR,
  2 * HOUR,
] as const;

/** `TableBackoff` adds 0–30 s of random jitter to every entry. */
export const INNGEST_BACKOFF_JITTER_MS = 30 * SECOND;

/** `consts.MinRetryDuration` / `MaxRetryDuration`: bounds for an app's `retry-after`. */
export const RETRY_AFTER_MIN_MS = SECOND;
export const RETRY_AFTER_MAX_MS = 24 * HOUR;

/** Delay before retry `attempt` (1-based) when the app sent no `retry-after`. */
export type RetryBackoff = (attempt: number) => number;

/** Inngest's table with its jitter: 10 retries take 4 h 18 m 45 s plus up to 5 min. */
export const inngestBackoff: RetryBackoff = (attempt) => {
  const index = Math.min(Math.max(attempt, 1), INNGEST_BACKOFF_TABLE_MS.length) - 1;
  const base = INNGEST_BACKOFF_TABLE_MS[index] ?? 2 * HOUR;
  return base + Math.floor(Math.random() * INNGEST_BACKOFF_JITTER_MS);
};

/** 1 s, 2 s, 4 s … capped at one minute: for tests and quick local feedback. */
export const fastBackoff: RetryBackoff = (attempt) =>
  Math.min(SECOND * 2 ** Math.max(0, attempt - 1), MINUTE);

/** Environment switch for the launcher and CLI: `LOCAL_ENGINE_FAST_RETRIES=1`. */
export const FAST_RETRIES_ENV = "LOCAL_ENGINE_FAST_RETRIES";

/**
 * The engine's backoff: a function as given, `"fast"` by name, else Inngest's table.
 * The engine reads no environment; the launcher and CLI turn LOCAL_ENGINE_FAST_RETRIES
 * into this option with `retryBackoffFromEnv`.
 */
export function resolveBackoff(option: "inngest" | "fast" | RetryBackoff | undefined): RetryBackoff {
  if (typeof option === "function") return option;
  return option === "fast" ? fastBackoff : inngestBackoff;
}

/** `"fast"` when LOCAL_ENGINE_FAST_RETRIES is `1`/`true` in the given environment, else Inngest's table. */
export function retryBackoffFromEnv(env: Record<string, string | undefined>): "inngest" | "fast" {
  const flag = env[FAST_RETRIES_ENV]?.trim().toLowerCase();
  return flag === "1" || flag === "true" ? "fast" : "inngest";
}

/** An app's `retry-after`, clamped like `headers.ParseRetry` does: 1 s – 24 h. */
export function clampRetryAfter(ms: number | undefined): number | undefined {
  if (ms === undefined) return undefined;
  return Math.min(Math.max(ms, RETRY_AFTER_MIN_MS), RETRY_AFTER_MAX_MS);
}
