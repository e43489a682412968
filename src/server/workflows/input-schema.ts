import { z } from "zod";
import { LinearRegExp } from "@/engine";
import type { ErrorIssue } from "@/lib/errors";
import { zodIssues } from "@/lib/zod-issues";

/**
 * A workflow's input schema (JSON Schema), compiled once per use. zod checks the
 * structure; `pattern`s are taken out and matched with a linear-time engine,
 * because a pattern like `(a+)+$` on V8's engine lets one request stall the
 * server. Patterns are supported on object properties, which is where input
 * schemas use them; anywhere else the schema is refused when it is saved.
 */
export type CompiledInputSchema = { validate: (input: unknown) => ErrorIssue[] };

type PatternRule = { path: string[]; regex: LinearRegExp; source: string };

export class InputSchemaError extends Error {}

export function compileInputSchema(schema: Record<string, unknown>): CompiledInputSchema {
  if (schema.type !== undefined && schema.type !== "object") {
    throw new InputSchemaError('the run input is an object, so the schema\'s "type" must be "object"');
  }
  const rules: PatternRule[] = [];
  const stripped = stripPatterns(schema, [], rules, true);
  let zodSchema: z.ZodType;
  try {
    zodSchema = z.fromJSONSchema(stripped as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (error) {
    throw new InputSchemaError((error as Error).message);
  }
  return {
    validate(input) {
      const result = zodSchema.safeParse(input);
      if (!result.success) return zodIssues(result.error, ["body", "input"]);
      return rules.flatMap((rule) => {
        const value = valueAt(input, rule.path);
        if (typeof value !== "string") return [];
        rule.regex.lastIndex = 0;
        if (rule.regex.test(value)) return [];
        return [
          {
            path: ["body", "input", ...rule.path],
            message: `must match the pattern ${rule.source}`,
            code: "invalid_format",
          },
        ];
      });
    },
  };
}

function stripPatterns(
  node: unknown,
  path: string[],
  rules: PatternRule[],
  onPropertyPath: boolean,
): unknown {
  if (Array.isArray(node)) return node.map((item) => stripPatterns(item, path, rules, false));
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "patternProperties")
      throw new InputSchemaError("patternProperties is not supported in input schemas");
    if (key === "pattern") {
      if (!onPropertyPath || typeof value !== "string") {
        throw new InputSchemaError(
          `"pattern" is supported on object properties only (found at ${path.join(".") || "the root"})`,
        );
      }
      try {
        rules.push({ path, regex: new LinearRegExp(value), source: value });
      } catch (error) {
        throw new InputSchemaError((error as Error).message);
      }
      continue;
    }
    if (key === "properties" && value && typeof value === "object" && onPropertyPath) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, child]) => [
          name,
          stripPatterns(child, [...path, name], rules, true),
        ]),
      );
      continue;
    }
    out[key] = stripPatterns(value, path, rules, false);
  }
  return out;
}

function valueAt(input: unknown, path: string[]): unknown {
  let current = input;
  for (const key of path) {
    if (!current || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
