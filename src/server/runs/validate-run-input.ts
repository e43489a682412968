import { z } from "zod";
import { AppError } from "@/lib/errors";
import { zodIssues } from "@/lib/zod-issues";

/** Checks the run input against its size cap and the workflow's declared input schema. */
export function validateRunInput(
  input: Record<string, unknown>,
  inputSchema: Record<string, unknown> | null,
  maxBytes: number,
): void {
  const size = Buffer.byteLength(JSON.stringify(input));
  if (size > maxBytes) {
    throw new AppError("payload_too_large", `Run input is ${size} bytes; the limit is ${maxBytes}`);
  }
  if (!inputSchema) return;
  const schema = z.fromJSONSchema(inputSchema as Parameters<typeof z.fromJSONSchema>[0]);
  const result = schema.safeParse(input);
  if (!result.success) {
    const issues = zodIssues(result.error, ["body", "input"]);
    const first = issues[0];
    throw new AppError(
      "validation_failed",
      `Invalid run input: ${first ? `${first.path.slice(1).join(".")}: ${first.message}` : "does not match the workflow's input schema"}`,
      issues,
    );
  }
}
