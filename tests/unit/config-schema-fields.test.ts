import { describe, expect, it } from "vitest";
import { z } from "zod";
import { nodeFormOf, SETTINGS_FIELDS } from "@/components/editor/config/node-form";
import {
  describeFields,
  type FieldDescriptor,
  fromInputText,
  humanise,
  inputJsonSchemaOf,
  toInputText,
  withKey,
} from "@/components/editor/config/schema-fields";
import { NODE_CATALOG, NODE_TYPES } from "@/engine/catalog";

const byName = (fields: FieldDescriptor[]) => new Map(fields.map((field) => [field.name, field]));

describe("config form fields", () => {
  it("gives the http node a required url input and a method select of the HTTP methods", () => {
    const fields = byName(nodeFormOf("http", NODE_CATALOG.http.defaultConfig).fields);
    expect(fields.get("url")).toMatchObject({ kind: "text", required: true, label: "Url" });
    expect(fields.get("method")).toMatchObject({
      kind: "select",
      options: ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"],
      required: false,
      defaultValue: "GET",
    });
    expect(fields.get("headers")?.kind).toBe("json");
    expect(fields.get("body")?.kind).toBe("textarea");
    expect(fields.get("timeoutMs")).toMatchObject({
      kind: "integer",
      label: "Timeout (ms)",
      min: 1,
      max: 60_000,
    });
    expect(fields.get("failOnHttpError")).toMatchObject({ kind: "boolean", defaultValue: true });
  });

  it("uses multi-line inputs for templates, expressions, prompts and SQL", () => {
    expect(byName(nodeFormOf("text", {}).fields).get("template")?.kind).toBe("textarea");
    expect(byName(nodeFormOf("transform", {}).fields).get("expression")?.kind).toBe("textarea");
    const llm = byName(nodeFormOf("llm", {}).fields);
    expect(llm.get("prompt")?.kind).toBe("textarea");
    expect(llm.get("system")?.kind).toBe("textarea");
    expect(llm.get("model")?.kind).toBe("text");
    expect(llm.get("temperature")?.kind).toBe("number");
    expect(llm.get("jsonSchema")?.kind).toBe("json");
    const sql = byName(nodeFormOf("sql", {}).fields);
    expect(sql.get("statement")?.kind).toBe("textarea");
    expect(sql.get("params")?.kind).toBe("json");
  });

  it("reads a duration as text or a number of milliseconds", () => {
    const duration = byName(nodeFormOf("delay", {}).fields).get("duration");
    expect(duration).toMatchObject({ kind: "text-or-number", required: true });
    if (!duration) throw new Error("no duration field");
    expect(fromInputText(duration, "30s")).toEqual({ value: "30s" });
    expect(fromInputText(duration, "5000")).toEqual({ value: 5000 });
  });

  it.each(NODE_TYPES)("turns %s's schema and default config into a form", (type) => {
    const entry = NODE_CATALOG[type];
    expect(inputJsonSchemaOf(entry.configSchema)).not.toBeNull();
    const defaults = entry.defaultConfig as Record<string, unknown>;
    const form = nodeFormOf(type, defaults);
    expect(form.fallback).toBe(false);
    expect(form.fields.length).toBeGreaterThan(0);
    const names = form.fields.map((field) => field.name);
    expect(new Set(names).size).toBe(names.length);
    // Every key of the default config has a field, and every value shows and reads back unchanged.
    for (const [key, value] of Object.entries(defaults)) {
      const field = form.fields.find((candidate) => candidate.name === key);
      expect(field, key).toBeDefined();
      if (!field) continue;
      if (field.kind === "boolean" || field.kind === "select") continue;
      expect(fromInputText(field, toInputText(field, value)), key).toEqual({ value });
    }
  });

  it("falls back to the config's own keys when the schema gives no properties", () => {
    const fields = describeFields(z.string(), { note: "hi", count: 2, on: true, extra: { a: 1 } });
    expect(fields.map((field) => [field.name, field.kind])).toEqual([
      ["note", "text"],
      ["count", "number"],
      ["on", "boolean"],
      ["extra", "json"],
    ]);
    expect(nodeFormOf("no-such-type", { a: "x" })).toMatchObject({ fallback: true, fields: [{ name: "a" }] });
  });

  it("shows config keys the schema does not describe", () => {
    const names = nodeFormOf("text", { template: "x", legacy: 1 }).fields.map((field) => field.name);
    expect(names).toEqual(["template", "legacy"]);
  });

  it("catches a schema zod cannot convert", () => {
    expect(inputJsonSchemaOf({} as z.ZodType)).toBeNull();
  });

  it("labels settings apart from config fields of the same name", () => {
    expect(SETTINGS_FIELDS.map((field) => [field.name, field.kind, field.label])).toEqual([
      ["retries", "integer", "Retries"],
      ["backoffMs", "integer", "Retry backoff (ms)"],
      ["timeoutMs", "integer", "Attempt timeout (ms)"],
      ["continueOnError", "boolean", "Continue on error"],
    ]);
  });

  it("humanises property names", () => {
    expect(humanise("failOnHttpError")).toBe("Fail on http error");
    expect(humanise("maxTokens")).toBe("Max tokens");
    expect(humanise("workflowId")).toBe("Workflow id");
    expect(humanise("max_rows")).toBe("Max rows");
    expect(humanise("URLPath")).toBe("Url path");
  });
});

describe("input coercion", () => {
  const text: FieldDescriptor = { name: "url", label: "Url", kind: "text", required: true };
  const optional: FieldDescriptor = { name: "body", label: "Body", kind: "textarea", required: false };
  const integer: FieldDescriptor = { name: "n", label: "N", kind: "integer", required: false };
  const json: FieldDescriptor = { name: "headers", label: "Headers", kind: "json", required: false };

  it("keeps an emptied required text as '' and removes an emptied optional key", () => {
    expect(fromInputText(text, "")).toEqual({ value: "" });
    expect(fromInputText(optional, "")).toEqual({ remove: true });
    expect(fromInputText(integer, "")).toEqual({ remove: true });
    expect(fromInputText(json, "  ")).toEqual({ remove: true });
  });

  it("parses numbers and JSON, and names what does not parse", () => {
    expect(fromInputText(integer, "42")).toEqual({ value: 42 });
    expect(fromInputText(integer, "4.5")).toEqual({ value: 4.5 }); // the schema says "integer", not the input
    expect(fromInputText(integer, "abc")).toEqual({ error: "Not a number" });
    expect(fromInputText(json, '{"A":"b"}')).toEqual({ value: { A: "b" } });
    expect(fromInputText(json, "{")).toMatchObject({ error: expect.stringMatching(/^Invalid JSON/) });
    expect(toInputText(json, { A: "b" })).toBe('{\n  "A": "b"\n}');
    expect(toInputText(integer, undefined)).toBe("");
  });

  it("writes no undefined keys and keeps key order on replace", () => {
    expect(withKey({ a: 1, b: 2 }, "a", 3)).toEqual({ a: 3, b: 2 });
    expect(Object.keys(withKey({ a: 1, b: 2 }, "a", 3))).toEqual(["a", "b"]);
    const removed = withKey({ a: 1, b: 2, c: undefined }, "a", undefined);
    expect(removed).toEqual({ b: 2 });
    expect(Object.keys(removed)).toEqual(["b"]);
  });
});
