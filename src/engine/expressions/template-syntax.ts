import { parseTemplate } from "./parse-template";
import type { ExpressionSyntaxCheck } from "./syntax-check";

/**
 * Null when every `{{ }}` of the template is closed and each expression passes `checkExpression`,
 * otherwise why not. Pure: the caller chooses how deeply expressions are checked.
 */
export function templateSyntaxProblem(
  template: string,
  checkExpression: ExpressionSyntaxCheck,
): string | null {
  let segments: ReturnType<typeof parseTemplate>;
  try {
    segments = parseTemplate(template);
  } catch (thrown) {
    return thrown instanceof Error ? thrown.message : String(thrown);
  }
  for (const segment of segments) {
    if (segment.kind !== "expression") continue;
    const problem = checkExpression(segment.source);
    if (problem !== null) return `{{${segment.source}}} at position ${segment.offset}: ${problem}`;
  }
  return null;
}
