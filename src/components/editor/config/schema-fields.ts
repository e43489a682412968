import { z } from "zod";

/*
 * Turns a node's zod config schema into form field descriptors, through zod's JSON Schema output (the
 * input side, so defaulted fields are optional). Refinements and transforms do not survive the
 * conversion, which is fine: the form only needs shapes, and validation runs on the zod schema itself.
 */

export type FieldKind =
  | "text"
  | "textarea"
  | "number"
  | "integer"
  | "text-or-number"
  | "boolean"
  | "select"
  | "json";

export type FieldDescriptor = {
  /** The config key. */
  name: string;
  /** The key humanised, for the visible label. */
  label: string;
  kind: FieldKind;
  required: boolean;
  description?: string;
  /** Choices of a `select`. */
  options?: readonly string[];
  /** The schema's default, applied by the server when the key is absent. */
  defaultValue?: unknown;
  min?: number;
  max?: number;
};

/** Field names whose values are templates, expressions or code: they get a multi-line input. */
const LONG_TEXT_NAMES = /^(template|body|prompt|system|expression|query|statement|message|value|input)$/i;

type JsonSchemaNode = Record<string, unknown>;

/** "timeoutMs" → "Timeout (ms)", "failOnHttpError" → "Fail on http error", "max_rows" → "Max rows". */
export function humanise(name: string): string {
  const unit = /^(.+[a-z0-9])Ms$/.exec(name);
  if (unit?.[1] !== undefined) return `${humanise(unit[1])} (ms)`;
  const words = name
    .replace(/[_-]+/g, " ")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The JSON Schema of a zod schema's input, or null when zod cannot convert it. */
export function inputJsonSchemaOf(schema: z.ZodType): JsonSchemaNode | null {
  try {
    return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchemaNode;
  } catch {
    return null;
  }
}

/**
 * The form fields of an object schema, in declaration order, plus a field for every key of `value` the
 * schema does not describe (so nothing the draft holds is hidden). Falls back to fields inferred from
 * `value` alone when the schema cannot be converted or is not an object schema.
 */
export function describeFields(schema: z.ZodType, value: Record<string, unknown> = {}): FieldDescriptor[] {
  const json = inputJsonSchemaOf(schema);
  const properties = json && isRecord(json.properties) ? json.properties : null;
  if (properties === null) return fieldsFromValue(value);
  const required = new Set(Array.isArray(json?.required) ? json.required.map(String) : []);
  const fields = Object.entries(properties).map(([name, node]) =>
    describeProperty(name, isRecord(node) ? node : {}, required.has(name)),
  );
  const known = new Set(fields.map((field) => field.name));
  return [...fields, ...fieldsFromValue(value).filter((field) => !known.has(field.name))];
}

/** One property's field. Unknown or composite shapes become a JSON field, never an error. */
export function describeProperty(name: string, node: JsonSchemaNode, required: boolean): FieldDescriptor {
  const base: FieldDescriptor = { name, label: humanise(name), kind: "json", required };
  if (typeof node.description === "string") base.description = node.description;
  if ("default" in node) base.defaultValue = node.default;
  if (typeof node.minimum === "number") base.min = node.minimum;
  if (typeof node.maximum === "number" && node.maximum < Number.MAX_SAFE_INTEGER) base.max = node.maximum;

  if (
    Array.isArray(node.enum) &&
    node.enum.length > 0 &&
    node.enum.every((item) => typeof item === "string")
  ) {
    return { ...base, kind: "select", options: node.enum as string[] };
  }
  const types = Array.isArray(node.type) ? node.type.map(String) : [node.type].filter(Boolean).map(String);
  const sorted = [...types].sort().join(",");
  if (sorted === "string") return { ...base, kind: isLongText(name, node) ? "textarea" : "text" };
  if (sorted === "integer") return { ...base, kind: "integer" };
  if (sorted === "number") return { ...base, kind: "number" };
  if (sorted === "integer,string" || sorted === "number,string") return { ...base, kind: "text-or-number" };
  if (sorted === "boolean") return { ...base, kind: "boolean" };
  return base;
}

function isLongText(name: string, node: JsonSchemaNode): boolean {
  if (LONG_TEXT_NAMES.test(name)) return true;
  return typeof node.default === "string" && (node.default.length > 60 || node.default.includes("\n"));
}

/** Fields guessed from a config's current values, for keys no schema describes. */
export function fieldsFromValue(value: Record<string, unknown>): FieldDescriptor[] {
  return Object.entries(value).map(([name, item]) => {
    const kind: FieldKind =
      typeof item === "string"
        ? LONG_TEXT_NAMES.test(name) || item.includes("\n")
          ? "textarea"
          : "text"
        : typeof item === "number"
          ? "number"
          : typeof item === "boolean"
            ? "boolean"
            : "json";
    return { name, label: humanise(name), kind, required: false };
  });
}

/** What an input shows for a config value. */
export function toInputText(field: FieldDescriptor, value: unknown): string {
  if (value === undefined || value === null) return "";
  if (field.kind === "json") return JSON.stringify(value, null, 2);
  return typeof value === "string" ? value : String(value);
}

export type Coerced = { value: unknown } | { remove: true } | { error: string };

/**
 * The config value for what was typed. Empty optional inputs remove the key (the schema's default then
 * applies); a required one keeps "" so the schema's own "is required" message shows. JSON that does not
 * parse is an error for the field, and the config keeps its previous value.
 */
export function fromInputText(field: FieldDescriptor, text: string): Coerced {
  if (text.trim() === "") {
    return field.required && (field.kind === "text" || field.kind === "textarea")
      ? { value: "" }
      : { remove: true };
  }
  switch (field.kind) {
    case "number":
    case "integer": {
      const number = Number(text);
      return Number.isFinite(number) ? { value: number } : { error: "Not a number" };
    }
    case "text-or-number": {
      // "30s" stays a string; "5000" is the number of milliseconds.
      const number = Number(text);
      return /^\s*-?\d+(\.\d+)?\s*$/.test(text) && Number.isFinite(number)
        ? { value: number }
        : { value: text };
    }
    case "json":
      try {
        return { value: JSON.parse(text) };
      } catch (thrown) {
        return { error: `Invalid JSON: ${thrown instanceof Error ? thrown.message : String(thrown)}` };
      }
    default:
      return { value: text };
  }
}

/** A copy of `record` with `key` set, or removed when `value` is undefined; never writes undefined. */
export function withKey(
  record: Record<string, unknown>,
  key: string,
  value: unknown,
): Record<string, unknown> {
  const next: Record<string, unknown> = {};
  // Spreading keeps the key's position when it is replaced, so the stored JSON does not reshuffle.
  for (const [name, item] of Object.entries({ ...record, [key]: value })) {
    if (item !== undefined) next[name] = item;
  }
  return next;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
