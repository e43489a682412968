import { AppError } from "@/lib/errors";
import { zodIssues } from "@/lib/zod-issues";
import { IdempotencyKeySchema, type StartRunBody } from "./contracts";

export const IDEMPOTENCY_HEADER = "idempotency-key";

/**
 * The public API takes the idempotency key the HTTP way, as an `Idempotency-Key`
 * header, and still accepts the body field the app's own routes use. Both at
 * once must agree: two different keys leave no way to tell which one was meant.
 */
export function withIdempotencyHeader(body: StartRunBody, headers: Headers): StartRunBody {
  const header = headers.get(IDEMPOTENCY_HEADER);
  if (header === null) return body;
  const parsed = IdempotencyKeySchema.safeParse(header.trim());
  if (!parsed.success) {
    const issues = zodIssues(parsed.error, ["headers", "Idempotency-Key"]);
    throw new AppError("validation_failed", `Invalid Idempotency-Key header: ${issues[0]?.message}`, issues);
  }
  if (body.idempotencyKey !== undefined && body.idempotencyKey !== parsed.data) {
    throw new AppError(
      "validation_failed",
      "The Idempotency-Key header and the body's idempotencyKey differ; send one of them",
      [{ path: ["body", "idempotencyKey"], message: "differs from the Idempotency-Key header" }],
    );
  }
  return { ...body, idempotencyKey: parsed.data };
}
