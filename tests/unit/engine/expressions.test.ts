import { describe, expect, it } from "vitest";
import {
  checkExpressionSyntax,
  checkTemplateSyntax,
  EXPRESSION_LIMITS,
  ExpressionError,
  evaluateExpression,
  isTruthy,
  parseTemplate,
  type RunScope,
  renderTemplate,
} from "@/engine";

const scope: RunScope = {
  input: { name: "Ada", tags: ["x", "y"], n: 3 },
  nodes: { fetch: { body: { title: "Hello", items: [{ v: 1 }, { v: 2 }] } }, "my-node": { ok: true } },
};

async function expressionError(promise: Promise<unknown>): Promise<ExpressionError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ExpressionError))
    throw new Error(`expected an ExpressionError, got ${String(error)}`);
  return error;
}

describe("evaluateExpression", () => {
  it("evaluates JSONata against input and upstream outputs", async () => {
    expect(await evaluateExpression("input.name", scope)).toBe("Ada");
    expect(await evaluateExpression("$sum(nodes.fetch.body.items.v)", scope)).toBe(3);
    expect(await evaluateExpression("nodes.`my-node`.ok", scope)).toBe(true);
    expect(await evaluateExpression("input.missing", scope)).toBeUndefined();
  });

  it("returns plain JSON data (no JSONata sequence markers)", async () => {
    const value = await evaluateExpression("nodes.fetch.body.items.v", scope);
    expect(value).toEqual([1, 2]);
    expect(Object.keys(value as object)).toEqual(["0", "1"]);
  });

  it("rejects a function-valued result", async () => {
    const error = await expressionError(evaluateExpression("function($x) { $x }", scope));
    expect(error.code).toBe("not_a_value");
    expect(await evaluateExpression('{"f": function($x) { $x }, "n": 1}', scope)).toEqual({ n: 1 });
    expect((await expressionError(evaluateExpression("$uppercase", scope))).code).toBe("not_a_value");
  });

  it("reports syntax errors with the position", async () => {
    const error = await expressionError(evaluateExpression("input.name +", scope));
    expect(error.code).toBe("S0207");
    expect(error.message).toBe("Unexpected end of expression (at position 12)");
    expect(error.expression).toBe("input.name +");
  });

  it("reports runtime errors with JSONata's code", async () => {
    const error = await expressionError(evaluateExpression("input.name + 1", scope));
    expect(error.code).toBe("T2001");
    expect(error.message).toMatch(/must evaluate to a number/);
  });

  it("cannot reach JavaScript: no constructor, no prototype, no $eval", async () => {
    expect(await evaluateExpression('constructor.constructor("return process")()', scope)).toBeUndefined();
    expect(await evaluateExpression("$string.constructor", scope)).toBeUndefined();
    expect(await evaluateExpression("input.__proto__", scope)).toBeUndefined();
    const error = await expressionError(evaluateExpression('$eval("1 + 1")', scope));
    expect(error.code).toBe("disabled_function");
    expect(error.message).toBe("$eval() is disabled in Stepwise expressions");
  });

  it("bounds an endless recursion by time", async () => {
    const started = Date.now();
    const error = await expressionError(
      evaluateExpression("($loop := function($n) { $loop($n + 1) }; $loop(0))", scope, { timeoutMs: 50 }),
    );
    expect(error.code).toBe("D1012");
    expect(error.message).toMatch(/timeout after 50 milliseconds/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("bounds deep non-tail recursion by depth", async () => {
    const error = await expressionError(
      evaluateExpression("($f := function($n) { 1 + $f($n + 1) }; $f(0))", scope, { timeoutMs: 5000 }),
    );
    expect(error.code).toBe("D1011");
  });

  it("bounds huge sequences", async () => {
    const error = await expressionError(evaluateExpression("$count([1..10000000])", scope));
    expect(error.code).toBe("D2015");
    expect(await evaluateExpression(`$count([1..${EXPRESSION_LIMITS.maxSequence}])`, scope)).toBe(
      EXPRESSION_LIMITS.maxSequence,
    );
  });

  it("refuses overly long expressions", async () => {
    const error = await expressionError(
      evaluateExpression("1".repeat(EXPRESSION_LIMITS.maxLength + 1), scope),
    );
    expect(error.code).toBe("too_long");
  });
});

describe("checkExpressionSyntax", () => {
  it("returns null for valid JSONata and the parser message otherwise", () => {
    expect(checkExpressionSyntax("input.a > 1 and $exists(nodes.x)")).toBeNull();
    expect(checkExpressionSyntax("foo(")).toBe('Expected ")" before end of expression (at position 4)');
    expect(checkExpressionSyntax("  ")).toBe("Expression is empty");
  });
});

describe("templates", () => {
  it("renders each {{ }} against the scope", async () => {
    expect(await renderTemplate("Hello {{ input.name }}, {{ nodes.fetch.body.title }}!", scope)).toBe(
      "Hello Ada, Hello!",
    );
  });

  it("stringifies objects as JSON, numbers and booleans as text, undefined and null as empty", async () => {
    expect(
      await renderTemplate("{{ input.tags }}|{{ input.n }}|{{ true }}|{{ input.nope }}|{{ null }}", scope),
    ).toBe('["x","y"]|3|true||');
    expect(await renderTemplate("{{ nodes.fetch.body.items[0] }}", scope)).toBe('{"v":1}');
  });

  it("returns text without {{ }} unchanged", async () => {
    expect(await renderTemplate('{"a": {"b": 1}}', scope)).toBe('{"a": {"b": 1}}');
  });

  it("closes {{ }} after nested braces, strings and comments, not at the first }}", async () => {
    expect(await renderTemplate('{{ {"a": {"b": input.n}} }}', scope)).toBe('{"a":{"b":3}}');
    expect(await renderTemplate('{{ "}}" & input.name }}', scope)).toBe("}}Ada");
    expect(await renderTemplate("{{ /* }} */ input.name }}", scope)).toBe("Ada");
    expect(parseTemplate('{"x": {{ input.n }}}')).toEqual([
      { kind: "text", value: '{"x": ' },
      { kind: "expression", source: " input.n ", offset: 6 },
      { kind: "text", value: "}" },
    ]);
  });

  it("names the failing {{ }} and does not execute JavaScript", async () => {
    const evalError = await expressionError(renderTemplate('x {{ $eval("process.exit(1)") }}', scope));
    expect(evalError.message).toBe(
      '{{ $eval("process.exit(1)") }}: $eval() is disabled in Stepwise expressions',
    );
    const syntax = await expressionError(renderTemplate("a {{ input. }} b", scope));
    expect(syntax.message).toMatch(/^\{\{ input\. \}\}: /);
  });

  it("checkTemplateSyntax finds unclosed, empty and invalid expressions", () => {
    expect(checkTemplateSyntax("Hi {{ input.name }}")).toBeNull();
    expect(checkTemplateSyntax("plain text")).toBeNull();
    expect(checkTemplateSyntax("Hi {{ input.name")).toBe('Unclosed "{{" at position 3');
    expect(checkTemplateSyntax("Hi {{  }}")).toBe('Empty "{{ }}" at position 3');
    expect(checkTemplateSyntax("Hi {{ input.name + }}")).toBe(
      "{{ input.name + }} at position 3: Unexpected end of expression (at position 14)",
    );
  });
});

describe("isTruthy (JSONata $boolean)", () => {
  it.each([
    [true, true],
    [false, false],
    [0, false],
    [2, true],
    ["", false],
    ["no", true],
    [null, false],
    [undefined, false],
    [[], false],
    [[0, ""], false],
    [[0, 1], true],
    [{}, false],
    [{ a: 1 }, true],
  ])("%j → %s", (value, expected) => {
    expect(isTruthy(value)).toBe(expected);
  });
});
