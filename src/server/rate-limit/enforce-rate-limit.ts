import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { getRateLimitStore } from "./choose-rate-limit-store";
import { type RateLimitClass, rateLimitPolicy } from "./rate-limit-classes";
import { type RateLimitStore, RateLimitStoreUnavailable, type RateLimitVerdict } from "./rate-limit-store";

/** A 429 that carries its verdict, so the answer can say when to come back. */
export class RateLimitExceeded extends AppError {
  constructor(readonly verdict: RateLimitVerdict) {
    super("rate_limited", "Too many requests; try again after the time in Retry-After", undefined, {
      headers: rateLimitHeaders(verdict),
    });
  }
}

/** Seconds a client should wait when a fail-closed class cannot reach its store. */
export const STORE_UNAVAILABLE_RETRY_AFTER_S = 5;

/**
 * Counts one request of `key` in its class. Returns the verdict (for the
 * RateLimit-* headers of a successful answer), or undefined when the class is off
 * or its store failed open; throws RateLimitExceeded over the limit, and a 503
 * when a fail-closed class cannot reach its store.
 */
export async function enforceRateLimit(
  rateLimitClass: RateLimitClass,
  key: string,
  store: RateLimitStore = getRateLimitStore(),
): Promise<RateLimitVerdict | undefined> {
  const policy = rateLimitPolicy(rateLimitClass);
  if (!policy) return undefined;
  let verdict: RateLimitVerdict;
  try {
    verdict = await store.consume(
      { name: rateLimitClass, limit: policy.limit, windowMs: policy.windowMs },
      key,
    );
  } catch (error) {
    if (!(error instanceof RateLimitStoreUnavailable)) throw error;
    logger.warn(
      { rateLimitClass, onStoreFailure: policy.onStoreFailure, cause: error.message },
      "rate limit store unavailable",
    );
    if (policy.onStoreFailure === "open") return undefined;
    throw new AppError(
      "unavailable",
      "Rate limiting is unavailable right now; try again shortly",
      undefined,
      {
        cause: error,
      },
    );
  }
  if (!verdict.allowed) throw new RateLimitExceeded(verdict);
  return verdict;
}

/**
 * RateLimit-Limit / -Remaining / -Reset (seconds until the window ends, per the
 * IETF draft) and, when refused, Retry-After.
 */
export function rateLimitHeaders(verdict: RateLimitVerdict, now = Date.now()): Record<string, string> {
  const resetSeconds = Math.max(1, Math.ceil((verdict.resetAt - now) / 1000));
  return {
    "ratelimit-limit": String(verdict.limit),
    "ratelimit-remaining": String(verdict.remaining),
    "ratelimit-reset": String(resetSeconds),
    ...(verdict.allowed ? {} : { "retry-after": String(resetSeconds) }),
  };
}
