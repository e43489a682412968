import type { RateLimitRule, RateLimitStore, RateLimitVerdict } from "./rate-limit-store";

type Counter = { window: number; current: number; previous: number };

/** Beyond this many keys the oldest are dropped: a flood of distinct keys cannot grow memory without bound. */
const MAX_KEYS = 100_000;

/**
 * The in-process store: Upstash's sliding window (the previous window's count,
 * weighted by how much of it still overlaps, plus the current one), so both stores
 * agree on what a limit allows. Refused requests are not counted, as Upstash does.
 */
export function createMemoryRateLimitStore(options: { now?: () => number } = {}): RateLimitStore {
  // Read the clock at each call (not a captured Date.now), as Upstash's client does: a faked Date applies to both.
  const now = options.now ?? (() => Date.now());
  const counters = new Map<string, Counter>();

  return {
    kind: "memory",
    async consume(rule: RateLimitRule, key: string): Promise<RateLimitVerdict> {
      const time = now();
      const window = Math.floor(time / rule.windowMs);
      const mapKey = `${rule.name}:${key}`;
      const counter = advance(counters.get(mapKey), window);
      const overlap = 1 - (time % rule.windowMs) / rule.windowMs;
      const used = Math.floor(counter.previous * overlap) + counter.current;
      const resetAt = (window + 1) * rule.windowMs;
      const allowed = used < rule.limit;
      if (allowed) counter.current += 1;
      // Re-insert so the Map's order is least recently used first.
      counters.delete(mapKey);
      counters.set(mapKey, counter);
      if (counters.size > MAX_KEYS) counters.delete(counters.keys().next().value as string);
      return {
        allowed,
        limit: rule.limit,
        remaining: Math.max(0, rule.limit - used - (allowed ? 1 : 0)),
        resetAt,
      };
    },
    async ping() {},
  };
}

function advance(counter: Counter | undefined, window: number): Counter {
  if (!counter || counter.window < window - 1) return { window, current: 0, previous: 0 };
  if (counter.window === window - 1) return { window, current: 0, previous: counter.current };
  return counter;
}
