import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/errors";
import {
  enforceRateLimit,
  RateLimitExceeded,
  rateLimitHeaders,
} from "@/server/rate-limit/enforce-rate-limit";
import { createMemoryRateLimitStore } from "@/server/rate-limit/memory-rate-limit-store";
import { rateLimitPolicy } from "@/server/rate-limit/rate-limit-classes";
import { createUpstashRateLimitStore } from "@/server/rate-limit/upstash-rate-limit-store";
import { startUpstashRestShim, type UpstashRestShim } from "../helpers/upstash-rest-shim";

let shim: UpstashRestShim;

beforeAll(async () => {
  shim = await startUpstashRestShim();
});

afterAll(async () => {
  await shim?.close();
});

afterEach(() => {
  shim.setMode("ok");
  vi.unstubAllEnvs();
});

/** env.ts caches what it parsed; these tests change the configuration, so each reads it afresh. */
async function freshModules() {
  vi.resetModules();
  return {
    enforce: (await import("@/server/rate-limit/enforce-rate-limit")).enforceRateLimit,
    policy: (await import("@/server/rate-limit/rate-limit-classes")).rateLimitPolicy,
    // From the same fresh module graph, so its errors are the classes enforce checks for.
    upstashStore: (await import("@/server/rate-limit/upstash-rate-limit-store")).createUpstashRateLimitStore,
  };
}

describe("rate-limit classes", () => {
  it("default to the planning documents' webhook budget, failing closed", () => {
    expect(rateLimitPolicy("webhook")).toEqual({ limit: 20, windowMs: 10_000, onStoreFailure: "closed" });
    expect(rateLimitPolicy("api_key")?.onStoreFailure).toBe("open");
  });

  it("take limits and the failure mode from config, and can be switched off", async () => {
    vi.stubEnv("RATE_LIMIT_API_KEY", "5/1m closed");
    vi.stubEnv("RATE_LIMIT_SESSION", "off");
    vi.stubEnv("RATE_LIMIT_WEBHOOK", "100/30s");
    const { policy } = await freshModules();
    expect(policy("api_key")).toEqual({ limit: 5, windowMs: 60_000, onStoreFailure: "closed" });
    expect(policy("session")).toBeUndefined();
    expect(policy("webhook")).toEqual({ limit: 100, windowMs: 30_000, onStoreFailure: "closed" });
  });
});

describe("enforceRateLimit", () => {
  it("returns the budget while within it and refuses over it with the headers to come back", async () => {
    const store = createMemoryRateLimitStore();
    const key = `endpoint-1:${Math.random()}`;
    for (let i = 0; i < 20; i++) {
      const verdict = await enforceRateLimit("webhook", key, store);
      expect(verdict?.remaining).toBe(19 - i);
    }
    const refusal = await enforceRateLimit("webhook", key, store).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(RateLimitExceeded);
    expect((refusal as RateLimitExceeded).status).toBe(429);
    const headers = rateLimitHeaders((refusal as RateLimitExceeded).verdict);
    expect(headers["ratelimit-limit"]).toBe("20");
    expect(headers["ratelimit-remaining"]).toBe("0");
    expect(Number(headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(Number(headers["retry-after"])).toBeLessThanOrEqual(10);
  });

  it("fails closed for webhooks and open for API keys when Redis is down", async () => {
    const store = createUpstashRateLimitStore({ url: shim.url, token: shim.token, timeoutMs: 500 });
    shim.setMode("down");
    const closed = await enforceRateLimit("webhook", "endpoint-2", store).catch((error: unknown) => error);
    expect(closed).toBeInstanceOf(AppError);
    expect((closed as AppError).status).toBe(503);
    await expect(enforceRateLimit("api_key", "key-2", store)).resolves.toBeUndefined();
  });

  it("honours a class switched to fail closed in config", async () => {
    vi.stubEnv("RATE_LIMIT_API_KEY", "600/1m closed");
    const { enforce, upstashStore } = await freshModules();
    const store = upstashStore({ url: shim.url, token: shim.token, timeoutMs: 500 });
    shim.setMode("hang");
    const failure = await enforce("api_key", "key-3", store).catch((error: unknown) => error);
    expect((failure as AppError).status).toBe(503);
  });

  it("counts nothing for a class that is off", async () => {
    vi.stubEnv("RATE_LIMIT_SESSION", "off");
    const { enforce } = await freshModules();
    const store = createMemoryRateLimitStore();
    const consume = vi.spyOn(store, "consume");
    await expect(enforce("session", "user-1", store)).resolves.toBeUndefined();
    expect(consume).not.toHaveBeenCalled();
  });
});
