import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, type LaunchedServer, launchNextServer } from "../helpers/next-server";

/**
 * `next start` with its database down from the start (nothing listens on its
 * port): no route answers 500. API routes answer 503 `unavailable` with
 * Retry-After; pages say the data is unavailable for a moment and retry (Next
 * cannot give a page a 503 status).
 */
describe("next start while the database is down", () => {
  let server: LaunchedServer;

  beforeAll(async () => {
    const deadPort = await freePort();
    server = await launchNextServer({
      env: {
        STEPWISE_EMBEDDED: "1",
        DATABASE_URL: `postgres://postgres@127.0.0.1:${deadPort}/stepwise`,
        DATABASE_CONNECT_TIMEOUT_MS: "1000",
        INNGEST_DEV: "http://127.0.0.1:9",
        LOG_LEVEL: "silent",
      },
    });
    // Alive (liveness checks nothing), but not ready: readiness names the database.
    const outcome = await server.health();
    expect(outcome, server.output()).toEqual({ kind: "answered", status: 200 });
    const ready = await fetch(`${server.url}/api/health/ready`);
    expect(ready.status).toBe(503);
    expect((await ready.json()).checks).toMatchObject({ database: "failed" });
  });
  afterAll(async () => {
    await server?.stop();
  });

  const get = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${server.url}${path}`, { redirect: "manual", ...init });
    return {
      status: response.status,
      retryAfter: response.headers.get("retry-after"),
      text: await response.text(),
    };
  };

  it("answers 503 with Retry-After on API routes, never 500", async () => {
    const runId = "run_01m8jyp1zssqt1qkzvhsbh5d48";
    const answers = await Promise.all([
      get("/api/workflows"),
      get("/api/workflows/wf_example"),
      get(`/api/runs/${runId}`),
      get("/api/workflows/wf_example/runs", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ input: { name: "Ada" } }),
      }),
      get("/api/v1/workflows", { headers: { authorization: `Bearer sk_${"a".repeat(43)}` } }),
    ]);
    for (const answer of answers) {
      expect(answer.status, answer.text).toBe(503);
      expect(answer.retryAfter).not.toBeNull();
      expect(JSON.parse(answer.text)).toMatchObject({ error: { code: "unavailable" } });
      expect(answer.text).not.toMatch(/127\.0\.0\.1|postgres:\/\/|select /i);
    }
  });

  it("renders pages with an 'unavailable, retrying' notice instead of an error page", async () => {
    for (const path of ["/", "/runs/run_01m8jyp1zssqt1qkzvhsbh5d48"]) {
      const page = await get(path);
      expect(page.status, path).toBe(200);
      expect(page.text).toContain("The database is not answering right now");
      expect(page.text).toContain('http-equiv="refresh"');
    }
  });
});
