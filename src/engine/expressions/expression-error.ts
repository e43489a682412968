/**
 * A JSONata expression failed to parse or evaluate. `code` is JSONata's own code ("S0201", "D1012", …)
 * or one of ours ("disabled_function", "not_a_value", "template_syntax").
 */
export class ExpressionError extends Error {
  override readonly name = "ExpressionError";
  readonly code: string;
  readonly expression: string;
  /** Character offset of the problem inside `expression`, when JSONata reports one. */
  readonly position?: number;

  constructor(
    message: string,
    options: { code: string; expression: string; position?: number; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.expression = options.expression;
    if (options.position !== undefined) this.position = options.position;
  }
}

/** JSONata throws plain objects, not Errors; this is the part of them we read. */
type JsonataFailure = { code?: unknown; position?: unknown; message?: unknown };

/** Turns whatever JSONata threw into an {@link ExpressionError} with a readable message. */
export function toExpressionError(thrown: unknown, expression: string): ExpressionError {
  if (thrown instanceof ExpressionError) return thrown;
  const failure: JsonataFailure = typeof thrown === "object" && thrown !== null ? thrown : {};
  const code = typeof failure.code === "string" ? failure.code : "evaluation_error";
  const position = typeof failure.position === "number" ? failure.position : undefined;
  const base =
    typeof failure.message === "string" && failure.message !== "" ? failure.message : String(thrown);
  // Syntax errors (S0xxx) are only actionable with a position; runtime positions are noise for most users.
  const message =
    code.startsWith("S0") && position !== undefined ? `${base} (at position ${position})` : base;
  return new ExpressionError(message, { code, expression, position, cause: thrown });
}
