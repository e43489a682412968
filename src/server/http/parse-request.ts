import type { z } from "zod";
import { AppError } from "@/lib/errors";
import { zodIssues } from "@/lib/zod-issues";
import { MAX_BODY_BYTES, MAX_JSON_DEPTH } from "./body-limits";
import { exceedsJsonDepth } from "./json-depth";
import { readBodyText } from "./read-body-text";
import { findUnstorable } from "./unstorable-text";

/**
 * Reads a JSON body; an empty body counts as `{}`. Everything cheap comes first, in this order:
 * content type, size (counted while reading), nesting depth (one linear scan), and only then
 * JSON.parse, so hostile input costs O(size) and answers 4xx before any work.
 */
export async function readJsonBody(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (type && !/^application\/([\w.-]+\+)?json\s*(;|$)/i.test(type)) {
    throw new AppError(
      "bad_request",
      `Expected a JSON body (content-type: application/json), got ${type.slice(0, 100)}`,
    );
  }
  return parseJsonText(await readBodyText(request, MAX_BODY_BYTES));
}

/**
 * JSON text already read (within its size limit) to a value, with the same guards as a request
 * body: nesting depth before JSON.parse, then characters PostgreSQL cannot store. Empty text is `{}`.
 */
export function parseJsonText(text: string): unknown {
  if (text.trim() === "") return {};
  if (exceedsJsonDepth(text, MAX_JSON_DEPTH)) {
    throw new AppError("validation_failed", `The body nests deeper than ${MAX_JSON_DEPTH} levels`, [
      { path: ["body"], message: `nests deeper than ${MAX_JSON_DEPTH} levels`, code: "too_deep" },
    ]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new AppError("invalid_json", `Request body is not valid JSON: ${(error as Error).message}`);
  }
  const unstorable = findUnstorable(parsed);
  if (unstorable) {
    // PostgreSQL cannot store these in text or jsonb: refuse them here rather than fail on insert.
    const what =
      unstorable.what === "NUL"
        ? "a NUL character (\\u0000)"
        : "an unpaired UTF-16 surrogate (\\ud800–\\udfff)";
    throw new AppError("validation_failed", `The body contains ${what}, which cannot be stored`, [
      { path: ["body", ...unstorable.path], message: `contains ${what}` },
    ]);
  }
  return parsed;
}

export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: "body" | "query" | "params",
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  if (where === "params") {
    // A malformed id names no resource that exists.
    throw new AppError("not_found", "Resource not found");
  }
  const issues = zodIssues(result.error, [where]);
  const first = issues[0];
  const summary = first ? `${first.path.join(".")}: ${first.message}` : "invalid";
  throw new AppError("validation_failed", `Invalid ${where}: ${summary}`, issues);
}

export function queryObject(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url).searchParams.entries());
}
