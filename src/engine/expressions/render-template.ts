import { checkExpressionSyntax, type EvaluateOptions, evaluateExpression } from "./evaluate-expression";
import { ExpressionError } from "./expression-error";
import { parseTemplate } from "./parse-template";
import type { RunScope } from "./run-scope";
import { templateSyntaxProblem } from "./template-syntax";

/**
 * Renders a template such as `"Hello {{ input.name }}, {{ nodes.fetch.body.title }}"`. Each `{{ }}` is a
 * JSONata expression evaluated against the scope. Strings are inserted as they are, numbers and booleans
 * as text, objects and arrays as JSON, and `undefined`/`null` as the empty string.
 *
 * @throws {ExpressionError} naming the failing `{{ }}`.
 */
export async function renderTemplate(
  template: string,
  scope: RunScope,
  options?: EvaluateOptions,
): Promise<string> {
  const segments = parseTemplate(template);
  const parts = await Promise.all(
    segments.map(async (segment) => {
      if (segment.kind === "text") return segment.value;
      try {
        return stringify(await evaluateExpression(segment.source, scope, options));
      } catch (thrown) {
        throw withTemplateContext(thrown, segment.source, template);
      }
    }),
  );
  return parts.join("");
}

/**
 * Returns null when every `{{ }}` in the template is closed and is valid JSONata, otherwise a message
 * naming the first bad expression.
 */
export function checkTemplateSyntax(template: string): string | null {
  return templateSyntaxProblem(template, checkExpressionSyntax);
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

function withTemplateContext(thrown: unknown, source: string, template: string): unknown {
  if (!(thrown instanceof ExpressionError)) return thrown;
  return new ExpressionError(`{{${source}}}: ${thrown.message}`, {
    code: thrown.code,
    expression: template,
    position: thrown.position,
    cause: thrown,
  });
}
