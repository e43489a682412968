import { describe, expect, it } from "vitest";
import { inputSchemaIssues, issueMessagesByNode, issuesByNode } from "@/components/editor/issues-by-node";

describe("draft issues per node", () => {
  const issues = [
    {
      path: ["body", "graph", "nodes", 3, "data", "config", "url"],
      message: "url is required",
      nodeId: "http_1",
      field: "config.url",
    },
    { path: ["body", "graph", "nodes", 3, "id"], message: "bad id", nodeId: "http_1" },
    {
      path: ["body", "graph", "edges", 0, "target"],
      message: "dangling edge",
      nodeId: "text_1",
      edgeId: "e1",
    },
    { path: ["body", "graph", "nodes"], message: "Graph has no nodes" },
    { path: ["body", "inputSchema"], message: "not a usable JSON Schema" },
    { path: ["body", "name"], message: "too long" },
  ];

  it("groups by node with paths relative to the node", () => {
    const byNode = issuesByNode(issues);
    expect(byNode.get("http_1")).toEqual([
      { path: ["data", "config", "url"], message: "url is required" },
      { path: ["id"], message: "bad id" },
    ]);
    // An edge's issue that names a node shows on the node without a field.
    expect(byNode.get("text_1")).toEqual([{ path: [], message: "dangling edge" }]);
    expect(byNode.size).toBe(2);
  });

  it("answers the messages for the cards", () => {
    expect(issueMessagesByNode(issuesByNode(issues)).get("http_1")).toEqual(["url is required", "bad id"]);
  });

  it("picks the input schema's issues relative to it", () => {
    expect(inputSchemaIssues(issues)).toEqual([{ path: [], message: "not a usable JSON Schema" }]);
  });

  it("puts a cycle's issue on every node of the cycle", () => {
    const byNode = issuesByNode([
      {
        path: ["body", "graph", "edges", 2],
        message: "Cycle detected: a → b → c → a",
        nodeId: "a",
        cyclePath: ["a", "b", "c", "a"],
      },
    ]);
    expect([...byNode.keys()].sort()).toEqual(["a", "b", "c"]);
    expect(byNode.get("b")).toEqual([{ path: [], message: "Cycle detected: a → b → c → a" }]);
  });
});
