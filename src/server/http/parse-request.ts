import type { z } from "zod";
import { AppError } from "@/lib/errors";
import { zodIssues } from "@/lib/zod-issues";

const MAX_BODY_BYTES = 1024 * 1024;

/** Reads a JSON body with a size cap; an empty body counts as `{}`. */
export async function readJsonBody(request: Request): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) {
    throw new AppError("payload_too_large", `Request body exceeds ${MAX_BODY_BYTES} bytes`);
  }
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
    throw new AppError("payload_too_large", `Request body exceeds ${MAX_BODY_BYTES} bytes`);
  }
  const type = request.headers.get("content-type") ?? "";
  if (type && !/^application\/([\w.-]+\+)?json\s*(;|$)/i.test(type)) {
    throw new AppError(
      "bad_request",
      `Expected a JSON body (content-type: application/json), got ${type.slice(0, 100)}`,
    );
  }
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new AppError("invalid_json", `Request body is not valid JSON: ${(error as Error).message}`);
  }
  const nulAt = findNul(parsed, []);
  if (nulAt) {
    // Postgres cannot store U+0000 in text or jsonb: refuse it here rather than fail on insert.
    throw new AppError(
      "validation_failed",
      "The body contains a NUL character (\\u0000), which cannot be stored",
      [{ path: ["body", ...nulAt], message: "contains a NUL character (\\u0000)" }],
    );
  }
  return parsed;
}

function findNul(value: unknown, path: (string | number)[]): (string | number)[] | null {
  if (typeof value === "string") return value.includes("\0") ? path : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findNul(item, [...path, index]);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const found = key.includes("\0") ? [...path, key] : findNul(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
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
