import { describe, expect, it } from "vitest";
import { GRAPH_LIMITS, type GraphIssue, NODE_TYPES, validateGraph } from "@/engine";
import { edge, node } from "./fixtures";

function issuesOf(raw: unknown): GraphIssue[] {
  const result = validateGraph(raw);
  if (result.ok) throw new Error("expected the graph to be rejected");
  return result.issues;
}

describe("validateGraph", () => {
  it("accepts an xyflow graph, strips xyflow extras, keeps extra data keys and applies config defaults", () => {
    const result = validateGraph({
      nodes: [
        { ...node("fetch", "http", { url: "https://api.example.com/x" }), width: 120, selected: true },
        { id: "show", type: "debug", data: { config: {}, label: "Show", color: "red" } },
      ],
      edges: [{ ...edge("fetch", "show"), animated: true }],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [fetch, show] = result.graph.nodes;
    expect(fetch).not.toHaveProperty("width");
    expect(fetch?.type === "http" && fetch.data.config).toEqual({
      method: "GET",
      url: "https://api.example.com/x",
      timeoutMs: 10_000,
      failOnHttpError: true,
    });
    expect(show?.position).toEqual({ x: 0, y: 0 });
    expect(show?.data).toMatchObject({ label: "Show", color: "red" });
    expect(result.graph.edges[0]).not.toHaveProperty("animated");
  });

  it("invalid_shape: names the graph, the node index or the node id and the field", () => {
    expect(issuesOf(null)[0]).toMatchObject({ code: "invalid_shape", path: [] });
    expect(issuesOf({ nodes: [] })[0]).toMatchObject({ code: "invalid_shape", path: ["edges"] });

    const [badId] = issuesOf({ nodes: [node("has space", "text")], edges: [] });
    expect(badId).toMatchObject({
      code: "invalid_shape",
      nodeId: "has space",
      field: "id",
      path: ["nodes", 0, "id"],
    });
    expect(badId?.message).toBe('Node "has space": id: Node id may only contain letters, digits, _ and -');

    const [noId] = issuesOf({ nodes: [{ type: "text", data: { config: { template: "" } } }], edges: [] });
    expect(noId?.message).toMatch(/^nodes\[0\]: id: /);

    const [badEdge] = issuesOf({ nodes: [node("a", "text")], edges: [{ id: "e1", source: "a" }] });
    expect(badEdge).toMatchObject({ code: "invalid_shape", path: ["edges", 0, "target"], field: "target" });
    expect(badEdge?.message).toMatch(/^edges\[0\]: target: /);
  });

  it("duplicate_id: for nodes and for edges, with both positions", () => {
    const issues = issuesOf({
      nodes: [node("a", "text"), node("b", "text"), node("a", "text")],
      edges: [edge("a", "b"), { ...edge("a", "b") }],
    });
    expect(issues).toContainEqual(
      expect.objectContaining({
        code: "duplicate_id",
        nodeId: "a",
        message: 'Duplicate node id "a" (nodes[0] and nodes[2])',
        path: ["nodes", 2, "id"],
      }),
    );
    expect(issues).toContainEqual(
      expect.objectContaining({
        code: "duplicate_id",
        edgeId: "a-b",
        message: 'Duplicate edge id "a-b" (edges[0] and edges[1])',
      }),
    );
  });

  it("unknown_type: names the node and the type", () => {
    const [issue] = issuesOf({ nodes: [node("llm", "openai", {})], edges: [] });
    expect(issue).toMatchObject({
      code: "unknown_type",
      nodeId: "llm",
      field: "type",
      path: ["nodes", 0, "type"],
    });
    expect(issue?.message).toBe(
      `Node "llm": unknown type "openai" (expected one of ${NODE_TYPES.join(", ")})`,
    );
  });

  it("invalid_config: names the node and the config field with zod's message", () => {
    const issues = issuesOf({
      nodes: [
        node("fetch", "http", { method: "GET", url: "not a url" }),
        node("ftp", "http", { url: "ftp://example.com/{{ input.path }}" }),
        node("post", "http", { method: "GET", url: "https://x.test", body: "{}" }),
        node("hdr", "http", { url: "https://x.test", headers: { "bad header": "v" } }),
        node("slow", "http", { url: "https://x.test", timeoutMs: 120_000 }),
        node("calc", "transform", { expression: "input.a +" }),
        node("greet", "text", { template: "Hi {{ input.name " }),
        node("wait", "delay", { duration: "8d" }),
        node("later", "delay", { duration: "soon" }),
        { id: "noconfig", type: "text", data: {} },
      ],
      edges: [],
    });
    const byNode = (id: string) => issues.filter((issue) => issue.nodeId === id);
    expect(issues.every((issue) => issue.code === "invalid_config")).toBe(true);

    expect(byNode("fetch")[0]).toMatchObject({
      field: "config.url",
      path: ["nodes", 0, "data", "config", "url"],
      message: 'Node "fetch": config.url: Invalid URL',
    });
    expect(byNode("ftp")[0]?.message).toBe('Node "ftp": config.url: URL must use http: or https:');
    expect(byNode("post")[0]?.message).toBe('Node "post": config.body: A GET request cannot have a body');
    expect(byNode("hdr")[0]?.message).toMatch(
      /^Node "hdr": config\.headers\.bad header: Invalid header name/,
    );
    expect(byNode("slow")[0]?.field).toBe("config.timeoutMs");
    expect(byNode("calc")[0]?.message).toBe(
      'Node "calc": config.expression: Unexpected end of expression (at position 9)',
    );
    expect(byNode("greet")[0]?.message).toBe('Node "greet": config.template: Unclosed "{{" at position 3');
    expect(byNode("wait")[0]?.message).toBe('Node "wait": config.duration: Duration must be at most 7 days');
    expect(byNode("later")[0]?.message).toMatch(/^Node "later": config\.duration: Invalid duration "soon"/);
    expect(byNode("noconfig")[0]?.message).toBe(
      'Node "noconfig": config: Invalid input: expected object, received undefined',
    );
  });

  it("dangling_edge: names the edge, which end, and the missing node", () => {
    const issues = issuesOf({ nodes: [node("a", "text")], edges: [edge("a", "ghost"), edge("nobody", "a")] });
    expect(issues).toEqual([
      expect.objectContaining({
        code: "dangling_edge",
        edgeId: "a-ghost",
        field: "target",
        path: ["edges", 0, "target"],
        message: 'Edge "a-ghost": target node "ghost" does not exist',
      }),
      expect.objectContaining({
        code: "dangling_edge",
        edgeId: "nobody-a",
        field: "source",
        message: 'Edge "nobody-a": source node "nobody" does not exist',
      }),
    ]);
  });

  it("does not report edges to a node with a bad config as dangling", () => {
    const issues = issuesOf({
      nodes: [node("a", "text"), node("b", "http", { url: "nope" })],
      edges: [edge("a", "b")],
    });
    expect(issues.map((issue) => issue.code)).toEqual(["invalid_config"]);
  });

  it("does not report edges to a node with a bad shape as dangling", () => {
    const issues = issuesOf({
      nodes: [node("a", "text"), { ...node("b", "text"), position: "top" }],
      edges: [edge("a", "b")],
    });
    expect(issues).toEqual([
      expect.objectContaining({
        code: "invalid_shape",
        nodeId: "b",
        field: "position",
        path: ["nodes", 1, "position"],
      }),
    ]);
  });

  it("reports an empty http url once", () => {
    expect(issuesOf({ nodes: [node("h", "http", { url: "" })], edges: [] })).toEqual([
      expect.objectContaining({ message: 'Node "h": config.url: URL is required' }),
    ]);
  });

  it("cycle: reports the loop with its path, one per independent cycle, and self-loops", () => {
    const issues = issuesOf({
      nodes: ["a", "b", "c", "x", "y", "s", "root"].map((id) => node(id, "text")),
      edges: [
        edge("root", "a"),
        edge("a", "b"),
        edge("b", "c"),
        edge("c", "a"),
        edge("x", "y"),
        edge("y", "x"),
        edge("s", "s"),
      ],
    });
    expect(issues).toEqual([
      expect.objectContaining({
        code: "cycle",
        cyclePath: ["a", "b", "c", "a"],
        message: "Cycle detected: a → b → c → a",
      }),
      expect.objectContaining({ code: "cycle", cyclePath: ["s", "s"], message: "Cycle detected: s → s" }),
      expect.objectContaining({ code: "cycle", cyclePath: ["x", "y", "x"], nodeId: "x" }),
    ]);
  });

  it("cycle: picks the shortest loop through the component", () => {
    const issues = issuesOf({
      nodes: ["a", "b", "c", "d"].map((id) => node(id, "text")),
      edges: [edge("a", "b"), edge("b", "c"), edge("c", "d"), edge("d", "a"), edge("b", "a")],
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.cyclePath).toEqual(["a", "b", "a"]);
  });

  it("invalid_handle: edges out of a condition must be 'true' or 'false'", () => {
    const issues = issuesOf({
      nodes: [node("check", "condition"), node("yes", "text"), node("no", "text"), node("maybe", "text")],
      edges: [edge("check", "yes", "true"), edge("check", "no"), edge("check", "maybe", "yes")],
    });
    expect(issues).toEqual([
      expect.objectContaining({
        code: "invalid_handle",
        edgeId: "check-no",
        nodeId: "check",
        field: "sourceHandle",
        message:
          'Edge "check-no": edges leaving condition node "check" must use sourceHandle "true" or "false" (got none)',
      }),
      expect.objectContaining({
        code: "invalid_handle",
        edgeId: "check-maybe-yes",
        message: expect.stringContaining('(got "yes")'),
      }),
    ]);
  });

  it("too_many_nodes and too_many_edges: report the count and the limit", () => {
    const nodes = Array.from({ length: GRAPH_LIMITS.maxNodes + 1 }, (_, i) => node(`n${i}`, "debug", {}));
    expect(issuesOf({ nodes, edges: [] })).toContainEqual(
      expect.objectContaining({ code: "too_many_nodes", message: "Graph has 201 nodes; the limit is 200" }),
    );

    const few = Array.from({ length: 50 }, (_, i) => node(`n${i}`, "debug", {}));
    const edges = [];
    for (let i = 0; i < 50; i++)
      for (let j = i + 1; j < 50; j++) edges.push({ id: `${i}.${j}`, source: `n${i}`, target: `n${j}` });
    const issues = issuesOf({ nodes: few, edges: edges.slice(0, GRAPH_LIMITS.maxEdges + 1) });
    expect(issues).toEqual([
      expect.objectContaining({ code: "too_many_edges", message: "Graph has 1001 edges; the limit is 1000" }),
    ]);
  });

  it("too_large: reports the serialized size and stops there", () => {
    const issues = issuesOf({
      nodes: [node("big", "text", { template: "x".repeat(300 * 1024) })],
      edges: [],
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: "too_large" });
    expect(issues[0]?.message).toMatch(/^Graph is \d+ bytes when serialized; the limit is 262144$/);
  });

  it("empty_graph: unless allowEmpty", () => {
    expect(issuesOf({ nodes: [], edges: [] })).toEqual([
      expect.objectContaining({ code: "empty_graph", message: "Graph has no nodes" }),
    ]);
    expect(validateGraph({ nodes: [], edges: [] }, { allowEmpty: true })).toEqual({
      ok: true,
      graph: { nodes: [], edges: [] },
    });
  });

  it("reports every problem at once", () => {
    const issues = issuesOf({
      nodes: [
        node("a", "text"),
        node("a", "text"),
        node("b", "mystery", {}),
        node("c", "transform", { expression: "(" }),
      ],
      edges: [edge("a", "zzz"), edge("c", "c")],
    });
    expect(issues.map((issue) => issue.code).sort()).toEqual([
      "cycle",
      "dangling_edge",
      "duplicate_id",
      "invalid_config",
      "unknown_type",
    ]);
  });
});
