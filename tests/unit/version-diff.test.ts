import { describe, expect, it } from "vitest";
import { diffVersions, edgeKey, isEmptyDiff } from "@/components/workflows/version-diff";
import { edge, node } from "../fixtures/graphs";

type TestNode = ReturnType<typeof node> & { data: { settings?: unknown } };

const version = (nodes: TestNode[], edges: ReturnType<typeof edge>[], inputSchema: unknown = null) => ({
  graph: { nodes, edges },
  inputSchema,
});

describe("diffVersions", () => {
  it("finds nothing between equal versions, whatever the key order and the layout", () => {
    const a = version(
      [node("a", "http", { method: "GET", url: "https://x", headers: { b: "1", a: "2" } })],
      [],
    );
    const moved = node("a", "http", { url: "https://x", headers: { a: "2", b: "1" }, method: "GET" });
    moved.position = { x: 300, y: 40 };
    const diff = diffVersions(a, version([moved], []));
    expect(isEmptyDiff(diff)).toBe(true);
  });

  it("names added, removed and changed nodes with the config keys that changed", () => {
    const from = version(
      [
        node("start", "text", { template: "hi" }),
        node("fetch", "http", { method: "GET", url: "https://a", timeoutMs: 5000 }),
        node("gone", "delay", { duration: "1m" }),
      ],
      [edge("start", "fetch"), edge("fetch", "gone")],
    );
    const fetchV2 = node("fetch", "http", { method: "POST", url: "https://a", body: "{}" });
    const to = version(
      [
        node("start", "text", { template: "hi" }),
        fetchV2,
        node("check", "condition", { expression: "true" }),
      ],
      [edge("start", "fetch"), edge("fetch", "check"), edge("check", "start", "true")],
    );
    const diff = diffVersions(from, to);
    expect(diff.nodes.added.map((n) => n.id)).toEqual(["check"]);
    expect(diff.nodes.removed.map((n) => n.id)).toEqual(["gone"]);
    expect(diff.nodes.changed).toEqual([
      {
        id: "fetch",
        labelChanged: false,
        settingsChanged: false,
        configKeys: ["body", "method", "timeoutMs"],
      },
    ]);
    expect(diff.edges).toEqual({ added: ["fetch → check", "check:true → start"], removed: ["fetch → gone"] });
    expect(diff.inputSchemaChanged).toBe(false);
    expect(isEmptyDiff(diff)).toBe(false);
  });

  it("reports a type change, a label change, settings and the input schema", () => {
    const renamed = node("step", "transform", { expression: "1" });
    renamed.data.label = "Step";
    const withSettings: TestNode = node("other", "text", { template: "x" });
    const from = version(
      [node("step", "text", { template: "1" }), node("other", "text", { template: "x" })],
      [],
      {
        type: "object",
      },
    );
    const to = version(
      [renamed, { ...withSettings, data: { ...withSettings.data, settings: { retries: 2 } } }],
      [],
      null,
    );
    const diff = diffVersions(from, to);
    expect(diff.nodes.changed).toEqual([
      {
        id: "step",
        type: { from: "text", to: "transform" },
        labelChanged: true,
        settingsChanged: false,
        configKeys: ["expression", "template"],
      },
      { id: "other", labelChanged: false, settingsChanged: true, configKeys: [] },
    ]);
    expect(diff.inputSchemaChanged).toBe(true);
  });

  it("identifies edges by what they connect, not by their ids", () => {
    const a = { ...edge("x", "y"), id: "e1" };
    const b = { ...edge("x", "y"), id: "xy-edge-42" };
    const nodes = [node("x", "text", { template: "" }), node("y", "text", { template: "" })];
    expect(isEmptyDiff(diffVersions(version(nodes, [a]), version(nodes, [b])))).toBe(true);
    expect(edgeKey({ source: "c", target: "d", sourceHandle: "false" })).toBe("c:false → d");
  });
});
