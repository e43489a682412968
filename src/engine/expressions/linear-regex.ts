import { RE2JS } from "re2js";
import { ExpressionError } from "./expression-error";

/**
 * A RegExp stand-in backed by RE2 (re2js), which matches in linear time. User
 * expressions may contain regular expressions; with V8's backtracking engine a
 * pattern like `(a+)+$` can hold the process for minutes, and JSONata's time
 * limit is only checked between sub-expressions. JSONata accepts a custom
 * engine (`RegexEngine`) and only needs `lastIndex` and `exec`.
 *
 * RE2 has no backreferences or lookarounds; such patterns are refused with a
 * clear message instead of being run.
 */
export class LinearRegExp {
  lastIndex = 0;
  readonly source: string;
  readonly flags: string;
  readonly global = true;
  private readonly compiled: ReturnType<typeof RE2JS.compile>;

  constructor(pattern: RegExp | string, flags?: string) {
    this.source = typeof pattern === "string" ? pattern : pattern.source;
    this.flags = flags ?? (typeof pattern === "string" ? "" : pattern.flags);
    let options = 0;
    if (this.flags.includes("i")) options |= RE2JS.CASE_INSENSITIVE;
    if (this.flags.includes("m")) options |= RE2JS.MULTILINE;
    if (this.flags.includes("s")) options |= RE2JS.DOTALL;
    try {
      this.compiled = RE2JS.compile(this.source, options);
    } catch (error) {
      throw new ExpressionError(
        `Regular expression /${this.source}/ is not supported (${(error as Error).message}); backreferences and lookarounds are not allowed because they can run for hours`,
        { code: "unsupported_regex", expression: this.source },
      );
    }
  }

  /** Same contract as RegExp#exec on a global regex: searches from lastIndex, then moves it past the match. */
  exec(input: string): RegExpExecArray | null {
    if (this.lastIndex > input.length) {
      this.lastIndex = 0;
      return null;
    }
    const matcher = this.compiled.matcher(input);
    if (!matcher.find(this.lastIndex)) {
      this.lastIndex = 0;
      return null;
    }
    const groups: Array<string | undefined> = [matcher.group(0) ?? ""];
    for (let i = 1; i <= matcher.groupCount(); i++) groups.push(matcher.group(i) ?? undefined);
    const result = Object.assign(groups, {
      index: matcher.start(),
      input,
      groups: undefined,
    }) as RegExpExecArray;
    this.lastIndex = matcher.end();
    return result;
  }

  test(input: string): boolean {
    return this.exec(input) !== null;
  }
}
