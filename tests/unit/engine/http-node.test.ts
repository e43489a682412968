import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  executeNode,
  idempotencyKeyFor,
  type NodeContext,
  NodeExecutionError,
  parseRetryAfter,
  type RunScope,
} from "@/engine";
import { graph, node, nodeOf, testDeps } from "./fixtures";

let server: Server;
let base: string;

async function readRequestBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(body);
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", "http://localhost");
  const body = await readRequestBody(req);
  switch (url.pathname) {
    case "/echo":
      return send(
        res,
        200,
        JSON.stringify({ method: req.method, headers: req.headers, body, query: url.search }),
      );
    case "/text":
      return send(res, 200, "plain words", { "content-type": "text/plain" });
    case "/big":
      return send(res, 200, "x".repeat(2 * 1024 * 1024), { "content-type": "text/plain" });
    case "/hang":
      return; // never answers
    default: {
      const status = Number(url.pathname.slice(1));
      const retryAfter = url.searchParams.get("retryAfter");
      return send(
        res,
        status,
        JSON.stringify({ error: `status ${status}` }),
        retryAfter ? { "retry-after": retryAfter } : {},
      );
    }
  }
}

beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const scope: RunScope = { input: { id: 42, token: "s3cret", payload: { a: 1 } }, nodes: {} };

function ctxFor(config: Record<string, unknown>, deps = testDeps({ fetch: globalThis.fetch })): NodeContext {
  return {
    node: nodeOf(graph([node("call", "http", config)]), "call"),
    scope,
    deps,
    runId: "run_1",
    attempt: 0,
  };
}

async function failure(
  config: Record<string, unknown>,
  deps?: ReturnType<typeof testDeps>,
): Promise<NodeExecutionError> {
  const error = await executeNode(ctxFor(config, deps)).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof NodeExecutionError))
    throw new Error(`expected a NodeExecutionError, got ${String(error)}`);
  return error;
}

describe("http node", () => {
  it("GET: returns status, lower-case headers and the parsed JSON body", async () => {
    const output = await executeNode(ctxFor({ url: `${base}/echo?id={{ input.id }}` }));
    expect(output).toMatchObject({
      status: 200,
      headers: { "content-type": "application/json" },
      body: { method: "GET", query: "?id=42", body: "" },
    });
  });

  it("POST: renders headers and body; a JSON body is sent as application/json", async () => {
    const output = (await executeNode(
      ctxFor({
        method: "POST",
        url: `${base}/echo`,
        headers: { Authorization: "Bearer {{ input.token }}" },
        body: '{"item": {{ input.payload }}}',
      }),
    )) as { body: { method: string; headers: Record<string, string>; body: string } };
    expect(output.body.method).toBe("POST");
    expect(output.body.headers.authorization).toBe("Bearer s3cret");
    expect(output.body.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(output.body.body)).toEqual({ item: { a: 1 } });
  });

  it("sends an Idempotency-Key derived from run and node, unless the config sets one", async () => {
    type Echo = { body: { headers: Record<string, string> } };
    const derived = (await executeNode(ctxFor({ method: "POST", url: `${base}/echo`, body: "x" }))) as Echo;
    expect(derived.body.headers["idempotency-key"]).toBe(idempotencyKeyFor("run_1", "call"));
    const own = (await executeNode(
      ctxFor({ method: "POST", url: `${base}/echo`, headers: { "idempotency-key": "mine-{{ input.id }}" } }),
    )) as Echo;
    expect(own.body.headers["idempotency-key"]).toBe("mine-42");
  });

  it("sends a non-JSON body as text and keeps an explicit content-type", async () => {
    const text = (await executeNode(
      ctxFor({ method: "PUT", url: `${base}/echo`, body: "id {{ input.id }}" }),
    )) as {
      body: { headers: Record<string, string>; body: string };
    };
    expect(text.body.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(text.body.body).toBe("id 42");
    const explicit = (await executeNode(
      ctxFor({
        method: "POST",
        url: `${base}/echo`,
        headers: { "Content-Type": "application/x-custom" },
        body: "{}",
      }),
    )) as { body: { headers: Record<string, string> } };
    expect(explicit.body.headers["content-type"]).toBe("application/x-custom");
  });

  it("returns a non-JSON body as text and HEAD as an empty body", async () => {
    expect(await executeNode(ctxFor({ url: `${base}/text` }))).toMatchObject({ body: "plain words" });
    expect(await executeNode(ctxFor({ method: "HEAD", url: `${base}/echo` }))).toMatchObject({
      status: 200,
      body: null,
    });
  });

  it("5xx is retriable and carries Retry-After (seconds)", async () => {
    const error = await failure({ url: `${base}/503?retryAfter=7` });
    expect(error).toMatchObject({ code: "http_status", retriable: true, retryAfterMs: 7000 });
    expect(error.details).toEqual({ status: 503, body: { error: "status 503" } });
    expect(error.message).toBe(`HTTP 503 from GET ${base}/503`);
  });

  it("429 is retriable with Retry-After as an HTTP date, relative to deps.now", async () => {
    const error = await failure({
      url: `${base}/429?retryAfter=${encodeURIComponent("Tue, 01 Jan 2030 00:00:30 GMT")}`,
    });
    expect(error).toMatchObject({ retriable: true, retryAfterMs: 30_000 });
  });

  it("4xx is not retriable, except 408", async () => {
    const notFound = await failure({ url: `${base}/404` });
    expect(notFound).toMatchObject({ code: "http_status", retriable: false });
    expect(notFound.retryAfterMs).toBeUndefined();
    expect(await failure({ url: `${base}/408` })).toMatchObject({ retriable: true });
  });

  it("with failOnHttpError off, any status is returned as output", async () => {
    expect(await executeNode(ctxFor({ url: `${base}/500`, failOnHttpError: false }))).toMatchObject({
      status: 500,
      body: { error: "status 500" },
    });
  });

  it("times out via AbortSignal as a retriable error", async () => {
    const error = await failure({ url: `${base}/hang`, timeoutMs: 50 });
    expect(error).toMatchObject({ code: "timeout", retriable: true });
    expect(error.message).toBe(`Request timed out after 50 ms: GET ${base}/hang`);
  });

  it("a network error is retriable", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure({ url: `http://127.0.0.1:${port}/` });
    expect(error).toMatchObject({ code: "network_error", retriable: true });
  });

  it("refuses a URL that renders to a non-http scheme, without fetching", async () => {
    let fetched = false;
    const deps = testDeps({
      fetch: async () => {
        fetched = true;
        return new Response("");
      },
    });
    const ctx = ctxFor({ url: "{{ input.target }}" }, deps);
    const error = await executeNode({
      ...ctx,
      scope: { input: { target: "file:///etc/passwd" }, nodes: {} },
    }).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: "invalid_url", retriable: false });
    expect(fetched).toBe(false);
  });

  it("refuses a header value that renders with a newline", async () => {
    const ctx = ctxFor({ url: `${base}/echo`, headers: { "X-Id": "{{ input.v }}" } });
    const error = await executeNode({ ...ctx, scope: { input: { v: "a\r\nInjected: 1" }, nodes: {} } }).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toMatchObject({ code: "invalid_header", retriable: false });
  });

  it("refuses a response body above the size limit", async () => {
    expect(await failure({ url: `${base}/big` })).toMatchObject({
      code: "response_too_large",
      retriable: false,
    });
  });
});

describe("parseRetryAfter", () => {
  const now = new Date("2030-01-01T00:00:00Z");
  it("reads seconds and HTTP dates, never negative", () => {
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Tue, 01 Jan 2030 00:01:00 GMT", now)).toBe(60_000);
    expect(parseRetryAfter("Mon, 31 Dec 2029 23:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
