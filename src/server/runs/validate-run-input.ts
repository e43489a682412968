import { AppError } from "@/lib/errors";
import { type CompiledInputSchema, compileInputSchema } from "../workflows/input-schema";

/**
 * Compiled input schemas by their JSON text: compiling (JSON Schema → zod) costs far more
 * than validating, and a workflow's schema only changes with a new version. Bounded: when
 * full it starts again.
 */
const compiled = new Map<string, CompiledInputSchema>();
const MAX_COMPILED = 500;

function compiledSchema(inputSchema: Record<string, unknown>): CompiledInputSchema {
  const text = JSON.stringify(inputSchema);
  let schema = compiled.get(text);
  if (!schema) {
    schema = compileInputSchema(inputSchema);
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(text, schema);
  }
  return schema;
}

/** Checks the run input against its size cap and the workflow's declared input schema. */
export function validateRunInput(
  input: Record<string, unknown>,
  inputSchema: Record<string, unknown> | null,
  maxBytes: number,
): void {
  const size = Buffer.byteLength(JSON.stringify(input));
  if (size > maxBytes) {
    throw new AppError("payload_too_large", `Run input is ${size} bytes; the limit is ${maxBytes}`);
  }
  if (!inputSchema) return;
  const issues = compiledSchema(inputSchema).validate(input);
  const first = issues[0];
  if (first) {
    throw new AppError(
      "validation_failed",
      `Invalid run input: ${first.path.slice(1).join(".")}: ${first.message}`,
      issues,
    );
  }
}
