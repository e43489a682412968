import { describe, expect, it } from "vitest";
import { BRANCH_HANDLES, NODE_CATALOG, NODE_TYPES, nodeRegistry, validateGraph } from "../../../src/engine";

describe("node catalog", () => {
  it("has one entry per node type, keyed by its type", () => {
    expect(Object.keys(NODE_CATALOG).sort()).toEqual([...NODE_TYPES].sort());
    for (const type of NODE_TYPES) expect(NODE_CATALOG[type].type).toBe(type);
  });

  it.each(NODE_TYPES)("%s: its default config is valid and the executor uses the same schema", (type) => {
    const entry = NODE_CATALOG[type];
    expect(entry.configSchema.safeParse(entry.defaultConfig).success).toBe(true);
    expect(nodeRegistry[type].configSchema).toBe(entry.configSchema);
    expect(entry.title).not.toBe("");
    expect(entry.description).not.toBe("");
    expect(entry.icon).toMatch(/^[a-z][a-z-]*$/);
  });

  it("branching nodes expose one output handle per branch; the rest one default input and output", () => {
    for (const type of NODE_TYPES) {
      const { inputs, outputs } = NODE_CATALOG[type];
      expect(inputs.map((handle) => handle.id)).toEqual([null]);
      expect(outputs.map((handle) => handle.id)).toEqual(BRANCH_HANDLES[type] ?? [null]);
    }
    expect(NODE_CATALOG.condition.outputs.map((handle) => handle.id)).toEqual(["true", "false"]);
    expect(NODE_CATALOG.approval.outputs.map((handle) => handle.id)).toEqual([
      "approved",
      "rejected",
      "timeout",
    ]);
  });

  it("the engine still rejects bad JSONata when validating (the catalog alone checks structure)", () => {
    const result = validateGraph({
      nodes: [
        { id: "t", type: "transform", position: { x: 0, y: 0 }, data: { config: { expression: "1 +" } } },
      ],
      edges: [],
    });
    expect(result.ok).toBe(false);
  });
});
