import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack, stopStack } from "../helpers/stack";
import { startUpstashRestShim, type UpstashRestShim } from "../helpers/upstash-rest-shim";

/**
 * Readiness against the real dependencies: the database, the local engine's REST
 * API and the Upstash client on Redis (through the REST shim). Liveness checks
 * nothing and says nothing.
 */

// Long enough for a cold first query on a busy machine; the hung-store test still shows the bound.
const CHECK_TIMEOUT_MS = 2_000;
let shim: UpstashRestShim;
let stack: Stack;

beforeAll(async () => {
  shim = await startUpstashRestShim();
  process.env.UPSTASH_REDIS_REST_URL = shim.url;
  process.env.UPSTASH_REDIS_REST_TOKEN = shim.token;
  process.env.READINESS_CHECK_TIMEOUT_MS = String(CHECK_TIMEOUT_MS);
  stack = await startStack({ driver: "pglite" });
});

afterAll(async () => {
  await stopStack(stack);
  await shim?.close();
});

afterEach(() => shim.setMode("ok"));

type ReadyBody = { status: string; checks: Record<string, string> };

describe("GET /api/health/ready", () => {
  it("is 200 when the database, Inngest and the rate-limit store all answer", async () => {
    const answer = await stack.api<ReadyBody>("GET", "/api/health/ready");
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      status: "ready",
      checks: { database: "ok", inngest: "ok", rateLimitStore: "ok" },
    });
    expect(answer.headers.get("cache-control")).toBe("no-store");
  });

  it("is 503 naming the rate-limit store when Redis refuses, and says nothing else about it", async () => {
    shim.setMode("down");
    const answer = await stack.api<ReadyBody>("GET", "/api/health/ready");
    expect(answer.status).toBe(503);
    expect(answer.headers.get("retry-after")).not.toBeNull();
    expect(answer.body).toEqual({
      status: "not_ready",
      checks: { database: "ok", inngest: "ok", rateLimitStore: "failed" },
    });
    expect(JSON.stringify(answer.body)).not.toContain("127.0.0.1");
  });

  it("fails a hung dependency within its timeout instead of hanging the probe", async () => {
    shim.setMode("hang");
    const started = performance.now();
    const answer = await stack.api<ReadyBody>("GET", "/api/health/ready");
    expect(answer.status).toBe(503);
    expect(answer.body.checks.rateLimitStore).toBe("failed");
    expect(performance.now() - started).toBeLessThan(CHECK_TIMEOUT_MS + 1_500);
  });
});

describe("GET /api/health", () => {
  it("says only that the process is alive, whatever the dependencies", async () => {
    shim.setMode("down");
    const answer = await stack.api<Record<string, unknown>>("GET", "/api/health");
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual(["status", "timestamp"]);
    expect(answer.body.status).toBe("ok");
    expect(Number.isNaN(Date.parse(String(answer.body.timestamp)))).toBe(false);
  });
});

describe("the Inngest check", () => {
  it("fails when Inngest's API does not answer", async () => {
    const { createInngestRunsApi } = await import("@/server/reconcile/inngest-runs-api");
    await expect(
      createInngestRunsApi({ baseUrl: "http://127.0.0.1:1", timeoutMs: 500 }).reachable(),
    ).resolves.toBe(false);
    await expect(
      createInngestRunsApi({ baseUrl: stack.engine.url, timeoutMs: 5_000 }).reachable(),
    ).resolves.toBe(true);
  });
});
