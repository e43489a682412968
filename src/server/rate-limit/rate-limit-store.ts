/**
 * Where rate-limit counters live. Two implementations pass the same suite: an
 * in-process one (the embedded default, per process) and Upstash Redis over REST
 * (shared by every serverless instance). Both count a sliding window the same way,
 * so a limit means the same thing whichever store holds it.
 */

/** One limit: at most `limit` requests per `windowMs` for each key. */
export type RateLimitRule = {
  /** Names the counter family; keys of different rules never collide. */
  name: string;
  limit: number;
  windowMs: number;
};

export type RateLimitVerdict = {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch milliseconds when the current window ends. */
  resetAt: number;
};

export interface RateLimitStore {
  readonly kind: "memory" | "upstash";
  /** Counts one request for `key` under `rule` and says whether it is within the limit. */
  consume(rule: RateLimitRule, key: string): Promise<RateLimitVerdict>;
  /** Resolves when the store answers; used by readiness. */
  ping(): Promise<void>;
}

/** The store did not answer in time, or failed; each class decides whether that allows or refuses. */
export class RateLimitStoreUnavailable extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`rate-limit store unavailable: ${reason}`, options);
    this.name = "RateLimitStoreUnavailable";
  }
}
