import { describe, expect, it } from "vitest";
import { firstFreeOutput } from "@/components/editor/use-editor-graph";
import { NODE_CATALOG } from "@/engine/catalog";

describe("the output a new node hangs from", () => {
  const branches = NODE_CATALOG.condition.outputs;

  it("takes a condition's branches in turn: true, then false", () => {
    expect(firstFreeOutput(branches, [], "check")?.id).toBe("true");
    const afterTrue = [{ source: "check", sourceHandle: "true" }];
    expect(firstFreeOutput(branches, afterTrue, "check")?.id).toBe("false");
  });

  it("falls back to the first branch when all lead somewhere, and ignores other nodes' edges", () => {
    const both = [
      { source: "check", sourceHandle: "true" },
      { source: "check", sourceHandle: "false" },
      { source: "other", sourceHandle: null },
    ];
    expect(firstFreeOutput(branches, both, "check")?.id).toBe("true");
    expect(firstFreeOutput(NODE_CATALOG.text.outputs, both, "other")?.id).toBe(null);
  });
});
