import { describe, expect, it } from "vitest";
import { clampRetryAfter, fastBackoff, inngestBackoff, resolveBackoff } from "./backoff";

describe("resolveBackoff", () => {
  it("defaults to Inngest's table; LOCAL_ENGINE_FAST_RETRIES=1 or 'fast' picks the fast schedule", () => {
    expect(resolveBackoff(undefined, {})).toBe(inngestBackoff);
    expect(resolveBackoff(undefined, { LOCAL_ENGINE_FAST_RETRIES: "1" })).toBe(fastBackoff);
    expect(resolveBackoff("inngest", { LOCAL_ENGINE_FAST_RETRIES: "true" })).toBe(inngestBackoff);
    expect(resolveBackoff("fast", {})).toBe(fastBackoff);
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
