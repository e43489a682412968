import jsonata from "jsonata";
import { ExpressionError, toExpressionError } from "./expression-error";
import { LinearRegExp } from "./linear-regex";
import type { RunScope } from "./run-scope";
import { setExpressionSyntaxCheck } from "./syntax-check";

/**
 * Bounds on a single evaluation. JSONata checks the clock and the depth on every sub-expression, so an
 * endless recursion stops at `timeoutMs`; `maxSequence` stops `[1..1e7]`-style allocations.
 */
export const EXPRESSION_LIMITS = {
  timeoutMs: 1000,
  maxDepth: 500,
  maxSequence: 100_000,
  maxLength: 10_000,
} as const;

/** Options for {@link evaluateExpression}; tests use a short timeout to exercise the bound quickly. */
export type EvaluateOptions = { timeoutMs?: number };

/**
 * Functions removed from the language. `$eval` would evaluate strings built at run time — for example
 * from an HTTP response — as expressions, which turns fetched data into code.
 */
const DISABLED_FUNCTIONS = ["eval"] as const;

function compile(expression: string, timeoutMs: number): jsonata.Expression {
  if (expression.length > EXPRESSION_LIMITS.maxLength) {
    throw new ExpressionError(`Expression is longer than ${EXPRESSION_LIMITS.maxLength} characters`, {
      code: "too_long",
      expression,
    });
  }
  let compiled: jsonata.Expression;
  try {
    compiled = jsonata(expression, {
      timeout: timeoutMs,
      stack: EXPRESSION_LIMITS.maxDepth,
      sequence: EXPRESSION_LIMITS.maxSequence,
      // Linear-time matching: a user's regex must not be able to stall the process.
      RegexEngine: LinearRegExp as unknown as RegExpConstructor,
    });
  } catch (thrown) {
    throw toExpressionError(thrown, expression);
  }
  for (const name of DISABLED_FUNCTIONS) {
    compiled.registerFunction(name, () => {
      throw new ExpressionError(`$${name}() is disabled in Stepwise expressions`, {
        code: "disabled_function",
        expression,
      });
    });
  }
  return compiled;
}

/**
 * Returns null when `expression` is valid JSONata, otherwise the parser's message (with position).
 * Used by config validation, so an invalid expression is rejected when the graph is saved.
 */
export function checkExpressionSyntax(expression: string): string | null {
  if (expression.trim() === "") return "Expression is empty";
  try {
    compile(expression, EXPRESSION_LIMITS.timeoutMs);
    return null;
  } catch (thrown) {
    return thrown instanceof Error ? thrown.message : String(thrown);
  }
}

// Wherever the evaluator is loaded, config schemas check expressions with JSONata's parser (see syntax-check.ts).
setExpressionSyntaxCheck(checkExpressionSyntax);

/**
 * Evaluates a JSONata expression against the run scope (`input`, `nodes.<id>`). Never runs JavaScript:
 * JSONata is interpreted, cannot reach prototypes, and `$eval` is disabled. Evaluation is bounded in time,
 * depth and sequence size. The result is plain JSON data, or `undefined` when the expression matched nothing.
 *
 * @throws {ExpressionError} on a syntax error, a runtime error, a limit, or a function-valued result.
 */
export async function evaluateExpression(
  expression: string,
  scope: RunScope,
  options: EvaluateOptions = {},
): Promise<unknown> {
  const compiled = compile(expression, options.timeoutMs ?? EXPRESSION_LIMITS.timeoutMs);
  let value: unknown;
  try {
    value = await compiled.evaluate(scope);
  } catch (thrown) {
    throw toExpressionError(thrown, expression);
  }
  return toPlainValue(value, expression);
}

/** Drops JSONata's internal markers (sequence flags, lambdas) so callers only ever see JSON data. */
function toPlainValue(value: unknown, expression: string): unknown {
  if (value === undefined) return undefined;
  if (isJsonataFunction(value)) {
    throw new ExpressionError("Expression evaluated to a function, not a value", {
      code: "not_a_value",
      expression,
    });
  }
  // Lambdas nested in objects hold their (circular) environment; drop them like JSON drops functions.
  return JSON.parse(
    JSON.stringify(value, (_key, item: unknown) => (isJsonataFunction(item) ? undefined : item)),
  );
}

/** JSONata lambdas and built-ins are plain objects flagged by JSONata, not JS functions. */
function isJsonataFunction(value: unknown): boolean {
  if (typeof value === "function") return true;
  return (
    typeof value === "object" &&
    value !== null &&
    ("_jsonata_lambda" in value || "_jsonata_function" in value)
  );
}
