import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { allowedOrigin, isPreflight } from "@/server/http/cors";
import { newNonce, pageContentSecurityPolicy, realtimeConnectSources } from "@/server/http/security-headers";

function directives(policy: string): Map<string, string> {
  return new Map(
    policy.split(";").map((directive) => {
      const [name = "", ...sources] = directive.trim().split(/\s+/);
      return [name, sources.join(" ")];
    }),
  );
}

describe("the pages' Content-Security-Policy", () => {
  it("runs scripts by nonce only, without eval outside next dev", () => {
    for (const NODE_ENV of ["production", "test"]) {
      const policy = directives(
        pageContentSecurityPolicy(parseEnv({ NODE_ENV, NEXT_PHASE: "phase-production-build" }), "abc="),
      );
      expect(policy.get("script-src")).toBe("'self' 'nonce-abc=' 'strict-dynamic'");
      expect(policy.get("object-src")).toBe("'none'");
      expect(policy.get("frame-ancestors")).toBe("'none'");
      expect(policy.get("base-uri")).toBe("'self'");
      expect(policy.get("form-action")).toBe("'self'");
      expect(policy.get("img-src")).toBe("'self' data: blob:");
      expect(policy.get("style-src")).toBe("'self' 'unsafe-inline'");
    }
    const dev = directives(pageContentSecurityPolicy(parseEnv({ NODE_ENV: "development" }), "abc="));
    expect(dev.get("script-src")).toContain("'unsafe-eval'");
  });

  it("lets the run page reach the realtime websocket of the Inngest the app uses", () => {
    expect(realtimeConnectSources(parseEnv({}))).toEqual(["ws://127.0.0.1:8288", "http://127.0.0.1:8288"]);
    expect(realtimeConnectSources(parseEnv({ INNGEST_DEV: "http://localhost:9999" }))).toEqual([
      "ws://localhost:9999",
      "http://localhost:9999",
    ]);
    expect(realtimeConnectSources(parseEnv({ INNGEST_BASE_URL: "https://inngest.internal:8443/" }))).toEqual([
      "wss://inngest.internal:8443",
      "https://inngest.internal:8443",
    ]);
    // Inngest Cloud: no base URL in production.
    const cloud = parseEnv({ NODE_ENV: "production", NEXT_PHASE: "phase-production-build" });
    expect(realtimeConnectSources(cloud)).toEqual(["wss://api.inngest.com"]);
    expect(directives(pageContentSecurityPolicy(cloud, "n")).get("connect-src")).toBe(
      "'self' wss://api.inngest.com",
    );
  });

  it("uses a fresh 128-bit nonce Next can read", () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });
});

describe("CORS", () => {
  const allowed = ["https://app.example.com"];
  const request = (method: string, headers: Record<string, string>) =>
    new Request("http://localhost/api/v1/workflows", { method, headers });

  it("allows listed origins only, compared exactly", () => {
    expect(allowedOrigin(request("GET", { origin: "https://app.example.com" }), allowed)).toBe(
      "https://app.example.com",
    );
    for (const origin of ["https://app.example.com.evil.test", "http://app.example.com", "null"]) {
      expect(allowedOrigin(request("GET", { origin }), allowed)).toBeUndefined();
    }
    expect(allowedOrigin(request("GET", {}), allowed)).toBeUndefined();
  });

  it("tells a preflight from a plain OPTIONS", () => {
    const preflight = { origin: "https://app.example.com", "access-control-request-method": "POST" };
    expect(isPreflight(request("OPTIONS", preflight))).toBe(true);
    expect(isPreflight(request("OPTIONS", { origin: "https://app.example.com" }))).toBe(false);
    expect(isPreflight(request("POST", preflight))).toBe(false);
  });
});
