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
  // Every node execution re-checks its stored config: the parser's verdict on a text never changes.
  const known = syntaxVerdicts.get(expression);
  if (known !== undefined) return known;
  let verdict: string | null;
  try {
    idleCompiled(expression, EXPRESSION_LIMITS.timeoutMs).release();
    verdict = null;
  } catch (thrown) {
    verdict = thrown instanceof Error ? thrown.message : String(thrown);
  }
  remember(syntaxVerdicts, expression, verdict);
  return verdict;
}

/** How many distinct expression texts keep their parse (verdicts and compiled instances) around. */
const REMEMBERED_EXPRESSIONS = 1000;
const syntaxVerdicts = new Map<string, string | null>();
/** Compiled instances not in use, by timeout and text. */
const idle = new Map<string, jsonata.Expression[]>();

function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  cache.delete(key);
  cache.set(key, value);
  // Maps iterate in insertion order: the first key is the least recently stored.
  if (cache.size > REMEMBERED_EXPRESSIONS) cache.delete(cache.keys().next().value as string);
}

/**
 * A compiled instance for one evaluation at a time: a compiled JSONata expression keeps per-evaluation
 * state (the timestamp `$now()` returns), so instances are pooled, never shared by two evaluations
 * at once. Parsing is the costly part of JSONata; a node's expression is parsed once, not per run.
 */
function idleCompiled(expression: string, timeoutMs: number) {
  const key = `${timeoutMs}:${expression}`;
  const compiled = idle.get(key)?.pop() ?? compile(expression, timeoutMs);
  return {
    compiled,
    release: () => {
      const pool = idle.get(key) ?? [];
      if (pool.length < 8) pool.push(compiled);
      remember(idle, key, pool);
    },
  };
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
  const instance = idleCompiled(expression, options.timeoutMs ?? EXPRESSION_LIMITS.timeoutMs);
  let value: unknown;
  try {
    value = await instance.compiled.evaluate(scope);
  } catch (thrown) {
    throw toExpressionError(thrown, expression);
  } finally {
    instance.release();
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
