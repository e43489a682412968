import { describe, expect, it } from "vitest";
// Only the browser's entry: the evaluator (and JSONata) is not loaded in this file's module graph.
import { NODE_CATALOG } from "../../../src/engine/catalog";

describe("the catalog as the browser loads it", () => {
  it("checks structure but leaves JSONata syntax to the server", () => {
    const schema = NODE_CATALOG.transform.configSchema;
    expect(schema.safeParse({ expression: "1 +" }).success).toBe(true);
    expect(schema.safeParse({ expression: " " }).success).toBe(false);
    expect(NODE_CATALOG.text.configSchema.safeParse({ template: "{{ unclosed" }).success).toBe(false);
  });
});
