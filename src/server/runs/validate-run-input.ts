import { AppError } from "@/lib/errors";
import { compileInputSchema } from "../workflows/input-schema";

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
  const issues = compileInputSchema(inputSchema).validate(input);
  const first = issues[0];
  if (first) {
    throw new AppError(
      "validation_failed",
      `Invalid run input: ${first.path.slice(1).join(".")}: ${first.message}`,
      issues,
    );
  }
}
