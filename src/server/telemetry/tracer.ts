import { type Span, SpanStatusCode, trace } from "@opentelemetry/api";
import { AppError } from "@/lib/errors";

/** Every span of ours comes from this one tracer; the registered provider (if any) decides where it goes. */
export function tracer() {
  return trace.getTracer("stepwise");
}

/**
 * Marks a span failed and records the exception, without the parts that can carry secrets: the
 * message only of errors whose text we wrote ourselves (AppError, and those marked `safeMessage`),
 * never a stack (it repeats the message), so a driver's "params: …" or a provider's echo of a key
 * cannot reach a trace.
 */
export function recordFailure(span: Span, error: unknown, type?: string): void {
  failed.add(span);
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof AppError ? error.message : undefined;
  span.recordException(message === undefined ? { name } : { name, message });
  span.setAttribute("error.type", type ?? (error instanceof AppError ? error.code : name));
  span.setStatus({ code: SpanStatusCode.ERROR, ...(message !== undefined && { message }) });
}

const failed = new WeakSet<Span>();

/** Whether recordFailure already said why this span failed. */
export function hasRecordedFailure(span: Span): boolean {
  return failed.has(span);
}
