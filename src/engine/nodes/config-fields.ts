import { z } from "zod";
import { hasTemplateExpressions, parseTemplate } from "../expressions/parse-template";
import { expressionSyntaxProblem } from "../expressions/syntax-check";
import { templateSyntaxProblem } from "../expressions/template-syntax";

/*
 * Client-safe: the editor validates configs with these fields in the browser. Expressions are checked
 * through the installed syntax check (JSONata's parser once the engine's evaluator is loaded).
 */

/** Longest template or expression a config field accepts; the graph byte limit bounds the total. */
export const MAX_TEXT_FIELD_LENGTH = 64 * 1024;

/** A string of `{{ }}` templates, rejected at save time when any expression does not parse. */
export function templateField() {
  return z
    .string()
    .max(MAX_TEXT_FIELD_LENGTH)
    .superRefine((value, ctx) => {
      const problem = templateFieldProblem(value);
      if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
    });
}

/** A JSONata expression, rejected at save time when it does not parse. */
export function expressionField() {
  return z
    .string()
    .max(MAX_TEXT_FIELD_LENGTH)
    .superRefine((value, ctx) => {
      const problem = expressionSyntaxProblem(value);
      if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
    });
}

/**
 * An http(s) URL that may contain templates. A literal URL is checked fully; a templated one only as far
 * as its literal prefix allows (the scheme), and again at run time after rendering.
 */
export function urlTemplateField() {
  return z
    .string()
    .min(1, "URL is required")
    .max(8 * 1024)
    .superRefine((value, ctx) => {
      const problem = checkUrlTemplate(value);
      if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
    });
}

function checkUrlTemplate(value: string): string | null {
  if (value === "") return null; // reported once, by min(1)
  if (!hasTemplateExpressions(value)) return checkHttpUrl(value);
  const syntax = templateFieldProblem(value);
  if (syntax !== null) return syntax;
  const first = parseTemplate(value)[0];
  const scheme = first?.kind === "text" ? /^([a-z][a-z0-9+.-]*):/i.exec(first.value)?.[1] : undefined;
  if (scheme !== undefined && !["http", "https"].includes(scheme.toLowerCase())) {
    return "URL must use http: or https:";
  }
  return null;
}

/** Null when `value` is an absolute http: or https: URL, otherwise why not. */
export function checkHttpUrl(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "Invalid URL";
  }
  return url.protocol === "http:" || url.protocol === "https:" ? null : "URL must use http: or https:";
}

/** Null when the template's `{{ }}` are closed and their expressions pass the installed check. */
export function templateFieldProblem(template: string): string | null {
  return templateSyntaxProblem(template, expressionSyntaxProblem);
}
