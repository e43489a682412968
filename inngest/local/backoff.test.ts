import { describe, expect, it } from "vitest";
import { clampRetryAfter, fastBackoff, inngestBackoff, resolveBackoff, retryBackoffFromEnv } from "./backoff";

describe("resolveBackoff", () => {
  it("defaults to Inngest's table; LOCAL_ENGINE_FAST_RETRIES=1 or 'fast' picks the fast schedule", () => {
    expect(resolveBackoff(undefined)).toBe(inngestBackoff);
    expect(resolveBackoff("inngest")).toBe(inngestBackoff);
    expect(resolveBackoff("fast")).toBe(fastBackoff);
    // The launcher and CLI read the switch and pass the option; the engine reads no environment.
    expect(retryBackoffFromEnv({})).toBe("inngest");
    expect(retryBackoffFromEnv({ LOCAL_ENGINE_FAST_RETRIES: "1" })).toBe("fast");
    expect(retryBackoffFromEnv({ LOCAL_ENGINE_FAST_RETRIES: "true" })).toBe("fast");
    expect(retryBackoffFromEnv({ LOCAL_ENGINE_FAST_RETRIES: "0" })).toBe("inngest");
    expect([1, 2, 7, 8].map(fastBackoff)).toEqual([1_000, 2_000, 60_000, 60_000]);
  });

  it("caps the table at 2 h and clamps retry-after to 1 s – 24 h", () => {
    expect(inngestBackoff(20)).toBeGreaterThanOrEqual(7_200_000);
    expect(inngestBackoff(20)).toBeLessThan(7_230_000);
    expect([undefined, 0, 5_000, 3 * 86_400_000].map(clampRetryAfter)).toEqual([
      undefined,
      1_000,
      5_000,
      86_400_000,
    ]);
  });
});
