import type { ZodError } from "zod";
import type { ErrorIssue } from "./errors";

/** zod issues in the API's issue shape, with a prefix saying where the value came from. */
export function zodIssues(error: ZodError, prefix: (string | number)[]): ErrorIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))],
    message: issue.message,
    code: issue.code,
  }));
}
