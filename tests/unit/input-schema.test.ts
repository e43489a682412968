import { describe, expect, it } from "vitest";
import { compileInputSchema, InputSchemaError } from "@/server/workflows/input-schema";

describe("workflow input schemas", () => {
  const schema = compileInputSchema({
    type: "object",
    properties: {
      email: { type: "string", pattern: "^[^@]+@[^@]+$" },
      profile: { type: "object", properties: { handle: { type: "string", pattern: "^[a-z]+$" } } },
      age: { type: "integer", minimum: 0 },
    },
    required: ["email"],
  });

  it("accepts matching input and names the field of each problem", () => {
    expect(schema.validate({ email: "ada@example.com", profile: { handle: "ada" }, age: 36 })).toEqual([]);
    expect(schema.validate({ email: "nope" })[0]).toMatchObject({ path: ["body", "input", "email"] });
    expect(schema.validate({ email: "a@b", profile: { handle: "ADA" } })[0]).toMatchObject({
      path: ["body", "input", "profile", "handle"],
    });
    expect(schema.validate({ email: "a@b", age: -1 })[0]?.path).toEqual(["body", "input", "age"]);
    expect(schema.validate({})[0]?.path).toEqual(["body", "input", "email"]);
  });

  it("matches a catastrophic-backtracking pattern in linear time", () => {
    const redos = compileInputSchema({
      type: "object",
      properties: { x: { type: "string", pattern: "(a+)+$" } },
    });
    const started = performance.now();
    // The classic attack string: no match, found without backtracking.
    expect(redos.validate({ x: `${"a".repeat(10_000)}!` })).toHaveLength(1);
    expect(redos.validate({ x: "a".repeat(10_000) })).toEqual([]);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("refuses schemas it cannot check safely or that cannot describe an object", () => {
    expect(() => compileInputSchema({ type: "string" })).toThrow(InputSchemaError);
    expect(() =>
      compileInputSchema({
        type: "object",
        properties: { tags: { type: "array", items: { pattern: "x" } } },
      }),
    ).toThrow(/properties only/);
    expect(() => compileInputSchema({ type: "object", patternProperties: { "^x": {} } })).toThrow(
      /patternProperties/,
    );
    expect(() => compileInputSchema({ type: "object", properties: { x: { pattern: "(a)\\1" } } })).toThrow(
      /not supported/,
    );
  });
});
