import { getEnv, type RateLimitSetting } from "@/lib/env";

/** Who is being limited, each with its own budget and its own answer to a store outage. */
export type RateLimitClass = "webhook" | "api_key" | "session" | "auth_failure";

export type RateLimitPolicy = {
  limit: number;
  windowMs: number;
  /**
   * What a request gets when the store does not answer: "open" lets it through
   * (a limit is a safeguard, not the product), "closed" answers 503 (webhooks:
   * an unauthenticated flood must not get through because Redis is down).
   */
  onStoreFailure: "open" | "closed";
};

const DEFAULTS: Record<RateLimitClass, RateLimitPolicy> = {
  // Per endpoint and source IP; the planning documents' 20 calls per 10 s.
  webhook: { limit: 20, windowMs: 10_000, onStoreFailure: "closed" },
  // Per API key: generous for scripts, a ceiling for runaway loops.
  api_key: { limit: 600, windowMs: 60_000, onStoreFailure: "open" },
  // Per signed-in user: the editor autosaves and the run view polls.
  session: { limit: 600, windowMs: 60_000, onStoreFailure: "open" },
  // Failed sign-ins (bad API keys, bad signatures) per IP: slows down guessing.
  auth_failure: { limit: 30, windowMs: 300_000, onStoreFailure: "open" },
};

const SETTING_OF: Record<RateLimitClass, (env: ReturnType<typeof getEnv>) => RateLimitSetting | undefined> = {
  webhook: (env) => env.RATE_LIMIT_WEBHOOK,
  api_key: (env) => env.RATE_LIMIT_API_KEY,
  session: (env) => env.RATE_LIMIT_SESSION,
  auth_failure: (env) => env.RATE_LIMIT_AUTH_FAILURE,
};

/** The class's policy from config over its default; undefined when the class is switched off. */
export function rateLimitPolicy(rateLimitClass: RateLimitClass): RateLimitPolicy | undefined {
  const setting = SETTING_OF[rateLimitClass](getEnv());
  const defaults = DEFAULTS[rateLimitClass];
  if (setting === "off") return undefined;
  if (!setting) return defaults;
  return {
    limit: setting.limit,
    windowMs: setting.windowMs,
    onStoreFailure: setting.onStoreFailure ?? defaults.onStoreFailure,
  };
}
