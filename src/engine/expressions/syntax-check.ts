/** Why an expression does not parse, or null when it does. */
export type ExpressionSyntaxCheck = (expression: string) => string | null;

const emptinessOnly: ExpressionSyntaxCheck = (expression) =>
  expression.trim() === "" ? "Expression is empty" : null;

let installed: ExpressionSyntaxCheck = emptinessOnly;

/**
 * The node config schemas are shared with the browser (the editor's forms), which must not load JSONata.
 * So they check expressions through this slot: until the engine's evaluator is loaded only emptiness is
 * checked; `evaluate-expression.ts` installs JSONata's parser when it loads, and every server path that
 * validates or runs a graph loads it (`validateGraph`, the registry). The server stays the authority.
 */
export function setExpressionSyntaxCheck(check: ExpressionSyntaxCheck): void {
  installed = check;
}

/** The installed check: JSONata's parser on the server, emptiness only in the browser. */
export function expressionSyntaxProblem(expression: string): string | null {
  return installed(expression);
}
