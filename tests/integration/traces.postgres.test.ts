import { SpanKind } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { node } from "../fixtures/graphs";
import { useStack } from "../helpers/stack";
import { postgresAvailability } from "../helpers/test-database";

/**
 * The node-postgres pool's query spans: statements outside and inside transactions, and callers
 * queued for a busy pool (one connection here), whose spans must stay under their own request.
 */

// A pool of one: concurrent requests queue, and each is handed the connection another released.
process.env.DATABASE_POOL_MAX = "1";

const exporter = new InMemorySpanExporter();
const spans = () => exporter.getFinishedSpans();
const queriesUnder = (parent: ReadableSpan) =>
  spans().filter(
    (span) => span.name === "db.query" && span.parentSpanContext?.spanId === parent.spanContext().spanId,
  );

describe.runIf(postgresAvailability().available)("traces on PostgreSQL", () => {
  const stack = useStack({ driver: "postgres", mode: "checkpoint" });

  beforeAll(async () => {
    const { registerTelemetry } = await import("@/server/telemetry/register-telemetry");
    registerTelemetry({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  });
  beforeEach(() => exporter.reset());

  it("a transaction's statements and a plain query are children of their request", async () => {
    const created = await stack().api("POST", "/api/workflows", {
      name: "traced",
      graph: { nodes: [node("a", "text", { template: "hi" })], edges: [] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const route = spans().find((span) => span.name === "POST /api/workflows") as ReadableSpan;
    const queries = queriesUnder(route);
    expect(queries.map((q) => q.attributes["db.operation.name"])).toEqual(
      expect.arrayContaining(["BEGIN", "INSERT", "COMMIT"]),
    );
    for (const query of queries) {
      expect(query.kind).toBe(SpanKind.CLIENT);
      expect(query.attributes["db.system.name"]).toBe("postgresql");
    }
  });

  it("callers queued for the pool keep their queries under their own request", async () => {
    const ids = Array.from({ length: 6 }, (_, i) => `req_pool_${i}`);
    await Promise.all(
      ids.map((id) => fetch(`${stack().app.url}/api/workflows`, { headers: { "x-request-id": id } })),
    );
    for (const id of ids) {
      const route = spans().find((span) => span.attributes["stepwise.request.id"] === id);
      expect(route, id).toBeDefined();
      expect(queriesUnder(route as ReadableSpan).length, id).toBeGreaterThan(0);
    }
    // Every query span has a parent: none leaked into another request's context or out of all of them.
    const routeIds = new Set(
      spans()
        .filter((span) => span.name === "GET /api/workflows")
        .map((span) => span.spanContext().spanId),
    );
    for (const query of spans().filter((span) => span.name === "db.query")) {
      expect(routeIds.has(query.parentSpanContext?.spanId ?? "")).toBe(true);
    }
  });
});
