import { randomBytes } from "node:crypto";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { node } from "../fixtures/graphs";
import { callWithKey, createKeyViaSession } from "../helpers/api-client";
import { useStack } from "../helpers/stack";
import { postgresAvailability } from "../helpers/test-database";

/**
 * What the app logs, read from every line it writes while real requests are served and runs are
 * executed through the local engine: lines of one request share its id, a run's lines carry its
 * run, node and the request that started it, and no secret fed through any input reaches a line.
 */

// Everything the app can say: the stack reads the level when the app loads.
process.env.TEST_LOG_LEVEL = "debug";

type Line = Record<string, unknown> & { msg?: string; level?: number };
const lines: Line[] = [];
/** Whatever else reached the console, stdout or stderr while the app ran (a stray console.log). */
const otherOutput: string[] = [];

// msw answers the fake model provider, and refuses Inngest's event and realtime APIs when a test
// asks; it must patch fetch before the app's Inngest client binds it, so it listens first.
const mswServer = setupServer(
  http.post("https://llm.test/v1/chat/completions", () =>
    HttpResponse.json({
      id: "chatcmpl-1",
      object: "chat.completion",
      created: 1_700_000_000,
      model: "gpt-4o-mini",
      choices: [{ index: 0, message: { role: "assistant", content: "fine" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    }),
  ),
);
beforeAll(() => mswServer.listen({ onUnhandledRequest: "bypass" }));
afterAll(() => mswServer.close());

describe("what the app logs", () => {
  const stack = useStack({ driver: "pglite", mode: "checkpoint" });

  beforeAll(async () => {
    const { captureLogLines } = await import("@/lib/logger");
    const stop = captureLogLines((line) => lines.push(JSON.parse(line) as Line));
    const record =
      (stream: string) =>
      (...args: unknown[]) => {
        otherOutput.push(
          `${stream}: ${args.map((arg) => (typeof arg === "string" ? arg : String(arg))).join(" ")}`,
        );
      };
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation(record(`console.${method}`));
    }
    for (const [name, stream] of [
      ["stdout", process.stdout],
      ["stderr", process.stderr],
    ] as const) {
      const write = stream.write.bind(stream);
      vi.spyOn(stream, "write").mockImplementation(((chunk: unknown, ...rest: never[]) => {
        otherOutput.push(`${name}: ${String(chunk)}`);
        return write(chunk as string, ...rest);
      }) as typeof stream.write);
    }
    return () => {
      stop();
      vi.restoreAllMocks();
    };
  });

  beforeEach(() => {
    mswServer.resetHandlers();
  });

  async function createWorkflow(graph: unknown): Promise<string> {
    const created = await stack().api<{ id: string }>("POST", "/api/workflows", { name: "logs", graph });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id;
  }

  async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${stack().app.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as never };
  }

  /** Lines written while `work` ran (the engine idle otherwise, so they are this work's). */
  async function linesDuring(work: () => Promise<unknown>): Promise<Line[]> {
    const from = lines.length;
    await work();
    return lines.slice(from);
  }

  const accessLines = (from: Line[]) => from.filter((line) => line.msg === "request");

  describe("lines of one request", () => {
    it("all carry its request id (the caller's, echoed) and end with one access line", async () => {
      const workflowId = await createWorkflow({ nodes: [node("t", "text", { template: "hi" })], edges: [] });
      // Inngest refuses the start event: the dispatch warns, the run is failed, the answer is a 503.
      mswServer.use(
        http.post(/^http:\/\/127\.0\.0\.1:\d+\/e\//, () =>
          HttpResponse.json({ error: "Event key not found" }, { status: 401 }),
        ),
      );
      let answer: Awaited<ReturnType<typeof post>> | undefined;
      const during = await linesDuring(async () => {
        answer = await post(
          `/api/workflows/${workflowId}/runs`,
          { input: {} },
          { "x-request-id": "req-from-caller-42" },
        );
      });
      expect(answer?.status).toBe(503);
      expect(answer?.headers.get("x-request-id")).toBe("req-from-caller-42");

      expect(during.map((line) => line.msg)).toEqual(
        expect.arrayContaining(["could not send run.requested", "request"]),
      );
      expect(during.length).toBeGreaterThanOrEqual(3);
      for (const line of during) expect(line.requestId, JSON.stringify(line)).toBe("req-from-caller-42");
      const access = accessLines(during);
      expect(access).toHaveLength(1);
      expect(access[0]).toMatchObject({
        level: 30,
        method: "POST",
        route: "/api/workflows/[workflowId]/runs",
        status: 503,
        caller: "session",
        requestId: "req-from-caller-42",
      });
      expect(access[0]?.durationMs).toEqual(expect.any(Number));
    });

    it("get a generated id when the caller's is not a sane token, echoed on every kind of answer", async () => {
      const during = await linesDuring(async () => {
        const routes = ["/api/health", "/api/v1/openapi.json", "/api/no/such/route", "/api/workflows"];
        for (const path of routes) {
          const response = await fetch(`${stack().app.url}${path}?q=1`, {
            headers: { "x-request-id": "not a token; <script>" },
          });
          await response.text();
          expect(response.headers.get("x-request-id"), path).toMatch(/^req_/);
        }
      });
      const access = accessLines(during);
      expect(access.map((line) => [line.route, line.status, line.caller])).toEqual([
        ["/api/health", 200, "anonymous"],
        ["/api/v1/openapi.json", 200, "anonymous"],
        ["/api/no/such/route", 404, "anonymous"],
        ["/api/workflows", 200, "session"],
      ]);
      for (const line of during) expect(String(line.requestId)).toMatch(/^req_/);
    });

    it("name the caller kind and never the key", async () => {
      const key = await createKeyViaSession(stack(), ["workflows:read"]);
      const during = await linesDuring(async () => {
        expect((await callWithKey(stack(), `Bearer ${key.secret}`, "GET", "/api/v1/workflows")).status).toBe(
          200,
        );
        expect((await callWithKey(stack(), "Bearer sk_nope", "GET", "/api/v1/workflows")).status).toBe(401);
      });
      expect(accessLines(during).map((line) => [line.route, line.status, line.caller])).toEqual([
        ["/api/v1/workflows", 200, "api_key"],
        ["/api/v1/workflows", 401, "anonymous"],
      ]);
      expect(JSON.stringify(during)).not.toContain(key.secret);
      expect(JSON.stringify(during)).not.toContain(key.prefix);
    });
  });

  describe("lines of a run", () => {
    it("carry the run id, the node id inside a node's step and the id of the request that started it", async () => {
      // Every realtime publish fails, so each step that writes events logs a warning of its own.
      mswServer.use(http.post(/\/v1\/realtime\/publish/, () => new HttpResponse("down", { status: 500 })));
      const workflowId = await createWorkflow({
        nodes: [node("greet", "text", { template: "hi {{ input.name }}" }), node("shout", "debug", {})],
        edges: [{ id: "greet->shout", source: "greet", target: "shout" }],
      });
      let started: Awaited<ReturnType<typeof post>> | undefined;
      // From the request on: the run may well have ended by the time its answer is read.
      const during = await linesDuring(async () => {
        started = await post(
          `/api/workflows/${workflowId}/runs`,
          { input: { name: "Ada" } },
          { "x-request-id": "req-start-7" },
        );
        await stack().engine.drain();
      });
      expect(started?.status).toBe(202);
      const runId = (started?.body as { runId: string } | undefined)?.runId;

      const ofRun = during.filter((line) => line.runId === runId);
      const warnings = ofRun.filter((line) => line.msg === "realtime publish failed");
      // A run's events are gathered into few publishes (some may travel as one).
      expect(warnings.length).toBeGreaterThanOrEqual(1);
      for (const line of ofRun) {
        expect(line.requestId, JSON.stringify(line)).toBe("req-start-7");
        expect(line.attempt, JSON.stringify(line)).toEqual(expect.any(Number));
      }
      // A publish carries the context of the step that handed its first events over: a node's (named
      // though the call does not name it), or start's (none). Later steps' events may travel with it.
      for (const line of warnings) expect(["greet", "shout", undefined]).toContain(line.nodeId);
      expect(ofRun.some((line) => line.nodeId === "shout" && line.msg === "debug: shout")).toBe(true);
      // Inngest's calls to /api/inngest have access lines of their own.
      expect(
        accessLines(during).some((line) => line.route === "/api/inngest" && line.caller === "anonymous"),
      ).toBe(true);
    });

    it("of a sub-workflow's child run carry the request that started its parent", async () => {
      mswServer.use(http.post(/\/v1\/realtime\/publish/, () => new HttpResponse("down", { status: 500 })));
      const childId = await createWorkflow({ nodes: [node("inner", "debug", {})], edges: [] });
      const parentId = await createWorkflow({
        nodes: [node("sub", "subworkflow", { workflowId: childId })],
        edges: [],
      });
      const started = await post(
        `/api/workflows/${parentId}/runs`,
        { input: {} },
        { "x-request-id": "req-parent-9" },
      );
      expect(started.status).toBe(202);
      const parentRunId = (started.body as { runId: string }).runId;
      const during = await linesDuring(() => stack().engine.drain());
      const childLines = during.filter((line) => line.nodeId === "inner");
      expect(childLines.length).toBeGreaterThan(0);
      for (const line of childLines) {
        expect(line, JSON.stringify(line)).toMatchObject({ requestId: "req-parent-9" });
        expect(line.runId).not.toBe(parentRunId);
      }
    });
  });

  describe("secrets never reach a log", () => {
    const tag = randomBytes(4).toString("hex");
    const secret = (name: string) => `S3CRET-${name}-${tag}`;
    const S = {
      input: secret("input"),
      nested: secret("nested"),
      v1Input: secret("v1input"),
      query: secret("query"),
      credential: secret("credential"),
      invalidCredential: secret("invalidcred"),
      llmKey: `sk-${secret("llmkey")}`,
      sqlParam: secret("sqlparam"),
      sqlPassword: secret("sqlpassword"),
      badBody: secret("badbody"),
      approvalToken: secret("approvaltoken"),
      header: secret("header"),
    };
    /** A well-formed key no one issued, and its lookup prefix. */
    const unknownKey = `sk_${randomBytes(32).toString("base64url")}`;
    let validKey: { secret: string; prefix: string };
    const pgRole = `stepwise_test_logs_${tag}`;

    beforeAll(async () => {
      mswServer.resetHandlers();
      validKey = await createKeyViaSession(stack(), ["workflows:read", "runs:write", "runs:read"]);
    });

    afterAll(async () => {
      if (!postgresAvailability().available) return;
      const admin = new pg.Client({ connectionString: inject("postgresAdminUrl") });
      await admin.connect();
      await admin.query(`drop role if exists ${pgRole}`);
      await admin.end();
    });

    it("through run inputs, keys, credentials, query strings, bodies, paths and failing nodes", async () => {
      const api = stack().api;
      const from = lines.length;
      const otherFrom = otherOutput.length;

      // A run input (nested too) echoed into an output with a lone surrogate (stored as U+FFFD since
      // storable-output.ts replaces it; before, the database's refusal carried the input in its
      // parameters into the log).
      const echo = node("echo", "transform", {
        expression: '{ "echo": input.token, "deep": input.nested, "bad": "\\ud800" }',
      });
      const storing = await createWorkflow({
        nodes: [{ ...echo, data: { ...echo.data, settings: { retries: 0 } } }],
        edges: [],
      });
      const run = await post(`/api/workflows/${storing}/runs`, {
        input: { token: S.input, nested: { list: [{ password: S.nested }] } },
      });
      expect(run.status, JSON.stringify(run.body)).toBe(202);

      // The same through /api/v1 with an API key; then keys no one issued, and one cut short.
      const v1Run = await callWithKey(
        stack(),
        `Bearer ${validKey.secret}`,
        "POST",
        `/api/v1/workflows/${storing}/runs`,
        {
          body: { input: { token: S.v1Input, nested: {} } },
        },
      );
      expect(v1Run.status, JSON.stringify(v1Run.body)).toBe(202);
      expect((await callWithKey(stack(), `Bearer ${unknownKey}`, "GET", "/api/v1/runs")).status).toBe(401);
      expect(
        (await callWithKey(stack(), `Bearer ${unknownKey.slice(0, 20)}`, "GET", "/api/v1/runs")).status,
      ).toBe(401);

      // Query strings, on a route that reads its query, one that refuses it, and routes that ignore it.
      await api("GET", `/api/runs?status=${S.query}`);
      await api("GET", `/api/v1/runs?cursor=${S.query}`);
      await callWithKey(
        stack(),
        `Bearer ${validKey.secret}`,
        "GET",
        `/api/v1/runs?cursor=${S.query}&limit=${S.query}`,
      );
      await api("GET", `/api/health?token=${S.query}`);
      await api("GET", `/api/inngest?fnId=${S.query}`);

      // A credential's secret: created, refused (invalid body), and used by an llm node (fake provider).
      const created = await api("POST", "/api/credentials", {
        name: "fake-openai",
        kind: "openai",
        secret: S.llmKey,
        metadata: { baseUrl: "https://llm.test/v1" },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(
        (await api("POST", "/api/credentials", { name: "x", kind: "nope", secret: S.credential })).status,
      ).toBe(422);
      expect(
        (
          await api("POST", "/api/credentials", {
            name: "bad name!",
            kind: "openai",
            secret: S.invalidCredential,
          })
        ).status,
      ).toBe(422);
      const asking = await createWorkflow({
        nodes: [
          node("ask", "llm", {
            provider: "openai",
            model: "gpt-4o-mini",
            credential: "fake-openai",
            prompt: "hi",
          }),
        ],
        edges: [],
      });
      const askingRun = await post(`/api/workflows/${asking}/runs`, { input: {} });
      expect(askingRun.status).toBe(202);

      // A body that fails validation, and one that is not JSON.
      expect(
        (await api("POST", "/api/workflows", { name: S.badBody, graph: { nodes: S.badBody } })).status,
      ).toBe(422);
      const notJson = await fetch(`${stack().app.url}/api/workflows`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": S.header },
        body: `{"name": "${S.badBody}", `,
      });
      expect(notJson.status).toBe(400);

      // A signed link's token in the path (a forged one: 404).
      for (const method of ["GET", "POST"]) {
        const answer = await fetch(`${stack().app.url}/api/approvals/${S.approvalToken}`, {
          method,
          headers: { "content-type": "application/json" },
          body: method === "POST" ? JSON.stringify({ decision: "approved" }) : undefined,
        });
        expect(answer.status).toBeGreaterThanOrEqual(400);
      }

      // A SQL node whose statement fails on its parameter, through a credential with a password.
      let queryingRun: Awaited<ReturnType<typeof post>> | undefined;
      if (postgresAvailability().available) {
        const adminUrl = new URL(inject("postgresAdminUrl"));
        const admin = new pg.Client({ connectionString: adminUrl.toString() });
        await admin.connect();
        await admin.query(`create role ${pgRole} login`);
        await admin.end();
        const url = new URL(adminUrl);
        url.username = pgRole;
        url.password = S.sqlPassword;
        const sqlCredential = await api("POST", "/api/credentials", {
          name: "scratch",
          kind: "postgres",
          secret: url.toString(),
        });
        expect(sqlCredential.status, JSON.stringify(sqlCredential.body)).toBe(201);
        const base = node("q", "sql", {
          credential: "scratch",
          statement: "SELECT $1::int AS n",
          params: ["{{ input.value }}"],
        });
        const querying = await createWorkflow({
          nodes: [{ ...base, data: { ...base.data, settings: { retries: 0 } } }],
          edges: [],
        });
        queryingRun = await post(`/api/workflows/${querying}/runs`, { input: { value: S.sqlParam } });
        expect(queryingRun.status).toBe(202);
      }

      await stack().engine.drain();
      type RunBody = { status: string; error: { code?: string } | null };
      const runOf = async (started: { body: unknown }) =>
        (await api<RunBody>("GET", `/api/runs/${(started.body as { runId: string }).runId}`)).body;
      // The paths that log ran: the storing runs stored their echo (the surrogate as U+FFFD), the
      // model was called with the credential, the statement reached PostgreSQL and failed there.
      expect((await runOf(run)).status).toBe("succeeded");
      expect((await runOf(v1Run)).status).toBe("succeeded");
      expect((await runOf(askingRun)).status).toBe("succeeded");
      if (queryingRun) expect((await runOf(queryingRun)).error).toMatchObject({ code: "sql_error" });

      const logged = lines.slice(from);
      expect(logged.length).toBeGreaterThan(20);
      // The SDK's own report of a failed step, from its execution loop, still names the run.
      const stepErrors = logged.filter((line) => line.msg === "Inngest step error");
      expect(stepErrors.length).toBeGreaterThan(0);
      for (const line of stepErrors) {
        expect(line, JSON.stringify(line)).toMatchObject({
          runId: expect.stringMatching(/^run_/),
          attempt: expect.any(Number),
        });
      }
      const text = `${JSON.stringify(logged)}\n${otherOutput.slice(otherFrom).join("\n")}`;
      const leaked = Object.entries({
        ...S,
        validKey: validKey.secret,
        validKeyPrefix: validKey.prefix,
        unknownKey,
        unknownKeyPrefix: unknownKey.slice(0, 11),
      }).filter(([, value]) => text.includes(value));
      expect(leaked.map(([name]) => name)).toEqual([]);
    });
  });
});
