/**
 * A run input that a workflow's input schema accepts, for copy-paste snippets: each
 * required property gets its schema's `default`, first `examples` entry or first
 * `enum` value, else a value of its type. Not a validator: an input the schema
 * constrains further (patterns, lengths beyond 1) may still need editing.
 */
export function exampleInputFor(schema: Record<string, unknown> | null | undefined): Record<string, unknown> {
  const properties = (schema?.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = Array.isArray(schema?.required) ? (schema.required as string[]) : [];
  const input: Record<string, unknown> = {};
  for (const name of required) input[name] = exampleValue(name, properties[name] ?? {});
  return input;
}

function exampleValue(name: string, property: Record<string, unknown>): unknown {
  if (property.default !== undefined) return property.default;
  if (Array.isArray(property.examples) && property.examples.length > 0) return property.examples[0];
  if (Array.isArray(property.enum) && property.enum.length > 0) return property.enum[0];
  switch (property.type) {
    case "number":
    case "integer":
      return typeof property.minimum === "number" ? property.minimum : 1;
    case "boolean":
      return true;
    case "array":
      return [];
    case "object":
      return exampleInputFor(property);
    default:
      return name;
  }
}
