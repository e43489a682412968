import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { CHROMIUM } from "../helpers/browser";
import { useBrowserApp } from "../helpers/browser-app";

/**
 * The public API called from another site's page, in a real browser: Chromium
 * sends the preflight itself (a POST with Authorization, JSON and
 * Idempotency-Key needs one) and enforces the answer. A listed origin starts a
 * run and reads the exposed headers; an unlisted origin's call never leaves the
 * browser. The /api/v1 routes answer CORS themselves (the proxy skips them).
 */

/** A page of a partner's site: an empty document on its own origin (loopback, another port). */
async function startSite(): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<!doctype html><title>partner</title><p>partner site</p>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const listed = await startSite();
const unlisted = await startSite();

type BrowserCall =
  | { ok: true; status: number; body: unknown; requestId: string | null }
  | { ok: false; error: string };

describe.skipIf(!CHROMIUM)("the public API from another origin's page", () => {
  const { app, browser } = useBrowserApp({ env: { CORS_ALLOWED_ORIGINS: listed.origin } });

  afterAll(async () => {
    await listed.close();
    await unlisted.close();
  });

  async function startRunFrom(origin: string, secret: string, idempotencyKey: string): Promise<BrowserCall> {
    const page = await browser().newPage();
    try {
      await page.goto(`${origin}/`);
      return await page.evaluate(
        async ({ url, secret, idempotencyKey }) => {
          try {
            const response = await fetch(url, {
              method: "POST",
              headers: {
                authorization: `Bearer ${secret}`,
                "content-type": "application/json",
                "idempotency-key": idempotencyKey,
              },
              body: JSON.stringify({ input: { name: "Ada" } }),
            });
            return {
              ok: true as const,
              status: response.status,
              body: await response.json(),
              requestId: response.headers.get("x-request-id"),
            };
          } catch (error) {
            return { ok: false as const, error: String(error) };
          }
        },
        { url: `${app().url}/api/v1/workflows/wf_example/runs`, secret, idempotencyKey },
      );
    } finally {
      await page.close();
    }
  }

  it("lets a listed origin start a run and read its request id, and keeps an unlisted one out", async () => {
    const key = await app().call<{ secret: string }>("POST", "/api/api-keys", {
      body: { name: "partner site", scopes: ["runs:write", "runs:read"] },
    });
    expect(key.status, key.text).toBe(201);

    const allowed = await startRunFrom(listed.origin, key.body.secret, "cross-origin-listed");
    expect(allowed).toMatchObject({ ok: true, status: 202, body: { status: "queued" } });
    // X-Request-Id is readable only because the answer exposes it to the listed origin.
    expect(allowed.ok && allowed.requestId).toMatch(/^req_/);

    const refused = await startRunFrom(unlisted.origin, key.body.secret, "cross-origin-unlisted");
    expect(refused).toMatchObject({ ok: false, error: expect.stringContaining("Failed to fetch") });
    // The browser stopped at the refused preflight: the POST never reached the app.
    const runs = await app().call<{ data: { id: string }[] }>("GET", "/api/v1/runs?limit=50", {
      bearer: key.body.secret,
    });
    expect(runs.status, runs.text).toBe(200);
    const runId = allowed.ok ? (allowed.body as { runId: string }).runId : "";
    expect(runs.body.data.map((run) => run.id)).toEqual([runId]);
  });
});
