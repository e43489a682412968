import { checkExpressionSyntax, evaluateExpression, type RunScope } from "@/engine";
import { AppError } from "@/lib/errors";

/** Refuses a mapping JSONata cannot parse when it is saved, not when the first delivery arrives. */
export function assertMappingSyntax(mapping: string): void {
  const problem = checkExpressionSyntax(mapping);
  if (problem) {
    throw new AppError("validation_failed", `Invalid body: mapping: ${problem}`, [
      { path: ["body", "mapping"], message: problem, code: "invalid_expression" },
    ]);
  }
}

/**
 * The run input a delivery makes: the parsed body itself without a mapping, otherwise the
 * mapping's result over `{ body, headers }` (headers: only the endpoint's included ones). Evaluated
 * with the engine's bounds (time, depth, sequence size, no `$eval`), as the transform node does.
 * Either way the input must be a JSON object.
 */
export async function mapWebhookInput(
  mapping: string | null,
  source: { body: unknown; headers: Record<string, string> },
): Promise<Record<string, unknown>> {
  let input: unknown = source.body;
  if (mapping) {
    try {
      // The scope type names a run's fields; a mapping's scope is the delivery instead.
      input = await evaluateExpression(mapping, source as unknown as RunScope);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new AppError("validation_failed", `The endpoint's mapping failed: ${message}`, [
        { path: ["mapping"], message, code: "mapping_failed" },
      ]);
    }
  }
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    const what = mapping ? "The mapping's result" : "The body";
    throw new AppError("validation_failed", `${what} must be a JSON object, the run input`, [
      { path: [mapping ? "mapping" : "body"], message: "must be a JSON object", code: "not_an_object" },
    ]);
  }
  return input as Record<string, unknown>;
}
