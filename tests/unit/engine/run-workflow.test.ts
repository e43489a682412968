import { describe, expect, it } from "vitest";
import {
  executeNode,
  type NodeEffects,
  NodeExecutionError,
  type ReceivedEvent,
  type RunScope,
  runWorkflow,
  stepIdFor,
  type WorkflowGraph,
  WorkflowGraphSchema,
  type WorkflowNode,
} from "@/engine";
import { edge, graph, memoryRunner, node, testDeps } from "./fixtures";

const text = (id: string) => node(id, "text", { template: id });

/** runNode that records calls and scopes and returns `out:<id>`. */
function recorder(
  behaviour: (n: WorkflowNode, scope: RunScope) => Promise<unknown> = async (n) => `out:${n.id}`,
) {
  const calls: { id: string; scope: RunScope }[] = [];
  return {
    calls,
    runNode: async (n: WorkflowNode, scope: RunScope) => {
      calls.push({ id: n.id, scope });
      return behaviour(n, scope);
    },
  };
}

describe("runWorkflow", () => {
  it("runs a chain in order with stable step ids; each scope holds only its ancestors", async () => {
    const g = graph([text("a"), text("b"), text("c"), text("other")], [edge("a", "b"), edge("b", "c")]);
    const runner = memoryRunner();
    const rec = recorder();
    const outcome = await runWorkflow({ graph: g, input: { q: 1 }, runner, runNode: rec.runNode });

    expect(runner.calls).toEqual(["node:a", "node:other", "node:b", "node:c"]);
    expect(stepIdFor("a")).toBe("node:a");
    expect(rec.calls.map((c) => c.id)).toEqual(["a", "other", "b", "c"]);
    expect(rec.calls.find((c) => c.id === "c")?.scope).toEqual({
      input: { q: 1 },
      nodes: { a: "out:a", b: "out:b" },
    });
    expect(outcome).toEqual({
      status: "succeeded",
      outputs: { a: "out:a", other: "out:other", b: "out:b", c: "out:c" },
      skipped: [],
      output: { c: "out:c", other: "out:other" },
      failedNodes: [],
    });
  });

  it("runs ready nodes in parallel and each node exactly once", async () => {
    const g = graph(
      [text("a"), text("b"), text("c"), text("d")],
      [edge("a", "b"), edge("a", "c"), edge("b", "d"), edge("c", "d")],
    );
    let inFlight = 0;
    let maxInFlight = 0;
    const rec = recorder(async (n) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return n.id;
    });
    const outcome = await runWorkflow({
      graph: g,
      input: null,
      runner: memoryRunner(),
      runNode: rec.runNode,
    });
    expect(maxInFlight).toBe(2);
    expect(rec.calls.map((c) => c.id)).toEqual(["a", "b", "c", "d"]);
    expect(outcome).toMatchObject({ status: "succeeded", output: "d" });
  });

  it("stops at a failure with the failed node, keeping outputs of the rest of its group", async () => {
    const g = graph(
      [text("a"), text("b"), text("c"), text("d")],
      [edge("a", "b"), edge("a", "c"), edge("b", "d"), edge("c", "d")],
    );
    const rec = recorder(async (n) => {
      if (n.id === "b")
        throw new NodeExecutionError("HTTP 404 from GET https://x.test/", {
          code: "http_status",
          retriable: false,
        });
      return n.id;
    });
    const outcome = await runWorkflow({
      graph: g,
      input: null,
      runner: memoryRunner(),
      runNode: rec.runNode,
    });
    expect(outcome).toEqual({
      status: "failed",
      outputs: { a: "a", c: "c" },
      skipped: [],
      failedNodeId: "b",
      error: { message: "HTTP 404 from GET https://x.test/", code: "http_status" },
    });
    expect(rec.calls.map((c) => c.id)).not.toContain("d");
  });

  it("reports the first failed node in plan order when several fail together", async () => {
    const g = graph([text("z"), text("m"), text("a")]);
    const outcome = await runWorkflow({
      graph: g,
      input: null,
      runner: memoryRunner(),
      runNode: async (n) => {
        if (n.id !== "a") throw new Error(`boom ${n.id}`);
        return 1;
      },
    });
    expect(outcome).toMatchObject({ status: "failed", failedNodeId: "m", error: { message: "boom m" } });
  });

  it("a delay node sleeps durably before its step, with the configured duration", async () => {
    const g = graph(
      [text("a"), node("wait", "delay", { duration: "5m" }), text("b")],
      [edge("a", "wait"), edge("wait", "b")],
    );
    const runner = memoryRunner();
    const deps = testDeps();
    const outcome = await runWorkflow({
      graph: g,
      input: null,
      runner,
      runNode: (n, scope) => executeNode({ node: n, scope, deps, runId: "run_1", attempt: 0 }),
    });
    expect(runner.calls).toEqual(["node:a", "sleep:wait", "node:wait", "node:b"]);
    expect(runner.sleeps).toEqual([{ id: "sleep:wait", ms: 300_000 }]);
    expect(outcome).toMatchObject({ status: "succeeded", outputs: { wait: { delayedMs: 300_000 } } });
  });

  it("skips the untaken branch end to end and returns the single reached sink's output", async () => {
    const g: WorkflowGraph = graph(
      [
        node("check", "condition", { expression: "input.score > 5" }),
        node("high", "text", { template: "high {{ input.score }}" }),
        node("low", "text", { template: "low" }),
        node("lowMore", "text", { template: "lower" }),
      ],
      [edge("check", "high", "true"), edge("check", "low", "false"), edge("low", "lowMore")],
    );
    const deps = testDeps();
    const runNode = (n: WorkflowNode, scope: RunScope) =>
      executeNode({ node: n, scope, deps, runId: "run_1", attempt: 0 });
    const outcome = await runWorkflow({ graph: g, input: { score: 9 }, runner: memoryRunner(), runNode });
    expect(outcome).toEqual({
      status: "succeeded",
      outputs: { check: { result: true }, high: { text: "high 9" } },
      skipped: ["low", "lowMore"],
      output: { text: "high 9" },
      failedNodes: [],
    });
  });

  it("replays from memoized steps without running any node twice", async () => {
    const g = graph([text("a"), text("b")], [edge("a", "b")]);
    const runner = memoryRunner();
    const rec = recorder();
    const first = await runWorkflow({ graph: g, input: null, runner, runNode: rec.runNode });
    const replay = await runWorkflow({ graph: g, input: null, runner, runNode: rec.runNode });
    expect(replay).toEqual(first);
    expect(rec.calls.map((c) => c.id)).toEqual(["a", "b"]);
  });

  it("refuses to pretend a cyclic (unvalidated) graph finished", async () => {
    const cyclic = {
      nodes: ["a", "b"].map((id) => ({
        id,
        type: "text",
        position: { x: 0, y: 0 },
        data: { config: { template: "" } },
      })),
      edges: [
        { id: "1", source: "a", target: "b" },
        { id: "2", source: "b", target: "a" },
      ],
    } as WorkflowGraph;
    await expect(
      runWorkflow({ graph: cyclic, input: null, runner: memoryRunner(), runNode: async () => 1 }),
    ).rejects.toThrow(/never became ready/);
  });
});

describe("runWorkflow with continue-on-error nodes", () => {
  it("goes on past a node that failed for good, hiding its output from dependents", async () => {
    const g: WorkflowGraph = WorkflowGraphSchema.parse({
      nodes: [
        {
          id: "optional",
          type: "text",
          data: { config: { template: "x" }, settings: { continueOnError: true } },
        },
        { id: "after", type: "text", data: { config: { template: "y" } } },
      ],
      edges: [{ id: "e", source: "optional", target: "after" }],
    });
    const seen: Record<string, unknown> = {};
    const outcome = await runWorkflow({
      graph: g,
      input: {},
      runner: memoryRunner(),
      runNode: async (n, scope) => {
        seen[n.id] = scope.nodes;
        if (n.id === "optional") throw new Error("boom");
        return "after ran";
      },
    });
    expect(outcome).toMatchObject({
      status: "succeeded",
      output: "after ran",
      failedNodes: [{ nodeId: "optional", error: { message: "boom" } }],
    });
    expect(seen.after).toEqual({});
  });
});

describe("runWorkflow runs branches independently", () => {
  /** A promise resolved from outside, to hold one node or wait open while the rest goes on. */
  function gate<T = void>() {
    let open!: (value: T) => void;
    const promise = new Promise<T>((resolve) => {
      open = resolve;
    });
    return { promise, open };
  }
  const settledTurns = async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };

  it("a slow node holds back only its own descendants; the fan-in waits for every parent", async () => {
    // a → slow → join ; a → b1 → b2 → b3 → join
    const g = graph(
      [text("a"), text("slow"), text("b1"), text("b2"), text("b3"), text("join")],
      [
        edge("a", "slow"),
        edge("a", "b1"),
        edge("b1", "b2"),
        edge("b2", "b3"),
        edge("slow", "join"),
        edge("b3", "join"),
      ],
    );
    const slow = gate<string>();
    const rec = recorder(async (n) => (n.id === "slow" ? slow.promise : `out:${n.id}`));
    const running = runWorkflow({ graph: g, input: null, runner: memoryRunner(), runNode: rec.runNode });

    await settledTurns();
    expect(rec.calls.map((c) => c.id)).toEqual(["a", "b1", "slow", "b2", "b3"]);

    slow.open("out:slow");
    const outcome = await running;
    expect(rec.calls.map((c) => c.id)).toEqual(["a", "b1", "slow", "b2", "b3", "join"]);
    expect(rec.calls.find((c) => c.id === "join")?.scope.nodes).toMatchObject({
      slow: "out:slow",
      b3: "out:b3",
    });
    expect(outcome).toMatchObject({ status: "succeeded", output: "out:join" });
  });

  it("a branch waiting on an approval does not hold back a parallel chain", async () => {
    const g = graph(
      [
        text("a"),
        node("ask", "approval", { timeout: "1h" }),
        text("b1"),
        text("b2"),
        text("b3"),
        text("join"),
      ],
      [
        edge("a", "ask"),
        edge("a", "b1"),
        edge("b1", "b2"),
        edge("b2", "b3"),
        edge("ask", "join", "approved"),
        edge("b3", "join"),
      ],
    );
    const decision = gate<ReceivedEvent | null>();
    const runner = memoryRunner();
    runner.waitForEvent = async (id) => {
      runner.calls.push(id);
      return decision.promise;
    };
    const effects: NodeEffects = {
      requestApproval: async () => ({
        approvalId: "apr_1",
        url: "https://app.test/approve",
        expiresAt: "2030-01-01T01:00:00.000Z",
        decision: { event: "workflow/approval.decided", match: "data.approvalId", timeoutMs: 3_600_000 },
      }),
      recordApproval: async () => ({ decision: "approved", decidedAt: "2030-01-01T00:10:00.000Z" }),
      startDelay: async () => {},
      startChildRun: async () => ({ runId: "child", workspaceId: "ws" }),
      recordChildRun: async () => null,
    };
    const rec = recorder();
    const running = runWorkflow({ graph: g, input: null, runner, effects, runNode: rec.runNode });

    await settledTurns();
    expect(runner.calls).toContain("approval:ask");
    expect(runner.calls).not.toContain("node:join");
    expect(rec.calls.map((c) => c.id)).toEqual(["a", "b1", "b2", "b3"]);

    decision.open({ name: "workflow/approval.decided", data: { decision: "approved" } });
    const outcome = await running;
    expect(runner.calls.filter((id) => id === "node:join")).toHaveLength(1);
    expect(outcome).toMatchObject({ status: "succeeded", output: "out:join" });
  });

  it("after a failure starts nothing new, lets running nodes settle, and names the failure", async () => {
    // a → bad ; a → slow → after
    const g = graph(
      [text("a"), text("bad"), text("slow"), text("after")],
      [edge("a", "bad"), edge("a", "slow"), edge("slow", "after")],
    );
    const slow = gate<string>();
    const rec = recorder(async (n) => {
      if (n.id === "bad") throw new Error("boom");
      return n.id === "slow" ? slow.promise : `out:${n.id}`;
    });
    const running = runWorkflow({ graph: g, input: null, runner: memoryRunner(), runNode: rec.runNode });
    await settledTurns();
    slow.open("out:slow");
    const outcome = await running;
    expect(rec.calls.map((c) => c.id)).toEqual(["a", "bad", "slow"]);
    expect(outcome).toMatchObject({
      status: "failed",
      failedNodeId: "bad",
      outputs: { a: "out:a", slow: "out:slow" },
    });
  });

  it("runs a lone chain on the plain runner and parallel branches on the concurrent one", async () => {
    // a → b → (c, d) → e
    const g = graph(
      [text("a"), text("b"), text("c"), text("d"), text("e")],
      [edge("a", "b"), edge("b", "c"), edge("b", "d"), edge("c", "e"), edge("d", "e")],
    );
    const runner = memoryRunner();
    const concurrent = memoryRunner();
    runner.concurrent = concurrent;
    await runWorkflow({ graph: g, input: null, runner, runNode: async (n) => n.id });
    expect(runner.calls).toEqual(["node:a", "node:b", "node:e"]);
    expect(concurrent.calls).toEqual(["node:c", "node:d"]);
  });
});
