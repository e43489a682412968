import { describe, expect, it } from "vitest";
import {
  type ApprovalTicket,
  type NodeEffects,
  type PlanState,
  planNext,
  runWorkflow,
  validateGraph,
  type WorkflowGraph,
} from "@/engine";
import { edge, graph, memoryRunner, node } from "./fixtures";

const approval = (id: string, config: Record<string, unknown> = { timeout: "24h" }) =>
  node(id, "approval", config);
const subworkflow = (id: string, config: Record<string, unknown> = { workflowId: "wf_child" }) =>
  node(id, "subworkflow", config);
const text = (id: string) => node(id, "text", { template: id });

function plan(g: WorkflowGraph, completed: Record<string, unknown>, skipped: string[] = []) {
  const state: PlanState = { completed: new Map(Object.entries(completed)), skipped: new Set(skipped) };
  const result = planNext(g, state);
  return { ready: result.ready.map((n) => n.id), skip: result.skip, done: result.done };
}

/**
 *  ask ─approved─► ship ─► join
 *      ─rejected─► tell ─► onlyTell
 *      ─timeout──► remind ─► join
 */
const g = graph(
  [approval("ask"), text("ship"), text("tell"), text("onlyTell"), text("remind"), text("join")],
  [
    edge("ask", "ship", "approved"),
    edge("ask", "tell", "rejected"),
    edge("ask", "remind", "timeout"),
    edge("tell", "onlyTell"),
    edge("ship", "join"),
    edge("remind", "join"),
  ],
);

describe("planNext with approval handles", () => {
  it("takes the approved branch and skips the rejected and timeout branches with everything only behind them", () => {
    expect(plan(g, { ask: { decision: "approved" } })).toEqual({
      ready: ["ship"],
      skip: ["remind", "tell", "onlyTell"],
      done: false,
    });
  });

  it("takes the rejected branch", () => {
    expect(plan(g, { ask: { decision: "rejected" } })).toEqual({
      ready: ["tell"],
      skip: ["remind", "ship", "join"],
      done: false,
    });
  });

  it("takes the timeout branch; a join fed by a taken branch still runs", () => {
    expect(plan(g, { ask: { decision: "timeout" } })).toEqual({
      ready: ["remind"],
      skip: ["ship", "tell", "onlyTell"],
      done: false,
    });
    expect(plan(g, { ask: { decision: "timeout" }, remind: 1 }, ["ship", "tell", "onlyTell"]).ready).toEqual([
      "join",
    ]);
  });

  it("waits while the approval is undecided", () => {
    expect(plan(g, {})).toEqual({ ready: ["ask"], skip: [], done: false });
  });
});

describe("validateGraph on approval and sub-workflow nodes", () => {
  const issuesOf = (raw: unknown) => {
    const result = validateGraph(raw);
    return result.ok ? [] : result.issues;
  };

  it("requires an approved / rejected / timeout handle on every edge leaving an approval", () => {
    const issues = issuesOf({
      nodes: [approval("ask"), text("a"), text("b"), text("c")],
      edges: [edge("ask", "a", "approved"), edge("ask", "b"), edge("ask", "c", "true")],
    });
    expect(issues).toEqual([
      expect.objectContaining({
        code: "invalid_handle",
        edgeId: "ask-b",
        nodeId: "ask",
        field: "sourceHandle",
        message:
          'Edge "ask-b": edges leaving approval node "ask" must use sourceHandle "approved", "rejected" or "timeout" (got none)',
      }),
      expect.objectContaining({
        code: "invalid_handle",
        edgeId: "ask-c-true",
        message: expect.stringContaining('(got "true")'),
      }),
    ]);
  });

  it("accepts every approval handle, and edges leaving a sub-workflow need none", () => {
    expect(
      issuesOf({
        nodes: [approval("ask"), text("a"), text("b"), text("c"), subworkflow("sub"), text("after")],
        edges: [
          edge("ask", "a", "approved"),
          edge("ask", "b", "rejected"),
          edge("ask", "c", "timeout"),
          edge("sub", "after"),
        ],
      }),
    ).toEqual([]);
  });

  it("checks the approval timeout (at most 30 days) and the sub-workflow config", () => {
    const issues = issuesOf({
      nodes: [
        approval("long", { timeout: "31d" }),
        approval("bad", { timeout: "soon" }),
        approval("ok", { timeout: "30d", message: "Ship {{ input.name }}?" }),
        approval("badTemplate", { timeout: "1h", message: "{{ ( }}" }),
        subworkflow("noId", {}),
        subworkflow("badVersion", { workflowId: "wf_x", version: 0 }),
        subworkflow("badInput", { workflowId: "wf_x", input: "{ " }),
      ],
      edges: [],
    });
    const byNode = Object.fromEntries(issues.map((issue) => [issue.nodeId, issue]));
    expect(Object.keys(byNode).sort()).toEqual([
      "bad",
      "badInput",
      "badTemplate",
      "badVersion",
      "long",
      "noId",
    ]);
    expect(byNode.long?.message).toContain("at most 30 days");
    expect(byNode.bad?.field).toBe("config.timeout");
    expect(byNode.noId?.field).toBe("config.workflowId");
  });
});

describe("runWorkflow with approval and sub-workflow nodes", () => {
  const ticket: ApprovalTicket = {
    approvalId: "apr_1",
    url: "https://example.test/api/approvals/t",
    expiresAt: "2030-01-01T00:00:00.000Z",
    decision: { event: "workflow/approval.decided", if: 'async.data.nodeId == "ask"', timeoutMs: 60_000 },
  };

  function effects(calls: string[], decided = "approved"): NodeEffects {
    return {
      requestApproval: async (n) => {
        calls.push(`request:${n.id}`);
        return ticket;
      },
      recordApproval: async (n, t, event) => {
        calls.push(`record:${n.id}:${t.approvalId}:${event === null ? "timeout" : event.name}`);
        return {
          decision: event === null ? "timeout" : (decided as "approved"),
          decidedAt: "2030-01-01T00:00:00.000Z",
        };
      },
      startDelay: async (n) => {
        calls.push(`delay-start:${n.id}`);
      },
      startChildRun: async (n, scope) => {
        calls.push(`start:${n.id}:${JSON.stringify(scope.input)}`);
        return { runId: "run_child", workspaceId: "ws" };
      },
      recordChildRun: async (n, child, result) => {
        calls.push(`finish:${n.id}:${child.runId}:${result.ok}`);
        if (!result.ok) throw new Error(`child failed: ${result.error.message}`);
        return { fromChild: result.value };
      },
    };
  }

  it("requests, waits for the decision event with the ticket's wait, records, and follows the decision", async () => {
    const runner = memoryRunner({
      events: { "approval:ask": { name: "workflow/approval.decided", data: { decision: "approved" } } },
    });
    const calls: string[] = [];
    const outcome = await runWorkflow({
      graph: g,
      input: {},
      runner,
      effects: effects(calls),
      runNode: async (n) => `out:${n.id}`,
    });
    expect(runner.calls.slice(0, 3)).toEqual(["approval-request:ask", "approval:ask", "node:ask"]);
    expect(runner.waits).toEqual([ticket.decision]);
    expect(calls).toEqual(["request:ask", "record:ask:apr_1:workflow/approval.decided"]);
    expect(outcome).toMatchObject({
      status: "succeeded",
      skipped: ["remind", "tell", "onlyTell"],
      outputs: { ask: { decision: "approved" }, ship: "out:ship", join: "out:join" },
    });
  });

  it("takes the timeout branch when the wait ends without an event", async () => {
    const outcome = await runWorkflow({
      graph: g,
      input: {},
      runner: memoryRunner(),
      effects: effects([]),
      runNode: async (n) => `out:${n.id}`,
    });
    expect(outcome).toMatchObject({
      status: "succeeded",
      outputs: { remind: "out:remind", join: "out:join" },
    });
  });

  it("starts the child, invokes it, and hands the child's result to the node step", async () => {
    const sub = graph([subworkflow("sub"), text("after")], [edge("sub", "after")]);
    const runner = memoryRunner({ invoke: async () => ({ runId: "run_child", status: "succeeded" }) });
    const calls: string[] = [];
    const outcome = await runWorkflow({
      graph: sub,
      input: { q: 1 },
      runner,
      effects: effects(calls),
      runNode: async (n) => `out:${n.id}`,
    });
    expect(runner.calls).toEqual(["subrun-start:sub", "subrun:sub", "node:sub", "node:after"]);
    expect(calls).toEqual(['start:sub:{"q":1}', "finish:sub:run_child:true"]);
    expect(outcome).toMatchObject({
      status: "succeeded",
      outputs: { sub: { fromChild: { runId: "run_child", status: "succeeded" } } },
    });
  });

  it("still records a child whose execution failed outright, and fails the node", async () => {
    const sub = graph([subworkflow("sub")]);
    const runner = memoryRunner({
      invoke: async () => {
        throw new Error("function died");
      },
    });
    const calls: string[] = [];
    const outcome = await runWorkflow({
      graph: sub,
      input: {},
      runner,
      effects: effects(calls),
      runNode: async () => null,
    });
    expect(calls).toContain("finish:sub:run_child:false");
    expect(outcome).toMatchObject({
      status: "failed",
      failedNodeId: "sub",
      error: { message: "child failed: function died" },
    });
  });

  it("records a delay node's start in its own step before the sleep, then runs its node step", async () => {
    const runner = memoryRunner();
    const calls: string[] = [];
    const outcome = await runWorkflow({
      graph: graph([node("wait", "delay", { duration: "1h" })]),
      input: {},
      runner,
      effects: effects(calls),
      runNode: async () => ({ delayedMs: 3_600_000 }),
    });
    expect(runner.calls).toEqual(["delay-start:wait", "sleep:wait", "node:wait"]);
    expect(runner.sleeps).toEqual([{ id: "sleep:wait", ms: 3_600_000 }]);
    expect(calls).toEqual(["delay-start:wait"]);
    expect(outcome).toMatchObject({ status: "succeeded" });
  });

  it("fails such a node clearly when the runner has no effects", async () => {
    const outcome = await runWorkflow({
      graph: graph([approval("ask")]),
      input: {},
      runner: memoryRunner(),
      runNode: async () => null,
    });
    expect(outcome).toMatchObject({
      status: "failed",
      failedNodeId: "ask",
      error: { code: "not_executable" },
    });
  });
});
