import { trace } from "@opentelemetry/api";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { InvalidEnvError, parseEnv, tracesExporter } from "@/lib/env";
import { describeSql } from "@/server/db/query-spans";
import { otlpTracesUrl } from "@/server/telemetry/register-telemetry";

/**
 * Which exporter the env picks, and what registering it does. One process per test file: the
 * tests run in order, the "nothing configured" one before anything registers a provider.
 */

describe("trace configuration", () => {
  it("exports nowhere unless told: an endpoint alone means OTLP, an explicit choice wins", () => {
    expect(tracesExporter(parseEnv({}))).toBe("none");
    expect(tracesExporter(parseEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example.com" }))).toBe(
      "otlp",
    );
    expect(tracesExporter(parseEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://o.example/t" }))).toBe(
      "otlp",
    );
    const off = { OTEL_TRACES_EXPORTER: "none", OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example.com" };
    expect(tracesExporter(parseEnv(off))).toBe("none");
    expect(tracesExporter(parseEnv({ OTEL_TRACES_EXPORTER: "console" }))).toBe("console");
    expect(() => parseEnv({ OTEL_TRACES_EXPORTER: "zipkin" })).toThrow(/OTEL_TRACES_EXPORTER/);
  });

  it("builds the traces URL as the OTLP spec says, and parses headers without echoing them", () => {
    expect(otlpTracesUrl(parseEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example.com/" }))).toBe(
      "https://otel.example.com/v1/traces",
    );
    const own = {
      OTEL_EXPORTER_OTLP_ENDPOINT: "https://a.example",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://b.example/x",
    };
    expect(otlpTracesUrl(parseEnv(own))).toBe("https://b.example/x");
    expect(
      parseEnv({ OTEL_EXPORTER_OTLP_HEADERS: "x-api-key=a%3Db, team = ops" }).OTEL_EXPORTER_OTLP_HEADERS,
    ).toEqual({
      "x-api-key": "a=b",
      team: "ops",
    });
    try {
      parseEnv({ OTEL_EXPORTER_OTLP_HEADERS: "SECRET-VALUE-NO-EQUALS" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEnvError);
      expect(String(error)).toContain("OTEL_EXPORTER_OTLP_HEADERS");
      expect(String(error)).not.toContain("SECRET-VALUE");
    }
  });
});

describe("query spans", () => {
  it("reads a statement's operation and table, never its values", () => {
    expect(describeSql('select "id", "name" from "workflows" where "workspace_id" = $1')).toEqual({
      operation: "SELECT",
      collection: "workflows",
    });
    expect(describeSql('insert into "run_events" ("id") values ($1)')).toEqual({
      operation: "INSERT",
      collection: "run_events",
    });
    expect(describeSql('  update "runs" set "status" = $1')).toEqual({
      operation: "UPDATE",
      collection: "runs",
    });
    expect(describeSql("/* c */ begin")).toEqual({ operation: "BEGIN" });
    expect(describeSql("select 'literal-secret' as x")).toEqual({ operation: "SELECT" });
  });
});

describe("registration", () => {
  const collector = { requests: [] as Array<{ url: string; headers: Headers; bytes: number }> };
  const mswServer = setupServer(
    http.post(/.*/, async ({ request }) => {
      collector.requests.push({
        url: request.url,
        headers: request.headers,
        bytes: (await request.arrayBuffer()).byteLength,
      });
      return new HttpResponse(null, { status: 200 });
    }),
  );
  beforeAll(() => {
    for (const key of Object.keys(process.env)) if (key.startsWith("OTEL_")) delete process.env[key];
    mswServer.listen({ onUnhandledRequest: "bypass" });
  });
  afterAll(() => mswServer.close());

  async function tracedRequest() {
    const { traceRequest } = await import("@/server/telemetry/route-span");
    await traceRequest(
      new Request("http://app.test/api/health"),
      "/api/health",
      async () => new Response("ok"),
    );
  }

  it("with no exporter configured registers nothing, exports nothing and calls no collector", async () => {
    const { registerTelemetry } = await import("@/server/telemetry/register-telemetry");
    expect(registerTelemetry()).toBe("disabled");
    expect(trace.getTracer("stepwise").startSpan("probe").isRecording()).toBe(false);
    await tracedRequest();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(collector.requests).toEqual([]);
  });

  it("with an endpoint set exports OTLP there, with the configured headers", async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = "http://collector.test:4318";
    process.env.OTEL_EXPORTER_OTLP_HEADERS = "x-api-key=k1";
    vi.resetModules(); // a fresh env module: the first test's parse is cached in the old one
    const { registerTelemetry } = await import("@/server/telemetry/register-telemetry");
    expect(registerTelemetry()).toBe("registered");
    // Registering twice (Next bundles this module more than once) keeps the one provider.
    const provider = (
      trace.getTracerProvider() as unknown as { getDelegate: () => { forceFlush: () => Promise<void> } }
    ).getDelegate();
    expect(registerTelemetry()).toBe("registered");
    await tracedRequest();
    await provider.forceFlush();
    expect(collector.requests).toHaveLength(1);
    expect(collector.requests[0]?.url).toBe("http://collector.test:4318/v1/traces");
    expect(collector.requests[0]?.headers.get("x-api-key")).toBe("k1");
    expect(collector.requests[0]?.headers.get("content-type")).toContain("protobuf");
    expect(collector.requests[0]?.bytes).toBeGreaterThan(0);
  });
});
