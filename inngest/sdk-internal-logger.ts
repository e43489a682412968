import type { Logger } from "../src/lib/logger";

/** The SDK's messages for a call to /api/inngest that is unsigned, wrongly signed or stale. */
const SIGNATURE_REFUSAL =
  /x-inngest-signature|signature (?:verification|is invalid|has expired)|invalid signature/i;

/**
 * The SDK's own logger (registration, request parsing, execution loop). Every line passes through
 * unchanged but one kind: a refused signature. Anyone who can reach /api/inngest can send such a
 * call, and the SDK logs each at error level with its stack (about 3 KB); here it is one warning
 * naming the reason, so the 401 is still visible and the log cannot be flooded with errors.
 */
export function sdkInternalLogger(base: Logger): Pick<Logger, "info" | "warn" | "error" | "debug"> {
  return {
    info: (...args: unknown[]) => (base.info as (...a: unknown[]) => void)(...args),
    warn: (...args: unknown[]) => (base.warn as (...a: unknown[]) => void)(...args),
    debug: (...args: unknown[]) => (base.debug as (...a: unknown[]) => void)(...args),
    error: (...args: unknown[]) => {
      const reason = signatureRefusal(args[0]);
      if (reason) base.warn({ reason }, "refused a call to /api/inngest: signature");
      else (base.error as (...a: unknown[]) => void)(...args);
    },
  };
}

function signatureRefusal(first: unknown): string | undefined {
  const err = (first as { err?: unknown } | null)?.err;
  const message =
    err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? "")}` : "";
  const match = SIGNATURE_REFUSAL.exec(message);
  return match ? (err as Error).message.slice(0, 200) : undefined;
}
