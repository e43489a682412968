import { evaluateExpression } from "../expressions/evaluate-expression";
import { ExpressionError } from "../expressions/expression-error";
import { renderTemplate } from "../expressions/render-template";
import type { RunScope } from "../expressions/run-scope";
import { NodeExecutionError } from "./node-execution-error";

/** Renders a templated config field; a failing expression is a non-retriable error naming the field. */
export async function renderField(field: string, template: string, scope: RunScope): Promise<string> {
  try {
    return await renderTemplate(template, scope);
  } catch (thrown) {
    throw asNodeError(field, thrown);
  }
}

/** Evaluates an expression config field; failures name the field and are not retried. */
export async function evaluateField(field: string, expression: string, scope: RunScope): Promise<unknown> {
  try {
    return await evaluateExpression(expression, scope);
  } catch (thrown) {
    throw asNodeError(field, thrown);
  }
}

// Same data, same expression, same error: retrying an expression failure only burns attempts.
function asNodeError(field: string, thrown: unknown): unknown {
  if (!(thrown instanceof ExpressionError)) return thrown;
  return new NodeExecutionError(`config.${field}: ${thrown.message}`, {
    code: "expression_error",
    retriable: false,
    details: { field: `config.${field}`, expressionCode: thrown.code, position: thrown.position },
    cause: thrown,
  });
}

/**
 * Makes an output safe to persist and to hand to the durable runner (which JSON-serializes it):
 * `undefined` becomes null, non-finite numbers null, class instances plain objects.
 */
export function toJsonOutput(value: unknown): unknown {
  if (value === undefined) return null;
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (thrown) {
    throw new NodeExecutionError("Node output is not JSON-serializable", {
      code: "invalid_output",
      retriable: false,
      cause: thrown,
    });
  }
  return json === undefined ? null : JSON.parse(json);
}
