import { describe, expect, it } from "vitest";
import {
  executeNode,
  MAX_DELAY_MS,
  NODE_TYPES,
  type NodeContext,
  NodeExecutionError,
  nodeRegistry,
  parseDuration,
  type RunScope,
  type WorkflowNode,
} from "@/engine";
import { graph, node, nodeOf, testDeps } from "./fixtures";

function contextFor(rawNode: ReturnType<typeof node>, scope: RunScope, deps = testDeps()): NodeContext {
  return { node: nodeOf(graph([rawNode]), rawNode.id), scope, deps, runId: "run_1", attempt: 0 };
}

async function failure(promise: Promise<unknown>): Promise<NodeExecutionError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof NodeExecutionError))
    throw new Error(`expected a NodeExecutionError, got ${String(error)}`);
  return error;
}

const scope: RunScope = { input: { name: "Ada", score: 7 }, nodes: { up: { items: [1, 2, 3] } } };

describe("nodeRegistry", () => {
  it("has one definition per node type, each with a valid default config", () => {
    for (const type of NODE_TYPES) {
      const definition = nodeRegistry[type];
      expect(definition.type).toBe(type);
      expect(definition.configSchema.safeParse(definition.defaultConfig).success).toBe(true);
    }
    expect(nodeRegistry.http.sideEffect).toBe("external");
    expect(nodeRegistry.delay.sideEffect).toBe("timer");
    expect(nodeRegistry.transform.sideEffect).toBe("none");
  });
});

describe("executeNode", () => {
  it("text renders its template", async () => {
    const ctx = contextFor(
      node("t", "text", { template: "Hi {{ input.name }} ({{ $count(nodes.up.items) }})" }),
      scope,
    );
    expect(await executeNode(ctx)).toEqual({ text: "Hi Ada (3)" });
  });

  it("transform returns the expression's value, and null when nothing matched", async () => {
    expect(
      await executeNode(
        contextFor(node("t", "transform", { expression: "{ 'total': $sum(nodes.up.items) }" }), scope),
      ),
    ).toEqual({
      total: 6,
    });
    expect(
      await executeNode(contextFor(node("t", "transform", { expression: "input.nothing" }), scope)),
    ).toBeNull();
  });

  it("condition returns the truthiness of its expression", async () => {
    expect(
      await executeNode(contextFor(node("c", "condition", { expression: "input.score > 5" }), scope)),
    ).toEqual({
      result: true,
    });
    expect(
      await executeNode(contextFor(node("c", "condition", { expression: "nodes.up.missing" }), scope)),
    ).toEqual({
      result: false,
    });
    expect(
      await executeNode(contextFor(node("c", "condition", { expression: "input.name" }), scope)),
    ).toEqual({
      result: true,
    });
  });

  it("delay reports the duration it stands for, without sleeping", async () => {
    expect(await executeNode(contextFor(node("d", "delay", { duration: "5m" }), scope))).toEqual({
      delayedMs: 300_000,
    });
    expect(await executeNode(contextFor(node("d", "delay", { duration: 1500 }), scope))).toEqual({
      delayedMs: 1500,
    });
  });

  it("debug logs through deps.log and passes the value on", async () => {
    const deps = testDeps();
    const output = await executeNode(
      contextFor(node("dbg", "debug", { value: "score={{ input.score }}", level: "warn" }), scope, deps),
    );
    expect(output).toEqual({ value: "score=7" });
    expect(deps.logs).toEqual([
      { level: "warn", message: "debug: dbg", data: { nodeId: "dbg", value: "score=7" } },
    ]);
  });

  it("debug without a value dumps every upstream output at info level", async () => {
    const deps = testDeps();
    expect(await executeNode(contextFor(node("dbg", "debug", {}), scope, deps))).toEqual({
      value: scope.nodes,
    });
    expect(deps.logs[0]?.level).toBe("info");
  });

  it("an expression failing at run time is a non-retriable error naming the field", async () => {
    const error = await failure(
      executeNode(contextFor(node("t", "transform", { expression: "input.name + 1" }), scope)),
    );
    expect(error).toMatchObject({ code: "expression_error", retriable: false });
    expect(error.message).toMatch(
      /^config\.expression: The left side of the "?\+"? operator must evaluate to a number/,
    );

    const templateError = await failure(
      executeNode(contextFor(node("t", "text", { template: '{{ $eval("1") }}' }), scope)),
    );
    expect(templateError.message).toBe(
      'config.template: {{ $eval("1") }}: $eval() is disabled in Stepwise expressions',
    );
  });

  it("re-checks the config of a stored node and refuses it without retry", async () => {
    const stored = { id: "t", type: "text", position: { x: 0, y: 0 }, data: { config: { template: 42 } } };
    const ctx: NodeContext = {
      node: stored as unknown as WorkflowNode,
      scope,
      deps: testDeps(),
      runId: "run_1",
      attempt: 0,
    };
    const error = await failure(executeNode(ctx));
    expect(error).toMatchObject({ code: "invalid_config", retriable: false });
    expect(error.message).toBe('Node "t": config.template: Invalid input: expected string, received number');
  });

  it("refuses an unknown node type without retry", async () => {
    const ctx: NodeContext = {
      node: {
        id: "x",
        type: "nope",
        position: { x: 0, y: 0 },
        data: { config: {} },
      } as unknown as WorkflowNode,
      scope,
      deps: testDeps(),
      runId: "run_1",
      attempt: 0,
    };
    expect(await failure(executeNode(ctx))).toMatchObject({ code: "unknown_type", retriable: false });
  });
});

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["30s", 30_000],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["2d", 172_800_000],
    ["1.5s", 1500],
    [250, 250],
    ["7d", MAX_DELAY_MS],
  ])("%j → %i ms", (value, ms) => {
    expect(parseDuration(value)).toEqual({ ok: true, ms });
  });

  it.each(["", "5", "5 minutes", "-1s", "0s", "8d", 0, -5, Number.NaN])("rejects %j", (value) => {
    expect(parseDuration(value).ok).toBe(false);
  });
});
