import { describe, expect, it } from "vitest";
import {
  type InputSchemaList,
  listProblems,
  listToSchema,
  newField,
  parseEnumText,
  parseSchemaText,
  schemaToList,
} from "@/components/editor/config/input-schema-fields";

function listOf(schema: Record<string, unknown>): InputSchemaList {
  const result = schemaToList(schema);
  if (!result.ok) throw new Error(result.reason);
  return result.list;
}

describe("input schema list view", () => {
  const schema = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    title: "Signup",
    additionalProperties: false,
    properties: {
      email: { type: "string", format: "email", description: "Where to write", pattern: "^[^@]+@[^@]+$" },
      plan: { type: "string", enum: ["free", "pro"] },
      age: { type: "integer", minimum: 0 },
      profile: { type: "object", properties: { handle: { type: "string" } }, required: ["handle"] },
      tags: { type: "array", items: { type: "string" } },
      size: { type: "string", enum: ["a,b", "c"] },
    },
    required: ["email", "profile", "ghost"],
  };

  it("shows top-level fields and keeps every other key", () => {
    const list = listOf(schema);
    expect(list.fields.map((field) => [field.name, field.type, field.required])).toEqual([
      ["email", "string", true],
      ["plan", "string", false],
      ["age", "integer", false],
      ["profile", "object", true],
      ["tags", "array", false],
      ["size", "string", false],
    ]);
    expect(list.fields[0]).toMatchObject({
      description: "Where to write",
      extra: { format: "email", pattern: "^[^@]+@[^@]+$" },
    });
    expect(list.fields[1]?.enumValues).toEqual(["free", "pro"]);
    // A value with a comma cannot be edited as comma-separated text: it stays as it was.
    expect(list.fields[5]).toMatchObject({ enumValues: [], extra: { enum: ["a,b", "c"] } });
    expect(list.rootExtra).toEqual({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      title: "Signup",
      additionalProperties: false,
    });
  });

  it("round-trips without losing unknown keys, nested schemas or required names", () => {
    expect(listToSchema(listOf(schema))).toEqual(schema);
  });

  it("keeps unknown keys through edits of the fields it shows", () => {
    const list = listOf(schema);
    const edited: InputSchemaList = {
      ...list,
      fields: list.fields.map((field) =>
        field.name === "email" ? { ...field, name: "mail", required: false, description: "" } : field,
      ),
    };
    const next = listToSchema(edited) as { properties: Record<string, unknown>; required: string[] };
    expect(next.properties.mail).toEqual({ type: "string", format: "email", pattern: "^[^@]+@[^@]+$" });
    expect(next.properties.email).toBeUndefined();
    expect(next.properties.profile).toEqual(schema.properties.profile);
    expect(next.required).toEqual(["profile", "ghost"]);
    expect(next).toMatchObject({ title: "Signup", additionalProperties: false });
  });

  it("writes a minimal schema for a new field", () => {
    const empty: InputSchemaList = { fields: [], rootExtra: {}, orphanRequired: [] };
    const added = { ...empty, fields: [newField(empty)] };
    expect(listToSchema(added)).toEqual({ type: "object", properties: { field1: { type: "string" } } });
    const second = newField(added);
    expect(second.name).toBe("field2");
  });

  it("leaves enum values off non-string fields and unnamed fields out", () => {
    const list = listOf({ type: "object", properties: { a: { type: "string", enum: ["x"] } } });
    const field = list.fields[0];
    if (!field) throw new Error("no field");
    const asNumber = {
      ...list,
      fields: [
        { ...field, type: "number" as const },
        { ...field, name: "" },
      ],
    };
    expect(listToSchema(asNumber)).toEqual({ type: "object", properties: { a: { type: "number" } } });
  });

  it("sends schemas the list cannot show to the JSON view", () => {
    expect(schemaToList({ type: "array" })).toMatchObject({ ok: false });
    expect(schemaToList({ type: "object", properties: { a: { type: ["string", "null"] } } })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('"a"'),
    });
    expect(schemaToList({ type: "object", properties: { a: { anyOf: [{ type: "string" }] } } }).ok).toBe(
      false,
    );
    expect(schemaToList({ type: "object", properties: { a: true } }).ok).toBe(false);
  });

  it("names missing and repeated names", () => {
    const list = listOf({ type: "object", properties: { a: { type: "string" } } });
    const field = list.fields[0];
    if (!field) throw new Error("no field");
    const problems = listProblems({ ...list, fields: [field, { ...field }, { ...field, name: " " }] });
    expect([...problems]).toEqual([
      [1, '"a" is used twice'],
      [2, "Name is required"],
    ]);
  });

  it("parses enum text and the JSON view", () => {
    expect(parseEnumText(" free, pro ,, ")).toEqual(["free", "pro"]);
    expect(parseSchemaText("")).toEqual({ ok: true, value: null });
    expect(parseSchemaText("null")).toEqual({ ok: true, value: null });
    expect(parseSchemaText('{"type":"object"}')).toEqual({ ok: true, value: { type: "object" } });
    expect(parseSchemaText("[1]")).toEqual({ ok: false, error: "The schema must be a JSON object" });
    expect(parseSchemaText("{")).toMatchObject({ ok: false, error: expect.stringMatching(/^Invalid JSON/) });
  });
});
