import { type Attributes, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { node } from "../fixtures/graphs";
import { useStack } from "../helpers/stack";

/**
 * Traces end to end: the app's own registration (with an in-memory exporter instead of the env's),
 * real routes, the local engine and /api/inngest, msw standing in for the model provider.
 */

// Read lazily by the app on first use, so set before the stack starts.
const ENV_KEY = "sk-env-SECRET-trace-9c1d";
process.env.OPENAI_API_KEY = ENV_KEY;
process.env.OPENAI_BASE_URL = "https://env-llm.test/v1";

const PROMPT_WORD = "capybaras";
let replies: Array<() => Response> = [];
const mswServer = setupServer(
  http.post("https://env-llm.test/v1/chat/completions", () =>
    (replies.shift() ?? (() => HttpResponse.json({ error: "unexpected" }, { status: 418 })))(),
  ),
);

function answer(text: string): Response {
  return HttpResponse.json({
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1_700_000_000,
    model: "gpt-4o-mini-2024-07-18",
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
    usage: { prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500 },
  });
}

const exporter = new InMemorySpanExporter();

const spans = () => exporter.getFinishedSpans();
const named = (name: string) => spans().filter((span) => span.name === name);
const childrenOf = (parent: ReadableSpan) =>
  spans().filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId);
/** Everything a span says: name, attributes, events (recorded exceptions). */
const allText = () =>
  JSON.stringify(spans().map((s) => [s.name, s.attributes, s.events.map((e) => [e.name, e.attributes])]));

function theOnly(list: ReadableSpan[], what: string): ReadableSpan {
  expect(list, what).toHaveLength(1);
  return list[0] as ReadableSpan;
}

describe("traces", () => {
  const stack = useStack({ driver: "pglite", mode: "checkpoint" });
  let provider: unknown;

  beforeAll(async () => {
    // msw first: it patches fetch, and a provider registered before it would miss that.
    mswServer.listen({ onUnhandledRequest: "bypass" });
    const { registerTelemetry } = await import("@/server/telemetry/register-telemetry");
    expect(registerTelemetry({ spanProcessors: [new SimpleSpanProcessor(exporter)] })).toBe("registered");
    provider = delegateProvider();
  });
  afterAll(() => mswServer.close());
  beforeEach(() => {
    exporter.reset();
    replies = [];
  });

  it("a route request is a server span (method, route, status, request id); its queries are children", async () => {
    const response = await fetch(`${stack().app.url}/api/workflows?token=QUERY-SECRET`, {
      headers: { "x-request-id": "req_trace_1" },
    });
    expect(response.status).toBe(200);

    const route = theOnly(named("GET /api/workflows"), "route span");
    expect(route.kind).toBe(SpanKind.SERVER);
    expect(route.attributes).toMatchObject({
      "http.request.method": "GET",
      "http.route": "/api/workflows",
      "http.response.status_code": 200,
      "stepwise.request.id": "req_trace_1",
    });
    expect(route.status.code).toBe(SpanStatusCode.UNSET);

    const queries = childrenOf(route).filter((span) => span.name === "db.query");
    expect(queries.length).toBeGreaterThan(0);
    for (const query of queries) {
      expect(query.kind).toBe(SpanKind.CLIENT);
      expect(query.spanContext().traceId).toBe(route.spanContext().traceId);
      expect(query.attributes["db.system.name"]).toBe("postgresql");
      expect(query.attributes["db.operation.name"]).toMatch(/^[A-Z]+$/);
      expect(Object.keys(query.attributes)).not.toContain("db.query.text");
    }
    expect(queries.map((q) => q.attributes["db.query.summary"])).toContain("SELECT workflows");
    expect(allText()).not.toContain("QUERY-SECRET");
  });

  it("names the route by its template, and a 4xx leaves the status unset", async () => {
    const missing = await stack().api("GET", "/api/runs/run_nothere");
    expect(missing.status).toBe(404);
    const route = theOnly(named("GET /api/runs/[runId]"), "route span");
    expect(route.attributes).toMatchObject({
      "http.route": "/api/runs/[runId]",
      "http.response.status_code": 404,
    });
    expect(route.attributes["stepwise.request.id"]).toBe(missing.headers.get("x-request-id"));
    expect(route.status.code).toBe(SpanStatusCode.UNSET);
    // The path itself is no attribute: an approval link's token is part of its path.
    expect(allText()).not.toContain("run_nothere");
  });

  it("a route that fails with 5xx has error status and an exception without its message", async () => {
    const { withAccessLog } = await import("@/server/http/access-log");
    const handler = withAccessLog(async (_request: Request): Promise<Response> => {
      throw new Error("connect failed: password=HUNTER2");
    });
    const response = await handler(new Request("http://app.test/api/boom?key=K-SECRET", { method: "POST" }));
    expect(response.status).toBe(500);
    const route = theOnly(named("POST /api/boom"), "route span");
    expect(route.status.code).toBe(SpanStatusCode.ERROR);
    expect(route.attributes).toMatchObject({
      "http.response.status_code": 500,
      "error.type": "Error",
      "stepwise.request.id": response.headers.get("x-request-id"),
    });
    expect(route.events.map((e) => e.name)).toEqual(["exception"]);
    expect(allText()).not.toMatch(/HUNTER2|K-SECRET/);
  });

  async function startRun(graph: unknown): Promise<string> {
    const created = await stack().api<{ id: string }>("POST", "/api/workflows", { name: "traced", graph });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const started = await stack().api<{ runId: string }>("POST", `/api/workflows/${created.body.id}/runs`, {
      input: { animal: PROMPT_WORD },
    });
    expect(started.status).toBe(202);
    await stack().engine.drain();
    return started.body.runId;
  }

  const graph = {
    nodes: [
      node("start", "text", { template: "about {{ input.animal }}" }),
      node("ask", "llm", {
        provider: "openai",
        model: "gpt-4o-mini",
        prompt: "Three facts about {{ nodes.start.text }}, please.",
      }),
    ],
    edges: [{ id: "start->ask", source: "start", target: "ask" }],
  };

  const nodeSpans = (runId: string) =>
    spans().filter((s) => s.name.startsWith("stepwise.node ") && s.attributes["stepwise.run.id"] === runId);

  it("each node execution is a span; an llm node's carries GenAI usage and cost, its model call a child", async () => {
    replies = [() => answer(`${PROMPT_WORD} are calm.`)];
    const runId = await startRun(graph);

    const byNode = Object.fromEntries(nodeSpans(runId).map((s) => [s.attributes["stepwise.node.id"], s]));
    expect(Object.keys(byNode).sort()).toEqual(["ask", "start"]);
    expect(byNode.start?.name).toBe("stepwise.node text");
    expect(byNode.start?.attributes).toMatchObject({
      "stepwise.run.id": runId,
      "stepwise.node.type": "text",
      "stepwise.attempt": 0,
      "stepwise.outcome": "succeeded",
    } satisfies Attributes);

    const ask = byNode.ask as ReadableSpan;
    expect(ask.name).toBe("stepwise.node llm");
    expect(ask.status.code).toBe(SpanStatusCode.UNSET);
    expect(ask.attributes).toMatchObject({
      "stepwise.run.id": runId,
      "stepwise.node.id": "ask",
      "stepwise.node.type": "llm",
      "stepwise.attempt": 0,
      "stepwise.outcome": "succeeded",
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
      "gen_ai.usage.input_tokens": 1200,
      "gen_ai.usage.output_tokens": 300,
      // 1200 input and 300 output tokens at gpt-4o-mini's list price, as the step row stores it.
      "stepwise.cost_usd": 0.00036,
    } satisfies Attributes);

    const children = childrenOf(ask);
    const call = theOnly(
      children.filter((s) => s.name === "chat gpt-4o-mini"),
      "model call span",
    );
    expect(call.kind).toBe(SpanKind.CLIENT);
    expect(call.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.usage.input_tokens": 1200,
      "gen_ai.usage.output_tokens": 300,
    });
    // Recording the step start and its result are queries of the node's own span.
    expect(children.filter((s) => s.name === "db.query").length).toBeGreaterThan(0);

    // The node spans run inside Inngest's execution span: the SDK used our provider, not its own.
    const parentIds = new Set(nodeSpans(runId).map((s) => s.parentSpanContext?.spanId));
    const executions = named("inngest.execution").filter((s) => parentIds.has(s.spanContext().spanId));
    expect(executions.length).toBeGreaterThan(0);
    expect(delegateProvider()).toBe(provider);

    // No prompt, answer or key in any span.
    expect(allText()).not.toContain(PROMPT_WORD);
    expect(allText()).not.toContain(ENV_KEY);
  });

  it("a failing node's span has error status, its code and outcome, and no message", async () => {
    replies = [
      () =>
        HttpResponse.json(
          { error: { message: `bad key ${ENV_KEY} for ${PROMPT_WORD}`, type: "invalid_request_error" } },
          { status: 401 },
        ),
    ];
    const runId = await startRun(graph);
    const run = await stack().api<{ status: string }>("GET", `/api/runs/${runId}`);
    expect(run.body.status).toBe("failed");

    const ask = theOnly(
      nodeSpans(runId).filter((s) => s.attributes["stepwise.node.id"] === "ask"),
      "the llm node's one attempt",
    );
    expect(ask.status.code).toBe(SpanStatusCode.ERROR);
    expect(ask.attributes["stepwise.outcome"]).toBe("failed");
    expect(ask.attributes["error.type"]).toEqual(expect.any(String));
    expect(ask.events.map((e) => e.name)).toEqual(["exception"]);
    expect(ask.events[0]?.attributes?.["exception.message"]).toBeUndefined();

    const call = theOnly(
      childrenOf(ask).filter((s) => s.name === "chat gpt-4o-mini"),
      "model call span",
    );
    expect(call.status.code).toBe(SpanStatusCode.ERROR);
    expect(allText()).not.toContain(PROMPT_WORD);
    expect(allText()).not.toContain(ENV_KEY);
  });
});

/** The provider behind the API's global proxy: the one registered, if any. */
function delegateProvider(): unknown {
  const global = trace.getTracerProvider() as { getDelegate?: () => unknown };
  return global.getDelegate?.();
}
