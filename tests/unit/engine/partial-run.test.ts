import { describe, expect, it } from "vitest";
import { executeNode, type RunScope, runWorkflow, subgraph, type WorkflowNode } from "@/engine";
import { edge, graph, memoryRunner, node, testDeps } from "./fixtures";

const text = (id: string, template = id) => node(id, "text", { template });

describe("subgraph", () => {
  const g = graph(
    [text("a"), text("b"), text("c"), text("d")],
    [edge("a", "b"), edge("b", "c"), edge("a", "d"), edge("d", "c")],
  );

  it("keeps the chosen nodes, in the graph's order, and only the edges between them", () => {
    const part = subgraph(g, ["c", "b", "a"]);
    expect(part.nodes.map((n) => n.id)).toEqual(["a", "b", "c"]);
    expect(part.edges.map((e) => e.id)).toEqual(["a-b", "b-c"]);
  });

  it("gives one node alone with no edges, ignores unknown ids, and leaves the graph untouched", () => {
    const part = subgraph(g, new Set(["c", "ghost"]));
    expect(part).toEqual({ nodes: [g.nodes[2]], edges: [] });
    expect(g.nodes).toHaveLength(4);
    expect(g.edges).toHaveLength(4);
  });
});

describe("runWorkflow with seed outputs", () => {
  const run = (
    nodes: unknown[],
    edges: unknown[],
    seedOutputs?: Record<string, unknown>,
    only?: string[],
  ) => {
    const full = graph(nodes, edges);
    const scopes: Record<string, RunScope> = {};
    const deps = testDeps();
    return {
      scopes,
      outcome: runWorkflow({
        graph: only ? subgraph(full, only) : full,
        input: { name: "Ada" },
        runner: memoryRunner(),
        seedOutputs,
        runNode: (n: WorkflowNode, scope: RunScope) => {
          scopes[n.id] = scope;
          return executeNode({ node: n, scope, deps, runId: "run_1", attempt: 0 });
        },
      }),
    };
  };

  it("runs one node alone against a seeded upstream output", async () => {
    const { outcome, scopes } = run(
      [text("fetch", "real"), text("greet", "{{ nodes.fetch.text }}, {{ input.name }}")],
      [edge("fetch", "greet")],
      { fetch: { text: "seeded" } },
      ["greet"],
    );
    expect(await outcome).toEqual({
      status: "succeeded",
      outputs: { greet: { text: "seeded, Ada" } },
      skipped: [],
      output: { text: "seeded, Ada" },
      failedNodes: [],
    });
    expect(scopes.greet?.nodes).toEqual({ fetch: { text: "seeded" } });
    expect(scopes.fetch).toBeUndefined();
  });

  it("shows seeds to every node, and a completed ancestor wins over a seed with its id", async () => {
    const { outcome, scopes } = run(
      [text("a", "real a"), text("b", "{{ nodes.a.text }} / {{ nodes.extra }}")],
      [edge("a", "b")],
      { a: { text: "stale seed" }, extra: "from outside" },
    );
    expect(await outcome).toMatchObject({ status: "succeeded", output: { text: "real a / from outside" } });
    expect(scopes.a?.nodes).toEqual({ a: { text: "stale seed" }, extra: "from outside" });
    expect(scopes.b?.nodes).toEqual({ a: { text: "real a" }, extra: "from outside" });
  });
});
