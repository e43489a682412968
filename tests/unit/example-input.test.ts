import { describe, expect, it } from "vitest";
import { validateRunInput } from "@/server/runs/validate-run-input";
import { exampleInputFor } from "@/server/workflows/example-input";
import { exampleWorkflows } from "@/server/workflows/example-workflows";

describe("exampleInputFor", () => {
  it("fills each required property from its default, examples or enum, else by type", () => {
    const schema = {
      type: "object",
      properties: {
        topic: { type: "string", examples: ["tides"] },
        model: { type: "string", default: "llama3.2" },
        tone: { type: "string", enum: ["calm", "loud"] },
        count: { type: "integer", minimum: 2 },
        strict: { type: "boolean" },
        tags: { type: "array" },
        who: { type: "string" },
        optional: { type: "string" },
      },
      required: ["topic", "model", "tone", "count", "strict", "tags", "who"],
    };
    expect(exampleInputFor(schema)).toEqual({
      topic: "tides",
      model: "llama3.2",
      tone: "calm",
      count: 2,
      strict: true,
      tags: [],
      who: "who",
    });
    expect(exampleInputFor(null)).toEqual({});
  });

  it("gives every seeded example an input its own schema accepts", () => {
    for (const example of exampleWorkflows()) {
      const schema = example.body.inputSchema ?? null;
      expect(() => validateRunInput(exampleInputFor(schema), schema, 256 * 1024), example.id).not.toThrow();
    }
  });
});
