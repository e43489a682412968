/**
 * The `Idempotency-Key` a node sends on its outbound calls. It depends only on the run and the node, so
 * every attempt of one node in one run sends the same key and a provider that honours the header (OpenAI,
 * Stripe, most payment and messaging APIs) can drop the duplicate a retried attempt would otherwise make.
 * A new run (or a re-run) gets new keys: it is meant to act again.
 */
export function idempotencyKeyFor(runId: string, nodeId: string): string {
  return `stepwise-${runId}-${nodeId}`;
}

/** Header name as sent; HTTP header names are case-insensitive. */
export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
