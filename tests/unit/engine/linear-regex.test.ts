import { describe, expect, it } from "vitest";
import { evaluateExpression } from "@/engine";
import { LinearRegExp } from "@/engine/expressions/linear-regex";

const scope = { input: {}, nodes: {} };

describe("regular expressions in expressions", () => {
  it("matches like JSONata's built-in functions expect", async () => {
    expect(await evaluateExpression('$match("ada@ex.com bo@ey.org", /(\\w+)@(\\w+)/).groups', scope)).toEqual(
      ["ada", "ex", "bo", "ey"],
    );
    expect(await evaluateExpression('$replace("a-b-c", /-/, "+")', scope)).toBe("a+b+c");
    expect(await evaluateExpression('$split("a1b22c", /[0-9]+/)', scope)).toEqual(["a", "b", "c"]);
    expect(await evaluateExpression('$contains("Hello", /hello/i)', scope)).toBe(true);
  });

  it("runs a catastrophic-backtracking pattern in linear time", async () => {
    const started = performance.now();
    const result = await evaluateExpression(`$contains("${"a".repeat(5000)}!", /(a+)+$/)`, scope);
    expect(result).toBe(false);
    // Backtracking would take longer than the age of the universe on 5,000 characters.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("refuses backreferences and lookarounds with a clear message", async () => {
    await expect(evaluateExpression('$contains("aa", /(a)\\1/)', scope)).rejects.toThrow(/not supported/);
    await expect(evaluateExpression('$contains("ab", /a(?=b)/)', scope)).rejects.toThrow(/not supported/);
  });

  it("follows RegExp#exec's lastIndex contract", () => {
    const re = new LinearRegExp(/o/g);
    expect(re.exec("foo")?.index).toBe(1);
    expect(re.lastIndex).toBe(2);
    expect(re.exec("foo")?.index).toBe(2);
    expect(re.exec("foo")).toBeNull();
    expect(re.lastIndex).toBe(0);
  });
});
