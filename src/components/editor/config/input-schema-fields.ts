import { isRecord } from "./schema-fields";

/*
 * The run-input JSON Schema as a flat list of top-level fields and back. Only what the list shows is
 * rewritten: every other key, at the root or on a property (formats, bounds, nested properties), is
 * carried through untouched, so switching between the list and the JSON view loses nothing.
 */

export const INPUT_FIELD_TYPES = ["string", "number", "integer", "boolean", "object", "array"] as const;
export type InputFieldType = (typeof INPUT_FIELD_TYPES)[number];

export type InputField = {
  name: string;
  type: InputFieldType;
  required: boolean;
  description: string;
  /** Allowed values of a string field; empty for any string. */
  enumValues: string[];
  /** The property's other keys, kept as they were. */
  extra: Record<string, unknown>;
};

export type InputSchemaList = {
  fields: InputField[];
  /** The root's keys other than type/properties/required. */
  rootExtra: Record<string, unknown>;
  /** Required names with no property (kept so the round trip is lossless). */
  orphanRequired: string[];
};

export type ListResult = { ok: true; list: InputSchemaList } | { ok: false; reason: string };

/** The list view of a schema, or why only the JSON view can show it. */
export function schemaToList(schema: Record<string, unknown>): ListResult {
  const { type, properties = {}, required = [], ...rootExtra } = schema;
  if (type !== "object") return { ok: false, reason: 'The root is not { "type": "object" }' };
  if (!isRecord(properties)) return { ok: false, reason: '"properties" is not an object' };
  if (!Array.isArray(required) || !required.every((name) => typeof name === "string")) {
    return { ok: false, reason: '"required" is not a list of names' };
  }
  const fields: InputField[] = [];
  for (const [name, property] of Object.entries(properties)) {
    const field = propertyToField(name, property, required.includes(name));
    if (field === null) return { ok: false, reason: `The field "${name}" needs the JSON view` };
    fields.push(field);
  }
  const names = new Set(Object.keys(properties));
  return {
    ok: true,
    list: { fields, rootExtra, orphanRequired: required.filter((name) => !names.has(name)) },
  };
}

function propertyToField(name: string, property: unknown, required: boolean): InputField | null {
  if (!isRecord(property)) return null;
  const { type, description, enum: values, ...extra } = property;
  if (typeof type !== "string" || !(INPUT_FIELD_TYPES as readonly string[]).includes(type)) return null;
  if (description !== undefined && typeof description !== "string") return null;
  let enumValues: string[] = [];
  if (values !== undefined) {
    // Comma-separated in the list view: anything that would not survive that stays in `extra`.
    const simple =
      type === "string" &&
      Array.isArray(values) &&
      values.every((item) => typeof item === "string" && item !== "" && !item.includes(","));
    if (simple) enumValues = values as string[];
    else extra.enum = values;
  }
  return {
    name,
    type: type as InputFieldType,
    required,
    description: description ?? "",
    enumValues,
    extra,
  };
}

/** The schema of a list. A later field wins a duplicate name; unnamed fields are left out. */
export function listToSchema(list: InputSchemaList): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const field of list.fields) {
    if (field.name === "") continue;
    const property: Record<string, unknown> = { type: field.type };
    if (field.description !== "") property.description = field.description;
    if (field.type === "string" && field.enumValues.length > 0) property.enum = [...field.enumValues];
    Object.assign(property, field.extra);
    properties[field.name] = property;
    if (field.required && !required.includes(field.name)) required.push(field.name);
  }
  for (const name of list.orphanRequired) if (!required.includes(name)) required.push(name);
  const schema: Record<string, unknown> = { type: "object", properties };
  if (required.length > 0) schema.required = required;
  return { ...schema, ...list.rootExtra };
}

/** Problems the list can point at: names missing or used twice. Keyed by field index. */
export function listProblems(list: InputSchemaList): Map<number, string> {
  const problems = new Map<number, string>();
  const seen = new Map<string, number>();
  list.fields.forEach((field, index) => {
    if (field.name.trim() === "") problems.set(index, "Name is required");
    else if (seen.has(field.name)) problems.set(index, `"${field.name}" is used twice`);
    seen.set(field.name, index);
  });
  return problems;
}

/** "a, b ,c" → ["a","b","c"]. */
export function parseEnumText(text: string): string[] {
  return text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/** A new field with a name the list does not use yet. */
export function newField(list: InputSchemaList): InputField {
  const names = new Set(list.fields.map((field) => field.name));
  let index = list.fields.length + 1;
  while (names.has(`field${index}`)) index++;
  return {
    name: `field${index}`,
    type: "string",
    required: false,
    description: "",
    enumValues: [],
    extra: {},
  };
}

/** Parses the JSON view: null for empty text or `null` (no schema), else an object schema. */
export function parseSchemaText(
  text: string,
): { ok: true; value: Record<string, unknown> | null } | { ok: false; error: string } {
  if (text.trim() === "") return { ok: true, value: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (thrown) {
    return { ok: false, error: `Invalid JSON: ${thrown instanceof Error ? thrown.message : String(thrown)}` };
  }
  if (parsed === null) return { ok: true, value: null };
  if (!isRecord(parsed)) return { ok: false, error: "The schema must be a JSON object" };
  return { ok: true, value: parsed };
}
