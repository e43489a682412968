import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";

/**
 * A database that refuses connections (a closed loopback port) behind the app's
 * real route modules: every route answers 503 `unavailable` with Retry-After in
 * the shared error shape, never 500, and the answer leaks neither SQL nor the
 * connection string. The app reads its configuration at import, so env is set
 * before anything from src/ is loaded.
 */

const DEAD_DATABASE = "postgres://stepwise:secret-password@127.0.0.1:1/stepwise_outage";

type Routes = {
  workflows: typeof import("@/app/api/workflows/route");
  v1Workflows: typeof import("@/app/api/v1/workflows/route");
  health: typeof import("@/app/api/health/route");
  ready: typeof import("@/app/api/health/ready/route");
  linkRoute: typeof import("@/server/http/link-route").linkRoute;
  closeDb: typeof import("@/server/db/client").closeDb;
};
let routes: Routes;
/** Every line the app logs here (captured, so the level can be info without printing). */
const lines: Array<Record<string, unknown>> = [];
let stopCapture: (() => void) | undefined;

beforeAll(async () => {
  process.env.DATABASE_URL = DEAD_DATABASE;
  process.env.DATABASE_CONNECT_TIMEOUT_MS = "1000";
  process.env.LOG_LEVEL = "info";
  const { captureLogLines } = await import("@/lib/logger");
  stopCapture = captureLogLines((line) => lines.push(JSON.parse(line) as Record<string, unknown>));
  routes = {
    workflows: await import("@/app/api/workflows/route"),
    v1Workflows: await import("@/app/api/v1/workflows/route"),
    health: await import("@/app/api/health/route"),
    ready: await import("@/app/api/health/ready/route"),
    linkRoute: (await import("@/server/http/link-route")).linkRoute,
    closeDb: (await import("@/server/db/client")).closeDb,
  };
});

afterAll(async () => {
  stopCapture?.();
  await routes?.closeDb();
});

async function expectUnavailable(response: Response): Promise<void> {
  const text = await response.text();
  expect(response.status, text).toBe(503);
  expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
  const body = JSON.parse(text) as { error: { code: string; message: string; requestId: string } };
  expect(body.error.code).toBe("unavailable");
  expect(body.error.requestId).toBe(response.headers.get("x-request-id"));
  // Nothing about the query, the driver or the connection string reaches the caller.
  expect(text).not.toMatch(
    /select|insert|Failed query|ECONNREFUSED|127\.0\.0\.1|secret-password|stepwise_outage/i,
  );
}

describe("a database outage answers 503 on every route", () => {
  it("session routes (GET and POST)", async () => {
    await expectUnavailable(await routes.workflows.GET(new Request("http://localhost/api/workflows")));
    await expectUnavailable(
      await routes.workflows.POST(
        new Request("http://localhost/api/workflows", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ name: "x", graph: { nodes: [], edges: [] } }),
        }),
      ),
    );
  });

  it("API-key routes (the key lookup itself needs the database)", async () => {
    const request = new Request("http://localhost/api/v1/workflows", {
      headers: { authorization: `Bearer sk_${"a".repeat(43)}` },
    });
    await expectUnavailable(await routes.v1Workflows.GET(request));
  });

  it("link routes", async () => {
    const route = routes.linkRoute({ params: z.object({}), verify: () => {} }, async ({ db }) =>
      db.execute(sql`select 1`),
    );
    await expectUnavailable(await route(new Request("http://localhost/api/approvals/x")));
  });

  it("readiness names the database as failed, with Retry-After, and liveness stays ok", async () => {
    const response = await routes.ready.GET(new Request("http://localhost/api/health/ready"));
    expect(response.status).toBe(503);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = await response.json();
    expect(body).toMatchObject({ status: "not_ready", checks: { database: "failed" } });
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|postgres|secret|ECONNREFUSED/i);
    const live = await routes.health.GET(new Request("http://localhost/api/health"));
    expect(live.status).toBe(200);
    expect(Object.keys(await live.json()).sort()).toEqual(["status", "timestamp"]);
  });
});

describe("what an outage writes to the log", () => {
  it("one warning per request naming the cause, without the failed query or its parameters", async () => {
    const { logger } = await import("@/lib/logger");
    const warn = vi.spyOn(logger, "warn");
    const error = vi.spyOn(logger, "error");
    try {
      await routes.workflows.POST(
        new Request("http://localhost/api/workflows", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ name: "customer-secret-in-a-name", graph: { nodes: [], edges: [] } }),
        }),
      );
      expect(error).not.toHaveBeenCalled();
      expect(warn).toHaveBeenCalledTimes(1);
      const logged = JSON.stringify(warn.mock.calls[0]);
      expect(logged).toContain("unavailable");
      expect(logged).toMatch(/ECONNREFUSED/);
      expect(logged).not.toMatch(/customer-secret-in-a-name|Failed query|params|secret-password/);
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });

  it("an API-key lookup logs neither the key nor its prefix; its lines share the request id", async () => {
    const key = `sk_${"b".repeat(43)}`;
    const from = lines.length;
    const response = await routes.v1Workflows.GET(
      new Request("http://localhost/api/v1/workflows?cursor=query-secret", {
        headers: { authorization: `Bearer ${key}`, "x-request-id": "req-outage-1" },
      }),
    );
    expect(response.status).toBe(503);
    const logged = lines.slice(from);
    const { DATABASE_UNAVAILABLE_MESSAGE } = await import("@/server/http/error-response");
    expect(logged.map((line) => line.msg)).toEqual([DATABASE_UNAVAILABLE_MESSAGE, "request"]);
    for (const line of logged) expect(line.requestId).toBe("req-outage-1");
    expect(logged[1]).toMatchObject({ route: "/api/v1/workflows", status: 503, caller: "anonymous" });
    const text = JSON.stringify(logged);
    expect(text).not.toContain("sk_bbb");
    expect(text).not.toMatch(/query-secret|Failed query|params|secret-password/);
  });
});
