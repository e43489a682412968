import { describe, expect, it } from "vitest";
import { fillTemplate, listApiRoutes } from "../helpers/api-routes";
import { createClerkTestKeys } from "../helpers/clerk-tokens";
import { AUTHORIZED_PARTIES, type CallOptions, type CallResult, useNextApp } from "../helpers/next-app";

/**
 * The edge as a client meets it, through `next start` with sign-in on: the security
 * headers on every kind of answer (proxy.ts for pages, next.config.mjs for the rest,
 * including the paths the proxy skips), CORS on /api/v1 only, and no redirect from an
 * API route whatever the cookie and Accept header say.
 */

const clerk = await createClerkTestKeys();
const AZP = AUTHORIZED_PARTIES[0];
const LISTED = "https://console.partner.test";
const UNLISTED = "https://evil.test";

type ErrorBody = { error: { code: string; message: string; requestId: string } };

describe("security headers, CORS and redirects at the edge", () => {
  const app = useNextApp({ clerk, env: { CORS_ALLOWED_ORIGINS: `${LISTED},http://localhost:5173` } });
  const now = () => Math.floor(Date.now() / 1000);

  async function signedIn(): Promise<CallOptions["sessionCookie"]> {
    const issuedAt = now();
    const token = await clerk.mintSessionToken({ userId: `user_edge_${Date.now()}`, azp: AZP, issuedAt });
    return { token, clientUat: issuedAt };
  }

  function expectSecurityHeaders(result: CallResult<unknown>) {
    const headers = result.headers;
    expect(headers.get("x-frame-options")).toBe("DENY");
    expect(headers.get("x-content-type-options")).toBe("nosniff");
    expect(headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    // `next start` serves a production build.
    expect(headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
    const permissions = headers.get("permissions-policy") ?? "";
    for (const feature of ["camera", "microphone", "geolocation", "payment", "usb"]) {
      expect(permissions).toContain(`${feature}=()`);
    }
    const policies = headers.get("content-security-policy");
    // One policy, never two (browsers would enforce both).
    expect(policies).not.toContain(",");
    expect(policies).not.toContain("unsafe-eval");
  }

  function expectApiPolicy(result: CallResult<unknown>) {
    expectSecurityHeaders(result);
    expect(result.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
  }

  /** A page's policy has this request's nonce, and every script of the page carries it. */
  function expectPagePolicy(result: CallResult<unknown>): string {
    expectSecurityHeaders(result);
    const policy = result.headers.get("content-security-policy") ?? "";
    const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)' 'strict-dynamic'/.exec(policy)?.[1];
    expect(nonce, policy).toBeDefined();
    for (const directive of [
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      "img-src 'self' data: blob:",
      "style-src 'self' 'unsafe-inline'",
    ]) {
      expect(policy).toContain(directive);
    }
    const scripts = result.text.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
    return nonce ?? "";
  }

  describe("security headers", () => {
    it("are on pages, with a fresh script nonce per request", async () => {
      const sessionCookie = await signedIn();
      const first = await app().call("GET", "/", { sessionCookie });
      expect(first.status, first.text).toBe(200);
      const second = await app().call("GET", "/workflows/wf_missing", { sessionCookie });
      expect(second.status).toBe(404);
      expect(expectPagePolicy(first)).not.toBe(expectPagePolicy(second));
    });

    it("are on the 404 page of an unknown path, which renders with the nonce too", async () => {
      for (const path of ["/no-such-page", "/favicon.ico"]) {
        const result = await app().call("GET", path);
        expect(result.status).toBe(404);
        expectPagePolicy(result);
      }
    });

    it("are on API answers: success, errors, 404 and 405, session and public API alike", async () => {
      const sessionCookie = await signedIn();
      const answers: Array<[string, string, CallOptions, number]> = [
        ["GET", "/api/workflows", { sessionCookie }, 200],
        ["GET", "/api/workflows", {}, 401],
        ["POST", "/api/workflows", { sessionCookie, body: { name: "" } }, 422],
        ["GET", "/api/no-such-route", {}, 404],
        ["DELETE", "/api/workflows", { sessionCookie }, 405],
        ["GET", "/api/v1/workflows", {}, 401],
        ["GET", "/api/v1/workflows", { bearer: "sk_not_a_real_key" }, 401],
        ["DELETE", "/api/v1/workflows", {}, 405],
        ["GET", "/api/v1/no-such-route", {}, 404],
      ];
      for (const [method, path, options, status] of answers) {
        const result = await app().call(method, path, options);
        expect(result.status, `${method} ${path}: ${result.text}`).toBe(status);
        expectApiPolicy(result);
      }
    });

    it("are on the routes the proxy never sees", async () => {
      const health = await app().call("GET", "/api/health");
      expect(health.status).toBe(200);
      expectApiPolicy(health);
      const inngest = await app().call("GET", "/api/inngest");
      expectApiPolicy(inngest);
      const approval = await app().call("GET", "/api/approvals/not-a-token");
      expect(approval.status).toBeGreaterThanOrEqual(400);
      expectApiPolicy(approval);
      const webhook = await app().call("POST", "/api/webhooks/not-a-webhook-id", { body: {} });
      expect(webhook.status).toBe(404);
      expectApiPolicy(webhook);
    });

    it("are on static files", async () => {
      const page = await app().call("GET", "/", { sessionCookie: await signedIn() });
      const script = /<script\b[^>]*src="(\/_next\/static\/[^"]+)"/.exec(page.text)?.[1];
      expect(script).toBeDefined();
      const asset = await app().call("GET", script ?? "");
      expect(asset.status).toBe(200);
      expectApiPolicy(asset);
    });
  });

  describe("CORS on /api/v1", () => {
    it("answers a listed origin with its own origin and Vary: Origin", async () => {
      const result = await app().call("GET", "/api/v1/workflows", { headers: { origin: LISTED } });
      expect(result.status).toBe(401);
      expect(result.headers.get("access-control-allow-origin")).toBe(LISTED);
      expect(result.headers.get("access-control-allow-credentials")).toBeNull();
      expect(result.headers.get("access-control-expose-headers")).toContain("X-Request-Id");
      expect(result.headers.get("vary")).toMatch(/\bOrigin\b/);
    });

    it("gives an unlisted origin no CORS header", async () => {
      const result = await app().call("GET", "/api/v1/workflows", { headers: { origin: UNLISTED } });
      expect(result.status).toBe(401);
      for (const [name] of result.headers) expect(name).not.toMatch(/^access-control-/);
      expect(result.headers.get("vary")).toMatch(/\bOrigin\b/);
    });

    it("answers a listed origin's preflight 204 with the methods, headers and max-age", async () => {
      const result = await app().call("OPTIONS", "/api/v1/workflows/wf_example/runs", {
        headers: {
          origin: LISTED,
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization, content-type, idempotency-key",
        },
      });
      expect(result.status).toBe(204);
      expect(result.headers.get("access-control-allow-origin")).toBe(LISTED);
      expect(result.headers.get("access-control-allow-methods")).toContain("POST");
      const allowedHeaders = (result.headers.get("access-control-allow-headers") ?? "").toLowerCase();
      for (const header of ["authorization", "content-type", "idempotency-key"]) {
        expect(allowedHeaders).toContain(header);
      }
      expect(Number(result.headers.get("access-control-max-age"))).toBeGreaterThan(0);
      expectApiPolicy(result);
    });

    it("refuses an unlisted origin's preflight: 403 JSON without CORS headers", async () => {
      const result = await app().call<ErrorBody>("OPTIONS", "/api/v1/workflows", {
        headers: { origin: UNLISTED, "access-control-request-method": "GET" },
      });
      expect(result.status).toBe(403);
      expect(result.body.error).toMatchObject({ code: "forbidden", requestId: expect.any(String) });
      for (const [name] of result.headers) expect(name).not.toMatch(/^access-control-/);
      expectApiPolicy(result);
    });

    it("answers a listed origin's preflight on every /api/v1 route and the 404 of an unknown one", async () => {
      // The routes answer CORS themselves (the proxy skips /api/v1): a route file without its
      // OPTIONS export would get Next's default answer, without CORS headers.
      const paths = listApiRoutes()
        .filter((route) => route.template.startsWith("/api/v1/"))
        .map((route) => fillTemplate(route.template, []));
      expect(paths.length).toBeGreaterThan(10);
      for (const path of [...paths, "/api/v1/no-such-route"]) {
        const result = await app().call("OPTIONS", path, {
          headers: { origin: LISTED, "access-control-request-method": "POST" },
        });
        expect({ path, status: result.status }).toEqual({ path, status: 204 });
        expect(result.headers.get("access-control-allow-origin")).toBe(LISTED);
        expect(result.headers.get("access-control-allow-methods")).toContain("POST");
      }
      const missing = await app().call<ErrorBody>("GET", "/api/v1/no-such-route", {
        headers: { origin: LISTED },
      });
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe("not_found");
      expect(missing.headers.get("access-control-allow-origin")).toBe(LISTED);
      expect(missing.headers.get("vary")).toMatch(/\bOrigin\b/);
      const document = await app().call("GET", "/api/v1/openapi.json", { headers: { origin: LISTED } });
      expect(document.status).toBe(200);
      expect(document.headers.get("access-control-allow-origin")).toBe(LISTED);
    });

    it("answers a plain OPTIONS (no preflight) on /api/v1 with 204 and no preflight headers", async () => {
      const result = await app().call("OPTIONS", "/api/v1/workflows", { headers: { origin: LISTED } });
      expect(result.status).toBe(204);
      expect(result.headers.get("access-control-allow-methods")).toBeNull();
      expect(result.headers.get("access-control-max-age")).toBeNull();
    });

    it("is never given to session routes, even for a listed origin", async () => {
      const sessionCookie = await signedIn();
      const plain = await app().call("GET", "/api/workflows", { sessionCookie, headers: { origin: LISTED } });
      const preflight = await app().call("OPTIONS", "/api/workflows", {
        headers: { origin: LISTED, "access-control-request-method": "POST" },
      });
      for (const result of [plain, preflight]) {
        for (const [name] of result.headers) expect(name).not.toMatch(/^access-control-allow/);
      }
    });
  });

  describe("API routes never redirect", () => {
    const pageLoad: Array<Record<string, string>> = [
      { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" },
      { accept: "text/html", "sec-fetch-dest": "document", "sec-fetch-mode": "navigate" },
    ];
    const staleCookies: Array<[string, () => Promise<{ token: string; clientUat: number }>]> = [
      [
        "a token older than the client's last sign-in",
        async () => {
          const issuedAt = now() - 30;
          const token = await clerk.mintSessionToken({ userId: "user_edge_stale", azp: AZP, issuedAt });
          return { token, clientUat: issuedAt + 10 };
        },
      ],
      [
        "an expired token",
        async () => {
          const issuedAt = now() - 600;
          const token = await clerk.mintSessionToken({ userId: "user_edge_expired", azp: AZP, issuedAt });
          return { token, clientUat: issuedAt };
        },
      ],
    ];

    it.each(staleCookies)("with %s and a page-load Accept: 401 JSON, not 3xx", async (_label, cookie) => {
      const sessionCookie = await cookie();
      for (const headers of pageLoad) {
        for (const [method, path] of [
          ["GET", "/api/workflows"],
          ["POST", "/api/runs/run_00000000000000000000000000/cancel"],
          ["GET", "/api/api-keys"],
        ] as const) {
          const result = await app().call<ErrorBody>(method, path, { sessionCookie, headers });
          expect(result.status, `${method} ${path} ${JSON.stringify(headers)}: ${result.text}`).toBe(401);
          expect(result.headers.get("location")).toBeNull();
          expect(result.headers.get("content-type")).toMatch(/^application\/json/);
          expect(result.body.error).toMatchObject({ code: "unauthorized", requestId: expect.any(String) });
          expectApiPolicy(result);
        }
      }
    });

    it("while a page with the same stale cookie may still go through Clerk's sign-in flow", async () => {
      const [, cookie] = staleCookies[0] ?? [];
      const result = await app().call("GET", "/", {
        sessionCookie: await cookie?.(),
        headers: pageLoad[1],
      });
      expect([200, 302, 303, 307]).toContain(result.status);
      expectSecurityHeaders(result);
      expect(result.headers.get("content-security-policy")).toContain("script-src 'self' 'nonce-");
    });
  });
});
