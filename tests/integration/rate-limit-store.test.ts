import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createMemoryRateLimitStore } from "@/server/rate-limit/memory-rate-limit-store";
import {
  type RateLimitRule,
  type RateLimitStore,
  RateLimitStoreUnavailable,
} from "@/server/rate-limit/rate-limit-store";
import { createUpstashRateLimitStore } from "@/server/rate-limit/upstash-rate-limit-store";
import { startUpstashRestShim, type UpstashRestShim } from "../helpers/upstash-rest-shim";

/**
 * One suite, two stores: the in-process limiter (the embedded default) and the
 * real @upstash/ratelimit client on the machine's Redis through the REST shim.
 * Time moves with a faked Date (both stores read Date.now), never by waiting.
 */

let shim: UpstashRestShim;

beforeAll(async () => {
  shim = await startUpstashRestShim();
});

afterAll(async () => {
  await shim?.close();
});

const WINDOW_MS = 10_000;
/** A window boundary well away from the real clock, so counters from earlier runs never overlap. */
const start = (Math.floor(Date.now() / WINDOW_MS) + 1_000_000) * WINDOW_MS;

const stores: Array<[string, () => RateLimitStore]> = [
  ["in-process", () => createMemoryRateLimitStore()],
  [
    "upstash on Redis",
    () => createUpstashRateLimitStore({ url: shim.url, token: shim.token, timeoutMs: 15_000 }),
  ],
];

describe.each(stores)("the %s store", (_name, makeStore) => {
  let store: RateLimitStore;
  let rule: RateLimitRule;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(start);
    store = makeStore();
    rule = { name: `test-${randomUUID()}`, limit: 20, windowMs: WINDOW_MS };
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("allows the limit within a window and refuses the next, counting down what remains", async () => {
    const verdicts = [];
    for (let i = 0; i < 21; i++) {
      vi.setSystemTime(start + i * 100);
      verdicts.push(await store.consume(rule, "203.0.113.7"));
    }
    expect(verdicts.slice(0, 20).every((verdict) => verdict.allowed)).toBe(true);
    expect(verdicts.slice(0, 20).map((verdict) => verdict.remaining)).toEqual(
      Array.from({ length: 20 }, (_, i) => 19 - i),
    );
    expect(verdicts[20]).toMatchObject({ allowed: false, limit: 20, remaining: 0 });
    expect(verdicts[20]?.resetAt).toBe(start + WINDOW_MS);
  });

  it("keeps keys and rules apart", async () => {
    for (let i = 0; i < 20; i++) await store.consume(rule, "key-a");
    expect((await store.consume(rule, "key-a")).allowed).toBe(false);
    expect((await store.consume(rule, "key-b")).allowed).toBe(true);
    const otherRule = { ...rule, name: `${rule.name}-other` };
    expect((await store.consume(otherRule, "key-a")).allowed).toBe(true);
  });

  it("slides: half-way through the next window half of the last window still counts", async () => {
    for (let i = 0; i < 20; i++) await store.consume(rule, "key");
    vi.setSystemTime(start + WINDOW_MS + WINDOW_MS / 2);
    const allowed = [];
    for (let i = 0; i < 15; i++) allowed.push((await store.consume(rule, "key")).allowed);
    expect(allowed.filter(Boolean)).toHaveLength(10);
    vi.setSystemTime(start + 3 * WINDOW_MS);
    expect((await store.consume(rule, "key")).allowed).toBe(true);
  });

  it("is exact under concurrent requests: 50 at once, 20 allowed", async () => {
    const verdicts = await Promise.all(Array.from({ length: 50 }, () => store.consume(rule, "burst")));
    expect(verdicts.filter((verdict) => verdict.allowed)).toHaveLength(20);
    if (store.kind === "upstash") {
      // The script was loaded once and then run from Redis's script cache.
      expect(shim.commands.filter((name) => name === "EVALSHA").length).toBeGreaterThan(
        shim.commands.filter((name) => name === "EVAL").length,
      );
    }
  });

  it("answers a ping", async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
});

describe("the upstash store when Redis cannot be reached", () => {
  afterEach(() => shim.setMode("ok"));

  it("says unavailable, without the key, when the store refuses", async () => {
    const store = createUpstashRateLimitStore({ url: shim.url, token: shim.token, timeoutMs: 2_000 });
    shim.setMode("down");
    const failure = await store
      .consume({ name: "down", limit: 5, windowMs: 10_000 }, "secret-key-1")
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RateLimitStoreUnavailable);
    expect(String((failure as Error).message)).not.toContain("secret-key-1");
    await expect(store.ping()).rejects.toBeInstanceOf(RateLimitStoreUnavailable);
  });

  it("gives up after its timeout when the store hangs, with one attempt", async () => {
    const store = createUpstashRateLimitStore({ url: shim.url, token: shim.token, timeoutMs: 200 });
    shim.setMode("hang");
    const before = shim.requestCount();
    const started = performance.now();
    const failure = await store.consume({ name: "hang", limit: 5, windowMs: 10_000 }, "k").catch((e) => e);
    expect(failure).toBeInstanceOf(RateLimitStoreUnavailable);
    expect((failure as Error).message).toContain("timed out");
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(shim.requestCount()).toBe(before + 1);
  });

  it("says unavailable with a wrong token", async () => {
    const store = createUpstashRateLimitStore({ url: shim.url, token: "wrong", timeoutMs: 2_000 });
    await expect(store.ping()).rejects.toBeInstanceOf(RateLimitStoreUnavailable);
  });
});
