import { getEnv } from "@/lib/env";
import { createMemoryRateLimitStore } from "./memory-rate-limit-store";
import type { RateLimitStore } from "./rate-limit-store";
import { createUpstashRateLimitStore } from "./upstash-rate-limit-store";

const globalStore = globalThis as typeof globalThis & { __stepwiseRateLimitStore?: RateLimitStore };

/**
 * Upstash when configured, otherwise the in-process store. One per process (on
 * globalThis, so Next's dev bundles share the in-process counters).
 */
export function getRateLimitStore(): RateLimitStore {
  if (!globalStore.__stepwiseRateLimitStore) {
    const env = getEnv();
    globalStore.__stepwiseRateLimitStore =
      env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN
        ? createUpstashRateLimitStore({
            url: env.UPSTASH_REDIS_REST_URL,
            token: env.UPSTASH_REDIS_REST_TOKEN,
            timeoutMs: env.RATE_LIMIT_STORE_TIMEOUT_MS,
          })
        : createMemoryRateLimitStore();
  }
  return globalStore.__stepwiseRateLimitStore;
}
