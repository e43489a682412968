/**
 * A small subset of the CEL expressions Inngest evaluates for trigger `if`,
 * `waitForEvent` `if`/`match`, `cancelOn`, `concurrency.key` and
 * `idempotency`: literals, dotted/bracketed paths over the given variables
 * (`event`, `async`), `== != < <= > >=`, `&& || !` and parentheses.
 * Anything else is rejected at parse time so a typo fails loudly.
 */

export type ExpressionScope = Record<string, unknown>;

type Token =
  | { kind: "num"; value: number }
  | { kind: "str"; value: string }
  | { kind: "ident"; value: string }
  | { kind: "op"; value: string };

type Node =
  | { kind: "lit"; value: unknown }
  | { kind: "path"; root: string; keys: (string | number)[] }
  | { kind: "not"; arg: Node }
  | { kind: "bin"; op: string; left: Node; right: Node };

export class ExpressionError extends Error {
  constructor(expression: string, why: string) {
    super(`Unsupported expression "${expression}": ${why}`);
    this.name = "ExpressionError";
  }
}

const OPERATORS = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "(", ")", "[", "]", "."];

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i] ?? "";
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '"' || ch === "'") {
      let value = "";
      for (i++; i < src.length && src[i] !== ch; i++) value += src[i] === "\\" ? (src[++i] ?? "") : src[i];
      if (src[i] !== ch) throw new ExpressionError(src, "unterminated string");
      i++;
      tokens.push({ kind: "str", value });
    } else if (/[0-9]/.test(ch) || (ch === "-" && /[0-9]/.test(src[i + 1] ?? ""))) {
      const match = /^-?\d+(\.\d+)?/.exec(src.slice(i))?.[0] ?? "";
      tokens.push({ kind: "num", value: Number(match) });
      i += match.length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))?.[0] ?? "";
      tokens.push({ kind: "ident", value: match });
      i += match.length;
    } else {
      const op = OPERATORS.find((candidate) => src.startsWith(candidate, i));
      if (!op) throw new ExpressionError(src, `unexpected "${ch}"`);
      tokens.push({ kind: "op", value: op });
      i += op.length;
    }
  }
  return tokens;
}

function parse(src: string): Node {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos];
  const isOp = (value: string) => {
    const token = peek();
    return token?.kind === "op" && token.value === value;
  };
  const expectOp = (value: string) => {
    if (!isOp(value)) throw new ExpressionError(src, `expected "${value}"`);
    pos++;
  };

  const binary = (ops: string[], next: () => Node) => (): Node => {
    let left = next();
    for (let token = peek(); token?.kind === "op" && ops.includes(token.value); token = peek()) {
      pos++;
      left = { kind: "bin", op: token.value, left, right: next() };
    }
    return left;
  };

  const primary = (): Node => {
    const token = tokens[pos++];
    if (!token) throw new ExpressionError(src, "unexpected end");
    if (token.kind === "num" || token.kind === "str") return { kind: "lit", value: token.value };
    if (token.kind === "op" && token.value === "(") {
      const inner = or();
      expectOp(")");
      return inner;
    }
    if (token.kind === "op" && token.value === "!") return { kind: "not", arg: primary() };
    if (token.kind !== "ident") throw new ExpressionError(src, `unexpected "${token.value}"`);
    if (token.value === "true" || token.value === "false")
      return { kind: "lit", value: token.value === "true" };
    if (token.value === "null") return { kind: "lit", value: null };
    const keys: (string | number)[] = [];
    for (;;) {
      if (isOp(".")) {
        pos++;
        const key = tokens[pos++];
        if (key?.kind !== "ident") throw new ExpressionError(src, "expected a field name after '.'");
        keys.push(key.value);
      } else if (isOp("[")) {
        pos++;
        const key = tokens[pos++];
        if (key?.kind !== "str" && key?.kind !== "num")
          throw new ExpressionError(src, "expected a literal index");
        keys.push(key.value);
        expectOp("]");
      } else {
        return { kind: "path", root: token.value, keys };
      }
    }
  };

  const comparison = binary(["==", "!=", "<", "<=", ">", ">="], primary);
  const and = binary(["&&"], comparison);
  const or = binary(["||"], and);

  const node = or();
  if (pos !== tokens.length) throw new ExpressionError(src, `unexpected "${String(peek()?.value)}"`);
  return node;
}

function evaluate(node: Node, scope: ExpressionScope): unknown {
  switch (node.kind) {
    case "lit":
      return node.value;
    case "path":
      return node.keys.reduce<unknown>(
        (value, key) =>
          value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined,
        scope[node.root],
      );
    case "not":
      return !truthy(evaluate(node.arg, scope));
    case "bin":
      return binaryOp(node.op, node.left, node.right, scope);
  }
}

function binaryOp(op: string, leftNode: Node, rightNode: Node, scope: ExpressionScope): unknown {
  if (op === "&&") return truthy(evaluate(leftNode, scope)) && truthy(evaluate(rightNode, scope));
  if (op === "||") return truthy(evaluate(leftNode, scope)) || truthy(evaluate(rightNode, scope));
  const left = evaluate(leftNode, scope);
  const right = evaluate(rightNode, scope);
  // A missing field never equals anything: otherwise `event.data.x ==
  // async.data.x` would match every event that lacks `x` on both sides.
  if (left === undefined || right === undefined) return op === "!=";
  if (op === "==") return deepEqual(left, right);
  if (op === "!=") return !deepEqual(left, right);
  if (typeof left !== typeof right || (typeof left !== "number" && typeof left !== "string")) return false;
  const [a, b] = [left as number | string, right as number | string];
  return op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b;
}

function truthy(value: unknown): boolean {
  return value === true;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

const cache = new Map<string, Node>();

function compiled(expression: string): Node {
  let node = cache.get(expression);
  if (!node) {
    node = parse(expression);
    cache.set(expression, node);
  }
  return node;
}

/** Evaluate an expression to a value (used for keys). Throws ExpressionError. */
export function evaluateExpression(expression: string, scope: ExpressionScope): unknown {
  return evaluate(compiled(expression), scope);
}

/** Evaluate a condition; only a boolean `true` counts as a match. Throws ExpressionError. */
export function matchesExpression(expression: string, scope: ExpressionScope): boolean {
  return truthy(evaluateExpression(expression, scope));
}
