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
  if (text.trim() === "") return {};
  const type = request.headers.get("content-type") ?? "";
  if (type && !type.includes("json")) {
    throw new AppError("bad_request", `Expected a JSON body (content-type application/json), got ${type}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError("invalid_json", `Request body is not valid JSON: ${(error as Error).message}`);
  }
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
