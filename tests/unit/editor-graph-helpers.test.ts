import type { Edge, Node } from "@xyflow/react";
import { describe, expect, it } from "vitest";
import { copySelection, pasteClipboard } from "@/components/editor/clipboard";
import { emptyHistory, HISTORY_LIMIT, record, redo, undo } from "@/components/editor/graph-history";
import { nextEdgeId, nextNodeId, renameProblem } from "@/components/editor/node-ids";
import { toSavedGraph } from "@/components/editor/saved-graph";

describe("node and edge ids", () => {
  it("derives a node id from the type, skipping the ones in use", () => {
    expect(nextNodeId("http", new Set())).toBe("http_1");
    expect(nextNodeId("http", new Set(["http_1", "http_2"]))).toBe("http_3");
    expect(nextNodeId("a b.c", new Set())).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it("numbers a second edge between the same nodes", () => {
    expect(nextEdgeId("a", "b", new Set())).toBe("a-b");
    expect(nextEdgeId("a", "b", new Set(["a-b"]))).toBe("a-b-2");
  });

  it("refuses a rename to a bad or taken id", () => {
    const taken = new Set(["a", "b"]);
    expect(renameProblem("c", "a", taken)).toBeNull();
    expect(renameProblem("a", "a", taken)).toBeNull();
    expect(renameProblem("b", "a", taken)).toMatch(/already/);
    expect(renameProblem("no spaces", "a", taken)).toMatch(/only letters/);
  });
});

describe("graph history", () => {
  it("undoes and redoes snapshots in order", () => {
    let history = record(emptyHistory<number>(), 1, undefined, 0);
    history = record(history, 2, undefined, 10);
    const back = undo(history, 3);
    expect(back?.snapshot).toBe(2);
    const backAgain = back && undo(back.history, 2);
    expect(backAgain?.snapshot).toBe(1);
    const forward = backAgain && redo(backAgain.history, 1);
    expect(forward?.snapshot).toBe(2);
    expect(undo(emptyHistory<number>(), 0)).toBeNull();
    expect(redo(emptyHistory<number>(), 0)).toBeNull();
  });

  it("drops the redo stack on a new change", () => {
    const history = record(emptyHistory<number>(), 1, undefined, 0);
    const back = undo(history, 2);
    expect(back && record(back.history, 1, undefined, 5).future).toEqual([]);
  });

  it("folds quick changes with the same key into one step", () => {
    let history = record(emptyHistory<number>(), 1, "data:a", 0);
    history = record(history, 2, "data:a", 300);
    history = record(history, 3, "data:b", 400);
    expect(history.past).toEqual([1, 3]);
    history = record(history, 4, "data:b", 5000);
    expect(history.past).toEqual([1, 3, 4]);
  });

  it("keeps at most the limit", () => {
    let history = emptyHistory<number>();
    for (let i = 0; i < HISTORY_LIMIT + 10; i++) history = record(history, i, undefined, i * 2000);
    expect(history.past).toHaveLength(HISTORY_LIMIT);
    expect(history.past[0]).toBe(10);
  });
});

const nodes: Node[] = [
  { id: "http_1", type: "http", position: { x: 0, y: 0 }, data: { label: "A" }, selected: true },
  { id: "text_1", type: "text", position: { x: 100, y: 0 }, data: { label: "B" }, selected: true },
  { id: "debug_1", type: "debug", position: { x: 200, y: 0 }, data: { label: "C" } },
];
const edges: Edge[] = [
  { id: "http_1-text_1", source: "http_1", target: "text_1", sourceHandle: "true" },
  { id: "text_1-debug_1", source: "text_1", target: "debug_1" },
];

describe("clipboard", () => {
  it("copies the selected nodes and only the edges between them", () => {
    const copied = copySelection(nodes, edges);
    expect(copied?.nodes.map((node) => node.id)).toEqual(["http_1", "text_1"]);
    expect(copied?.edges.map((edge) => edge.id)).toEqual(["http_1-text_1"]);
    expect(copySelection([{ ...nodes[2], selected: false } as Node], edges)).toBeNull();
  });

  it("pastes with new ids, re-pointed edges and shifted positions", () => {
    const copied = copySelection(nodes, edges);
    if (!copied) throw new Error("nothing copied");
    const pasted = pasteClipboard(
      copied,
      { nodeIds: new Set(nodes.map((node) => node.id)), edgeIds: new Set(edges.map((edge) => edge.id)) },
      40,
    );
    expect(pasted.nodes.map((node) => node.id)).toEqual(["http_2", "text_2"]);
    expect(pasted.nodes[0]?.position).toEqual({ x: 40, y: 40 });
    expect(pasted.nodes.every((node) => node.selected)).toBe(true);
    expect(pasted.edges).toEqual([
      expect.objectContaining({
        id: "http_2-text_2",
        source: "http_2",
        target: "text_2",
        sourceHandle: "true",
      }),
    ]);
    // The copy is deep: editing a pasted node's data leaves the original alone.
    expect(pasted.nodes[0]?.data).not.toBe(nodes[0]?.data);
  });
});

describe("saved graph", () => {
  it("keeps only what the drafts API stores", () => {
    const viewNodes: Node[] = [
      {
        id: "a",
        type: "text",
        position: { x: 10.4, y: 20.6 },
        data: { label: "A", config: { template: "hi" } },
        selected: true,
        dragging: false,
        measured: { width: 200, height: 64 },
        width: 200,
      },
    ];
    const viewEdges: Edge[] = [
      {
        id: "a-b",
        source: "a",
        target: "b",
        sourceHandle: null,
        targetHandle: null,
        selected: true,
        animated: true,
      },
      { id: "a-c", source: "a", target: "c", sourceHandle: "false", label: "no" },
    ];
    expect(toSavedGraph(viewNodes, viewEdges)).toEqual({
      nodes: [
        {
          id: "a",
          type: "text",
          position: { x: 10, y: 21 },
          data: { label: "A", config: { template: "hi" } },
        },
      ],
      edges: [
        { id: "a-b", source: "a", target: "b" },
        { id: "a-c", source: "a", target: "c", sourceHandle: "false", label: "no" },
      ],
    });
  });
});
