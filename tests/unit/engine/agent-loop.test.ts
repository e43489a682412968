import { describe, expect, it } from "vitest";
import {
  type AgentEffects,
  type AgentOutcome,
  type AgentToolDescriptor,
  type AgentToolInvocation,
  type AgentTurnRequest,
  type AgentTurnResult,
  NodeExecutionError,
  runWorkflow,
  type StepRunner,
} from "@/engine";
import { graph, memoryRunner, node } from "./fixtures";

/**
 * The agent loop over an in-memory step runner: which durable steps it issues, what the model sees
 * each turn, and how limits, malformed calls, approvals and a replay after a crash come out.
 */

const LOOKUP: AgentToolDescriptor = {
  name: "lookup",
  description: "Looks a word up",
  inputSchema: { type: "object", properties: { q: { type: "string" } }, required: ["q"] },
  requiresApproval: false,
};
const START = "2030-01-01T00:00:00.000Z";

type Turn = AgentTurnResult & { at?: string; costUsd?: number | null };
const call = (callId: string, args: unknown, toolName = "lookup") => ({ callId, toolName, args });
const asks = (...toolCalls: ReturnType<typeof call>[]): Turn => ({
  text: "",
  toolCalls,
  model: "gpt-4o-mini",
  usage: { inputTokens: 100, outputTokens: 10 },
});
const answers = (text: string): Turn => ({ ...asks(), text });

/** Effects that script the model's turns and record every tool call and the outcome. */
function fakeAgent(script: Array<Turn | Error>, tools: AgentToolDescriptor[] = [LOOKUP]) {
  const seen = {
    requests: [] as AgentTurnRequest[],
    tools: [] as AgentToolInvocation[],
    approvals: [] as AgentToolInvocation[],
    outcome: undefined as AgentOutcome | undefined,
  };
  const fx: AgentEffects = {
    start: async () => ({ task: "Find otters", model: "gpt-4o-mini", tools, startedAt: START }),
    turn: async (_node, { request }) => {
      seen.requests.push(structuredClone(request));
      const next = script.shift();
      if (next === undefined) throw new Error("the model was not expected to be asked again");
      if (next instanceof Error) throw next;
      return { costUsd: 0.01, at: START, ...next };
    },
    startToolRun: async (_node, invocation) =>
      invocation.call.args && (invocation.call.args as { q?: string }).q === "missing"
        ? { problem: "no such workflow" }
        : { runId: `run_child_${invocation.call.callId}`, workspaceId: "ws" },
    requestToolApproval: async (_node, invocation) => {
      seen.approvals.push(invocation);
      return {
        approvalId: `apv_${invocation.call.callId}`,
        url: "https://app.test/approve",
        expiresAt: START,
        decision: { event: "workflow/approval.decided", timeoutMs: 1000, match: "data.approvalId" },
      };
    },
    callTool: async (_node, invocation) => {
      seen.tools.push(invocation);
      const { callId, toolName, args } = invocation.call;
      if (invocation.problem) return { callId, toolName, output: invocation.problem, isError: true };
      return { callId, toolName, output: { found: args }, isError: false };
    },
    finish: async (_node, outcome) => {
      seen.outcome = outcome;
      if (!outcome.ok)
        throw new NodeExecutionError(outcome.error.message, { code: "agent_limit", retriable: false });
      return outcome.output;
    },
  };
  return { fx, seen };
}

/** A memory runner that also records which steps ran as parallel branches. */
function runner() {
  const base = memoryRunner({ invoke: async (id) => ({ invoked: id }) });
  const parallel: string[] = [];
  const concurrent: StepRunner = {
    ...base,
    run: (id, fn) => {
      parallel.push(id);
      return base.run(id, fn);
    },
  };
  return Object.assign(base, { concurrent, parallel });
}

const agentGraph = (config: Record<string, unknown> = {}) =>
  graph([node("a", "agent", { model: "gpt-4o-mini", task: "Find otters", ...config })]);

async function run(fx: AgentEffects, config: Record<string, unknown> = {}, steps = runner()) {
  return runWorkflow({
    graph: agentGraph(config),
    input: {},
    runner: steps,
    runNode: async () => {
      throw new Error("agent nodes are orchestrated, not run as one step");
    },
    effects: { agent: fx } as never,
  });
}

describe("the agent loop", () => {
  it("runs turn → parallel tool calls → turn, one durable step each, and keeps the transcript", async () => {
    const { fx, seen } = fakeAgent([
      asks(call("c1", { q: "sea" }), call("c2", { q: "river" })),
      answers("Both."),
    ]);
    const steps = runner();
    const outcome = await run(fx, {}, steps);

    expect(outcome.status).toBe("succeeded");
    expect(steps.calls).toEqual([
      "agent:a:start",
      "agent:a:turn:1",
      "agent:a:tool:1:c1",
      "agent:a:tool:1:c2",
      "agent:a:turn:2",
      "node:a",
    ]);
    expect(steps.parallel).toEqual(["agent:a:tool:1:c1", "agent:a:tool:1:c2"]);
    // The second turn sees both results, in call order.
    expect(seen.requests[1]?.messages.at(-1)).toEqual({
      role: "tool",
      results: [
        { callId: "c1", toolName: "lookup", output: { found: { q: "sea" } }, isError: false },
        { callId: "c2", toolName: "lookup", output: { found: { q: "river" } }, isError: false },
      ],
    });
    expect(seen.requests[0]?.tools.map((t) => t.name)).toEqual(["lookup"]);
    const output = outcome.status === "succeeded" ? (outcome.output as Record<string, unknown>) : {};
    expect(output).toMatchObject({
      text: "Both.",
      stopReason: "answer",
      toolCalls: 2,
      usage: { inputTokens: 200, outputTokens: 20 },
      costUsd: 0.02,
      turns: [
        { n: 1, toolCalls: 2, inputTokens: 100, outputTokens: 10, costUsd: 0.01 },
        { n: 2, toolCalls: 0 },
      ],
    });
    expect(output.transcript).toHaveLength(4);
  });

  it("sends an unknown tool and arguments failing the schema back to the model as error results", async () => {
    const { fx, seen } = fakeAgent([
      asks(call("c1", { q: "x" }, "teleport"), call("c2", { q: 7 }), call("c3", "{not json")),
      answers("Sorry."),
    ]);
    const outcome = await run(fx);

    expect(outcome.status).toBe("succeeded");
    const results = seen.requests[1]?.messages.at(-1);
    expect(results).toMatchObject({
      role: "tool",
      results: [
        { callId: "c1", isError: true, output: expect.stringContaining('Unknown tool "teleport"') },
        { callId: "c2", isError: true, output: expect.stringContaining("q:") },
        { callId: "c3", isError: true, output: expect.stringContaining("must be a JSON object") },
      ],
    });
    // Each still has its own step (and its events), but none reached a tool.
    expect(seen.tools.every((t) => t.problem !== undefined)).toBe(true);
  });

  it("replays finished turns and tool calls after a crash instead of repeating them", async () => {
    const { fx, seen } = fakeAgent([
      asks(call("c1", { q: "sea" })),
      new Error("process died"),
      answers("Done."),
    ]);
    const steps = runner();
    const crashed = await run(fx, {}, steps);
    expect(crashed.status === "failed" && crashed.error.message).toBe("process died");
    // The same run again, as Inngest re-drives it: memoized steps return their stored results.
    const outcome = await run(fx, {}, steps);

    expect(outcome.status).toBe("succeeded");
    expect(seen.tools.map((t) => t.stepId)).toEqual(["agent:a:tool:1:c1"]);
    expect(seen.requests).toHaveLength(3); // turn 1, turn 2 (lost), turn 2 again
  });

  it("asks for approval before a tool that needs it and lets the tool step read the decision", async () => {
    const gated = { ...LOOKUP, requiresApproval: true };
    const { fx, seen } = fakeAgent([asks(call("c1", { q: "sea" })), answers("ok")], [gated]);
    const steps = runner();
    const outcome = await run(fx, {}, steps);

    expect(outcome.status).toBe("succeeded");
    expect(steps.calls.slice(2, 5)).toEqual([
      "agent:a:approval-request:1:c1",
      "agent:a:approval:1:c1",
      "agent:a:tool:1:c1",
    ]);
    expect(seen.tools[0]?.approval?.approvalId).toBe("apv_c1");
  });

  it("runs a workflow tool as a child run: start step, invoke, then the tool step reads the result", async () => {
    const child = { ...LOOKUP, name: "child_flow", runsWorkflow: true };
    const { fx, seen } = fakeAgent(
      [
        asks(call("w1", { q: "sea" }, "child_flow"), call("w2", { q: "missing" }, "child_flow")),
        answers("ok"),
      ],
      [child],
    );
    const steps = runner();
    const outcome = await run(fx, {}, steps);

    expect(outcome.status).toBe("succeeded");
    expect(steps.calls).toEqual(
      expect.arrayContaining([
        "agent:a:subrun-start:1:w1",
        "agent:a:subrun:1:w1",
        "agent:a:tool:1:w1",
        "agent:a:subrun-start:1:w2",
        "agent:a:tool:1:w2",
      ]),
    );
    // A child that could not start is never invoked; its tool step says why.
    expect(steps.calls).not.toContain("agent:a:subrun:1:w2");
    expect(seen.tools.find((t) => t.call.callId === "w1")?.child).toEqual({
      run: { runId: "run_child_w1", workspaceId: "ws" },
    });
    expect(seen.tools.find((t) => t.call.callId === "w2")?.child).toEqual({ problem: "no such workflow" });
  });

  it("hands in a structured answer through final_answer, checked against the schema", async () => {
    const jsonSchema = { type: "object", properties: { count: { type: "number" } }, required: ["count"] };
    const { fx, seen } = fakeAgent([
      asks(call("f1", { count: "many" }, "final_answer")),
      asks(call("f2", { count: 3 }, "final_answer")),
    ]);
    const outcome = await run(fx, { jsonSchema });

    expect(seen.requests[0]?.tools.map((t) => t.name)).toEqual(["lookup", "final_answer"]);
    expect(seen.tools[0]?.problem).toContain("count");
    expect(outcome.status === "succeeded" && outcome.output).toMatchObject({ object: { count: 3 } });
  });

  describe("limits", () => {
    const forever = () => Array.from({ length: 20 }, (_, i) => asks(call(`c${i}`, { q: "again" })));

    it.each([
      ["maxTurns", { limits: { maxTurns: 3 } }, 3],
      ["maxToolCalls", { limits: { maxToolCalls: 2 } }, 3],
      ["maxTokens", { limits: { maxTokens: 250 } }, 3],
      ["maxCostUsd", { limits: { maxCostUsd: 0.025 } }, 3],
    ])("%s fails the node naming the limit", async (limit, config, turns) => {
      const { fx, seen } = fakeAgent(forever());
      const outcome = await run(fx, config);

      expect(outcome.status).toBe("failed");
      if (outcome.status !== "failed") return;
      expect(outcome.error).toMatchObject({ code: "agent_limit" });
      expect(outcome.error.message).toContain(limit);
      expect(seen.requests).toHaveLength(turns);
      expect(seen.outcome).toMatchObject({ ok: false, error: { limit } });
    });

    it("timeoutMs counts wall clock from the start, by the turns' own timestamps", async () => {
      const late = { ...asks(call("c1", { q: "x" })), at: "2030-01-01T00:10:00.000Z" };
      const { fx, seen } = fakeAgent([late, ...forever()]);
      const outcome = await run(fx, { limits: { timeoutMs: 60_000 } });

      expect(outcome.status === "failed" && outcome.error.message).toContain("timeoutMs");
      expect(seen.requests).toHaveLength(1);
    });

    it('onLimit "finish" ends with what the agent has, naming the limit', async () => {
      const { fx } = fakeAgent([{ ...asks(call("c1", { q: "x" })), text: "Halfway" }, ...forever()]);
      const outcome = await run(fx, { limits: { maxTurns: 1 }, onLimit: "finish" });

      expect(outcome.status).toBe("succeeded");
      expect(outcome.status === "succeeded" && outcome.output).toMatchObject({
        stopReason: "limit",
        limit: "maxTurns",
        text: "Halfway",
      });
    });
  });
});
