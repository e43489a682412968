import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import {
  type RateLimitRule,
  type RateLimitStore,
  RateLimitStoreUnavailable,
  type RateLimitVerdict,
} from "./rate-limit-store";

/**
 * Upstash Redis over REST, shared by every instance. The client's own retries
 * (5, with backoff) and the limiter's own timeout (which silently allows) are
 * switched off: each request gets one attempt bounded by `timeoutMs`, and a
 * failure surfaces as RateLimitStoreUnavailable for the class to decide.
 */
export function createUpstashRateLimitStore(options: {
  url: string;
  token: string;
  timeoutMs: number;
}): RateLimitStore {
  const redis = new Redis({
    url: options.url,
    token: options.token,
    retry: false,
    enableTelemetry: false,
    signal: () => AbortSignal.timeout(options.timeoutMs),
  });
  const limiters = new Map<string, Ratelimit>();

  const limiterFor = (rule: RateLimitRule): Ratelimit => {
    const id = `${rule.name}:${rule.limit}:${rule.windowMs}`;
    let limiter = limiters.get(id);
    if (!limiter) {
      limiter = new Ratelimit({
        redis,
        limiter: Ratelimit.slidingWindow(rule.limit, `${rule.windowMs} ms`),
        prefix: `stepwise:ratelimit:${rule.name}`,
        timeout: 0,
        analytics: false,
      });
      limiters.set(id, limiter);
    }
    return limiter;
  };

  return {
    kind: "upstash",
    async consume(rule, key): Promise<RateLimitVerdict> {
      try {
        const answer = await limiterFor(rule).limit(key);
        return {
          allowed: answer.success,
          limit: answer.limit,
          remaining: Math.max(0, answer.remaining),
          resetAt: answer.reset,
        };
      } catch (error) {
        // The client's message quotes the command (and so the key): only the kind of failure goes on.
        throw new RateLimitStoreUnavailable(describeFailure(error), { cause: error });
      }
    },
    async ping() {
      try {
        await redis.ping();
      } catch (error) {
        throw new RateLimitStoreUnavailable(describeFailure(error), { cause: error });
      }
    },
  };
}

function describeFailure(error: unknown): string {
  const name = error instanceof Error ? error.name : "";
  if (name === "TimeoutError" || name === "AbortError") return "timed out";
  if (name === "UpstashError") return "refused the command";
  return "unreachable";
}
