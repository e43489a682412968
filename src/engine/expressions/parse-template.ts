import { ExpressionError } from "./expression-error";

/** A piece of a template: literal text, or the source of one `{{ … }}` expression. */
export type TemplateSegment =
  | { kind: "text"; value: string }
  | { kind: "expression"; source: string; offset: number };

const OPEN = "{{";

/**
 * Splits a template into text and `{{ expression }}` segments.
 *
 * The closing `}}` is found by scanning the expression with awareness of JSONata strings, comments and
 * object braces, so `{{ {"a": {"b": 1}} }}` and `{{ "}}" }}` close where a reader expects.
 *
 * @throws {ExpressionError} (code "template_syntax") for an unclosed or empty `{{ }}`.
 */
export function parseTemplate(template: string): TemplateSegment[] {
  const segments: TemplateSegment[] = [];
  let cursor = 0;
  while (cursor < template.length) {
    const open = template.indexOf(OPEN, cursor);
    if (open === -1) break;
    if (open > cursor) segments.push({ kind: "text", value: template.slice(cursor, open) });
    const close = findClose(template, open + OPEN.length);
    if (close === -1) {
      throw new ExpressionError(`Unclosed "{{" at position ${open}`, {
        code: "template_syntax",
        expression: template,
        position: open,
      });
    }
    const source = template.slice(open + OPEN.length, close);
    if (source.trim() === "") {
      throw new ExpressionError(`Empty "{{ }}" at position ${open}`, {
        code: "template_syntax",
        expression: template,
        position: open,
      });
    }
    segments.push({ kind: "expression", source, offset: open });
    cursor = close + 2;
  }
  if (cursor < template.length) segments.push({ kind: "text", value: template.slice(cursor) });
  return segments;
}

/** True when the template contains at least one `{{`, i.e. it is not a plain literal. */
export function hasTemplateExpressions(template: string): boolean {
  return template.includes(OPEN);
}

/** Index of the `}}` closing the expression that starts at `start`, or -1. */
function findClose(template: string, start: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = start; i < template.length; i++) {
    const char = template[i];
    const next = template[i + 1];
    if (quote !== null) {
      if (char === "\\") i++;
      else if (char === quote) quote = null;
      continue;
    }
    if (char === '"' || char === "'" || char === "`") {
      quote = char;
    } else if (char === "/" && next === "*") {
      const end = template.indexOf("*/", i + 2);
      if (end === -1) return -1;
      i = end + 1;
    } else if (char === "{") {
      depth++;
    } else if (char === "}") {
      if (depth === 0 && next === "}") return i;
      if (depth > 0) depth--;
    }
  }
  return -1;
}
