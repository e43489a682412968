import { randomBytes } from "node:crypto";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { node } from "../fixtures/graphs";
import { type CountingServer, startCountingServer } from "../helpers/counting-server";
import { mcpRelay, startMcpServer, type TestMcpServer } from "../helpers/mcp-server";
import { type RunBody, runHelpers, stepOf } from "../helpers/run-helpers";
import { type StackOptions, useStack } from "../helpers/stack";
import { postgresAvailability } from "../helpers/test-database";
import { until } from "../helpers/until";

/**
 * Agent nodes end to end: real routes → local engine → /api/inngest → the AI SDK, with msw standing in
 * for an OpenAI-compatible model at its HTTP boundary (it asks for tool calls), a loopback HTTP server
 * behind the http tools and a real MCP server (the SDK's own server transport) behind the mcp tools.
 */

const SECRET = "sk-agent-SECRET-9c8d7e";
// The seeded example names no credential: it uses the deployment's endpoint (read lazily by the app).
process.env.OPENAI_API_KEY = "sk-env-agent-SECRET-5a4b";
process.env.OPENAI_BASE_URL = "https://agent-llm.test/v1";
const MCP_TOKEN = "mcp-token-SECRET-1f2e3d";

type ChatMessage = { role: string; content?: unknown; tool_calls?: unknown[]; tool_call_id?: string };
type ChatBody = {
  model: string;
  stream?: boolean;
  messages: ChatMessage[];
  tools?: Array<{ function: { name: string } }>;
};
type Completion = {
  model: string;
  choices: Array<{
    index?: number;
    message: {
      role?: string;
      content: string | null;
      tool_calls?: Array<{ id: string; type?: string; function: { name: string; arguments: string } }>;
    };
    finish_reason: string;
  }>;
  usage: ReturnType<typeof usage>;
};
type Reply = (body: ChatBody, n: number) => Completion | Response | Promise<Completion | Response>;

const requests: ChatBody[] = [];
let reply: Reply = () => HttpResponse.json({ error: { message: "unexpected call" } }, { status: 418 });

const mswServer = setupServer(
  http.post("https://agent-llm.test/v1/chat/completions", async ({ request }) => {
    const body = (await request.json()) as ChatBody;
    requests.push(body);
    const answer = await reply(body, requests.length);
    if (answer instanceof Response) return answer;
    return body.stream
      ? streamed(answer)
      : HttpResponse.json({
          id: "chatcmpl-agent",
          object: "chat.completion",
          created: 1_700_000_000,
          ...answer,
        });
  }),
);

const usage = (prompt = 100, completion = 20) => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
});

/** The model asks for these calls (arguments as the model sends them: JSON text). */
function asks(calls: Array<[id: string, name: string, args: unknown]>, tokens = usage()): Completion {
  return {
    model: "gpt-4o-mini-2024-07-18",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: null,
          tool_calls: calls.map(([id, name, args]) => ({
            id,
            type: "function",
            function: { name, arguments: typeof args === "string" ? args : JSON.stringify(args) },
          })),
        },
        finish_reason: "tool_calls",
      },
    ],
    usage: tokens,
  };
}

function answers(text: string, tokens = usage()): Completion {
  return {
    model: "gpt-4o-mini-2024-07-18",
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
    usage: tokens,
  };
}

/** A completion as an OpenAI-compatible server streams it: text in small chunks, then the calls, usage. */
function streamed(answer: Completion): Response {
  const choice = answer.choices[0];
  const chunk = (delta: unknown, finish: string | null = null) => ({
    id: "chatcmpl-agent",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: answer.model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const text = choice?.message.content ?? "";
  const chunks: unknown[] = [chunk({ role: "assistant", content: "" })];
  for (let at = 0; at < text.length; at += 16) chunks.push(chunk({ content: text.slice(at, at + 16) }));
  (choice?.message.tool_calls ?? []).forEach((call, index) => {
    chunks.push(chunk({ tool_calls: [{ index, id: call.id, type: "function", function: call.function }] }));
  });
  chunks.push(chunk({}, choice?.finish_reason ?? "stop"));
  chunks.push({ ...chunk({}), choices: [], usage: answer.usage });
  const body = `${chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join("")}data: [DONE]\n\n`;
  return new HttpResponse(body, { headers: { "content-type": "text/event-stream" } });
}

/** The tool results the model was sent in a request, by call id. */
function toolResults(body: ChatBody | undefined): Record<string, string> {
  return Object.fromEntries(
    (body?.messages ?? [])
      .filter((m) => m.role === "tool")
      .map((m) => [
        m.tool_call_id ?? "",
        typeof m.content === "string" ? m.content : JSON.stringify(m.content),
      ]),
  );
}

export function defineAgentSuite(options: StackOptions) {
  describe(`agent nodes (${options.driver}, ${options.mode} mode)`, () => {
    const stack = useStack({ ...options, durable: true });
    const { createWorkflow, startRun, getRun, runEvents } = runHelpers(stack);
    let sink: CountingServer;
    let mcp: TestMcpServer;

    beforeAll(async () => {
      mswServer.listen({ onUnhandledRequest: "bypass" });
      sink = await startCountingServer();
      mcp = await startMcpServer();
      mswServer.use(mcpRelay(mcp));
      for (const credential of [
        {
          name: "agent-llm",
          kind: "openai",
          secret: SECRET,
          metadata: { baseUrl: "https://agent-llm.test/v1" },
        },
        { name: "mcp-token", kind: "bearer", secret: MCP_TOKEN },
      ]) {
        const created = await stack().api("POST", "/api/credentials", credential);
        expect(created.status, JSON.stringify(created.body)).toBe(201);
      }
    });
    afterAll(async () => {
      mswServer.close();
      await sink?.close();
      await mcp?.close();
    });
    beforeEach(() => {
      requests.length = 0;
      mcp.calls.length = 0;
    });

    /** An agent with an http tool `fetch_page` (GET <sink>/ok/<args.page>) and the MCP server's `add`. */
    function agentGraph(config: Record<string, unknown> = {}, tag = "t") {
      return {
        nodes: [
          node("agent", "agent", {
            provider: "openai",
            model: "gpt-4o-mini",
            credential: "agent-llm",
            system: "You help {{ input.name }}.",
            task: "Look up {{ input.topic }}.",
            tools: [
              {
                kind: "http",
                name: "fetch_page",
                description: "Fetches a page by name",
                inputSchema: {
                  type: "object",
                  properties: { page: { type: "string" } },
                  required: ["page"],
                },
                request: { method: "GET", url: `${sink.url}/ok/${tag}-{{ args.page }}`, timeoutMs: 5000 },
              },
              { kind: "mcp", url: mcp.url, credential: "mcp-token", tools: ["add"] },
            ],
            ...config,
          }),
        ],
        edges: [],
      };
    }

    async function runAgent(config: Record<string, unknown> = {}, tag = "t"): Promise<string> {
      const workflowId = await createWorkflow(agentGraph(config, tag));
      return startRun(workflowId, { name: "Ada", topic: "otters" });
    }

    it("runs a multi-turn conversation with parallel tool calls, one durable step each", async () => {
      reply = (_body, n) => {
        if (n === 1)
          return asks([
            ["call_a", "fetch_page", { page: "sea" }],
            ["call_b", "fetch_page", { page: "river" }],
          ]);
        if (n === 2) return asks([["call_c", "add", { a: 2, b: 3 }]]);
        return answers("Otters live in seas and rivers; 5.");
      };
      const runId = await runAgent({}, "multi");
      await stack().engine.drain();

      const run = await getRun(runId);
      expect(run.status, JSON.stringify(run.error)).toBe("succeeded");
      expect(requests).toHaveLength(3);
      // What the model saw: rendered prompts, both tools (the MCP one as the server describes it).
      expect(requests[0]?.messages.slice(0, 2)).toEqual([
        { role: "system", content: "You help Ada." },
        { role: "user", content: "Look up otters." },
      ]);
      expect(requests[0]?.tools?.map((t) => t.function.name)).toEqual(["fetch_page", "add"]);
      expect(toolResults(requests[1])).toEqual({
        call_a: expect.stringContaining("multi-sea"),
        call_b: expect.stringContaining("multi-river"),
      });
      expect(toolResults(requests[2]).call_c).toBe('"5"');

      // Each tool ran once, with the idempotency key of its own step; the MCP call carried the token.
      expect(sink.hits("/ok/multi-sea")).toBe(1);
      expect(sink.hits("/ok/multi-river")).toBe(1);
      const keyOf = (path: string) => sink.requests.find((r) => r.path === path)?.idempotencyKey;
      expect(keyOf("/ok/multi-sea")).toBe(`stepwise-${runId}-agent:agent:tool:1:call_a`);
      expect(mcp.calls).toEqual([
        { tool: "add", args: { a: 2, b: 3 }, authorization: `Bearer ${MCP_TOKEN}` },
      ]);

      const output = stepOf(run, "agent").output as Record<string, unknown>;
      expect(output).toMatchObject({
        text: "Otters live in seas and rivers; 5.",
        stopReason: "answer",
        toolCalls: 3,
        usage: { inputTokens: 300, outputTokens: 60 },
        turns: [
          { n: 1, toolCalls: 2 },
          { n: 2, toolCalls: 1 },
          { n: 3, toolCalls: 0 },
        ],
      });
      expect(output.transcript).toHaveLength(6);

      const events = await runEvents(runId);
      const count = (type: string) => events.filter((e) => e.type === type).length;
      expect([count("agent.turn"), count("agent.tool_call"), count("agent.tool_result")]).toEqual([3, 3, 3]);
      // The answer streamed live as token batches of its turn, in order.
      const tokens = events.filter((e) => e.type === "token" && e.nodeId === "agent");
      expect(tokens.map((e) => e.data.turn)).toEqual(tokens.map(() => 3));
      expect(tokens.map((e) => e.data.text).join("")).toBe("Otters live in seas and rivers; 5.");
      const raw = JSON.stringify({ run, events });
      expect(raw).not.toContain(SECRET);
      expect(raw).not.toContain(MCP_TOKEN);
    });

    it("sends an unknown tool and arguments failing the schema back to the model, and goes on", async () => {
      reply = (_body, n) =>
        n === 1
          ? asks([
              ["call_x", "teleport", { to: "moon" }],
              ["call_y", "fetch_page", { page: 42 }],
              ["call_z", "add", "{not json"],
            ])
          : answers("I could not look it up.");
      const runId = await runAgent({}, "bad");
      await stack().engine.drain();

      const run = await getRun(runId);
      expect(run.status, JSON.stringify(run.error)).toBe("succeeded");
      const results = toolResults(requests[1]);
      expect(results.call_x).toContain('Unknown tool "teleport"');
      expect(results.call_y).toContain("page");
      expect(results.call_z).toContain("must be a JSON object");
      expect(sink.requests.filter((r) => r.path.startsWith("/ok/bad-"))).toHaveLength(0);
      expect(mcp.calls).toHaveLength(0);
    });

    describe("a tool that needs approval", () => {
      async function waitingForApproval(tag: string) {
        const config = {
          tools: [
            {
              kind: "http",
              name: "fetch_page",
              description: "Fetches a page by name",
              inputSchema: { type: "object", properties: { page: { type: "string" } }, required: ["page"] },
              request: { method: "GET", url: `${sink.url}/ok/${tag}-{{ args.page }}` },
              requiresApproval: true,
            },
          ],
        };
        reply = (_body, n) =>
          n === 1 ? asks([["call_g", "fetch_page", { page: "vault" }]]) : answers("Done.");
        const runId = await runAgent(config, tag);
        await stack().engine.settle();
        const waiting = await getRun(runId);
        expect(waiting.status).toBe("waiting");
        const requested = (await runEvents(runId)).find((e) => e.type === "approval.requested");
        expect(requested?.nodeId).toBe("agent");
        expect(requested?.data).toMatchObject({ toolName: "fetch_page", args: { page: "vault" } });
        // The signed link shows what the person is asked, as for an approval node.
        const url = String(requested?.data.url);
        const shown = await stack().api<{ message: string; status: string }>(
          "GET",
          `/api/approvals/${url.slice(url.lastIndexOf("/") + 1)}`,
        );
        expect(shown.status).toBe(200);
        expect(shown.body).toMatchObject({ status: "pending" });
        expect(shown.body.message).toContain('call "fetch_page" with {"page":"vault"}');
        return { runId, key: String(requested?.data.approvalKey) };
      }

      it("runs the call once a person allows it", async () => {
        const { runId, key } = await waitingForApproval("allowed");
        expect(sink.hits("/ok/allowed-vault")).toBe(0);
        const decided = await stack().api("POST", `/api/runs/${runId}/approvals/${key}`, {
          decision: "approve",
        });
        expect(decided.status, JSON.stringify(decided.body)).toBe(200);
        await stack().engine.drain();

        expect((await getRun(runId)).status).toBe("succeeded");
        expect(sink.hits("/ok/allowed-vault")).toBe(1);
        expect(toolResults(requests[1]).call_g).toContain("allowed-vault");
      });

      it("tells the model when a person denies it, and never runs the call", async () => {
        const { runId, key } = await waitingForApproval("denied");
        const decided = await stack().api("POST", `/api/runs/${runId}/approvals/${key}`, {
          decision: "reject",
          comment: "not the vault",
        });
        expect(decided.status, JSON.stringify(decided.body)).toBe(200);
        await stack().engine.drain();

        expect((await getRun(runId)).status).toBe("succeeded");
        expect(sink.hits("/ok/denied-vault")).toBe(0);
        expect(toolResults(requests[1]).call_g).toContain("was denied by local: not the vault");
      });
    });

    describe("limits", () => {
      const always: Reply = (_body, n) =>
        asks([[`call_${n}`, "add", { a: n, b: 1 }]], usage(400_000, 100_000));

      it.each([
        ["maxTurns", { maxTurns: 2 }, 2],
        ["maxToolCalls", { maxToolCalls: 1 }, 2],
        ["maxTokens", { maxTokens: 600_000 }, 2],
        // 400k input and 100k output tokens of gpt-4o-mini: $0.12 a turn.
        ["maxCostUsd", { maxCostUsd: 0.2 }, 2],
      ])("%s fails the node, naming the limit", async (limit, limits, turns) => {
        reply = always;
        const runId = await runAgent({ limits });
        await stack().engine.drain();

        const run: RunBody = await getRun(runId);
        expect(run.status).toBe("failed");
        expect(run.error).toMatchObject({ nodeId: "agent", code: "agent_limit" });
        expect(run.error?.message).toContain(limit);
        expect(requests).toHaveLength(turns);
      });

      it("timeoutMs fails the node, naming the limit, once the agent's wall clock has passed it", async () => {
        // The agent reads the process's clock (the app runs in this process): the first turn is
        // answered two seconds "later" by moving Date alone — nothing waits.
        vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
        try {
          reply = (body, n) => {
            vi.setSystemTime(Date.now() + 2_000);
            return always(body, n);
          };
          const runId = await runAgent({ limits: { timeoutMs: 1_000 } });
          await stack().engine.drain();

          const run: RunBody = await getRun(runId);
          expect(run.status).toBe("failed");
          expect(run.error).toMatchObject({ nodeId: "agent", code: "agent_limit" });
          expect(run.error?.message).toContain("timeoutMs");
          expect(requests).toHaveLength(1);
        } finally {
          vi.useRealTimers();
        }
      });

      it('with onLimit "finish" ends with what the agent has, naming the limit', async () => {
        reply = always;
        const runId = await runAgent({ limits: { maxTurns: 1 }, onLimit: "finish" });
        await stack().engine.drain();

        const run = await getRun(runId);
        expect(run.status).toBe("succeeded");
        expect(stepOf(run, "agent").output).toMatchObject({
          stopReason: "limit",
          limit: "maxTurns",
          toolCalls: 0,
        });
      });
    });

    it("runs another workflow as a tool: a child run, pinned to its version, with the arguments as input", async () => {
      const childId = await createWorkflow({
        nodes: [node("greet", "text", { template: "Hello, {{ input.name }}!" })],
        edges: [],
      });
      reply = (_body, n) =>
        n === 1
          ? asks([
              ["call_w", "greet", { name: "Grace" }],
              ["call_v", "greet_missing", { name: "Nobody" }],
            ])
          : answers("Greeted.");
      const greet = {
        kind: "workflow",
        description: "Greets someone",
        inputSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
      };
      const runId = await runAgent({
        tools: [
          { ...greet, name: "greet", workflowId: childId, version: 1 },
          { ...greet, name: "greet_missing", workflowId: "wf_does_not_exist" },
        ],
      });
      await stack().engine.drain();

      const run = await getRun(runId);
      expect(run.status, JSON.stringify(run.error)).toBe("succeeded");
      const results = toolResults(requests[1]);
      expect(JSON.parse(results.call_w ?? "null")).toEqual({ text: "Hello, Grace!" });
      expect(results.call_v).toContain('Workflow "wf_does_not_exist" does not exist');
    });

    it.runIf(postgresAvailability().available)(
      "runs SQL tools with the sql node's guards: a read answers, a write is refused back to the model",
      async () => {
        // A least-privileged role, as the sql node's guard demands (a superuser is refused).
        const role = `stepwise_agent_${randomBytes(6).toString("hex")}`;
        const admin = new pg.Client({ connectionString: inject("postgresAdminUrl") });
        await admin.connect();
        await admin.query(`create role ${role} login`);
        await admin.end();
        const url = new URL(inject("postgresAdminUrl"));
        url.username = role;
        url.password = "unused-under-trust";
        const created = await stack().api("POST", "/api/credentials", {
          name: "agent-pg",
          kind: "postgres",
          secret: url.toString(),
        });
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        const sqlTool = (name: string, statement: string) => ({
          kind: "sql",
          name,
          description: `Runs ${name}`,
          inputSchema: { type: "object", properties: { n: { type: "integer" } }, required: ["n"] },
          query: { credential: "agent-pg", statement, params: ["{{ args.n }}"] },
        });
        reply = (_body, n) =>
          n === 1
            ? asks([
                ["call_r", "plus_one", { n: 41 }],
                ["call_w", "make_table", { n: 1 }],
              ])
            : answers("Done.");
        const runId = await runAgent({
          tools: [
            sqlTool("plus_one", "select $1::int + 1 as answer"),
            sqlTool("make_table", "create table agent_should_not_exist (n int check (n > $1))"),
          ],
        });
        await stack().engine.drain();

        expect((await getRun(runId)).status).toBe("succeeded");
        const results = toolResults(requests[1]);
        expect(JSON.parse(results.call_r ?? "null")).toMatchObject({ kind: "read", rows: [{ answer: 42 }] });
        expect(results.call_w).toMatch(/DDL|write/i);

        const cleanup = new pg.Client({ connectionString: inject("postgresAdminUrl") });
        await cleanup.connect();
        await cleanup.query(`drop role if exists ${role}`).catch(() => undefined);
        await cleanup.end();
      },
    );

    it("runs the seeded example: its tools call the app's own health check and workflow list", async () => {
      reply = (_body, n) =>
        n === 1
          ? asks([
              ["call_h", "check_health", {}],
              ["call_w", "list_workflows", { limit: 50 }],
            ])
          : answers("Healthy, with a few example workflows.");
      const started = await stack().api<{ runId: string }>("POST", "/api/workflows/wf_agent_example/runs", {
        input: { question: "Is the app healthy?", model: "gpt-4o-mini" },
      });
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      await stack().engine.drain();

      const run = await getRun(started.body.runId);
      expect(run.status, JSON.stringify(run.error)).toBe("succeeded");
      expect(run.output).toMatchObject({ answer: "Healthy, with a few example workflows.", toolCalls: 2 });
      const results = toolResults(requests[1]);
      expect(results.call_h).toContain('"status":200');
      expect(results.call_w).toContain("wf_agent_example");
    });

    it("refuses a bad agent config at save with a 422 naming the field", async () => {
      const created = await stack().api<{ error: { code: string; issues?: Array<{ path: string[] }> } }>(
        "POST",
        "/api/workflows",
        {
          name: "bad agent",
          graph: agentGraph({ tools: [{ kind: "mcp", url: "ftp://x", tools: [] }] }),
        },
      );
      expect(created.status).toBe(422);
      expect(JSON.stringify(created.body)).toContain("tools");
    });

    it("resumes after an engine crash between a tool call and the next turn without calling the tool again", async () => {
      let held: (() => void) | undefined;
      const gate = new Promise<void>((resolve) => {
        held = resolve;
      });
      let secondTurnCalls = 0;
      reply = async (body) => {
        if (!body.messages.some((m) => m.role === "tool"))
          return asks([["call_once", "fetch_page", { page: "once" }]]);
        secondTurnCalls += 1;
        // The first attempt of turn 2 hangs: the engine dies while the app waits for the model.
        if (secondTurnCalls === 1) await gate;
        return answers("Fetched once.");
      };
      const runId = await runAgent({}, "crash");
      await until(() => secondTurnCalls === 1, "the second turn to reach the model", 30_000);
      expect(sink.hits("/ok/crash-once")).toBe(1);

      await stack().restartEngine();
      await stack().engine.drain();
      held?.();

      const run = await getRun(runId);
      expect(run.status, JSON.stringify(run.error)).toBe("succeeded");
      expect(stepOf(run, "agent").output).toMatchObject({ text: "Fetched once.", toolCalls: 1 });
      expect(sink.hits("/ok/crash-once")).toBe(1);
      expect(secondTurnCalls).toBe(2);
    });
  });
}
