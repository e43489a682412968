import { z } from "zod";

/**
 * Per-node execution settings, next to `config` in a node's `data`. They apply
 * to every node type: how often to retry, how long an attempt may take, and
 * whether the run goes on when the node fails for good.
 */
export const NodeSettingsSchema = z
  .object({
    /** Retries after the first attempt (0 = never retry). Unset: the run's default. */
    retries: z.number().int().min(0).max(10).optional(),
    /** Delay before the first retry; doubles on each further retry (capped at 10 minutes). */
    backoffMs: z.number().int().min(0).max(600_000).optional(),
    /** Upper bound for one attempt; the node fails with `timeout` past it. */
    timeoutMs: z.number().int().min(100).max(900_000).optional(),
    /** When the node fails for good, the run continues (its dependents see no output) and ends `partial`. */
    continueOnError: z.boolean().optional(),
  })
  .strict();

export type NodeSettings = z.output<typeof NodeSettingsSchema>;

/** Retry delay for the given retry (1 = the first retry), from the node's settings. */
export function retryDelayMs(settings: NodeSettings, retry: number): number | undefined {
  if (settings.backoffMs === undefined) return undefined;
  return Math.min(settings.backoffMs * 2 ** Math.max(0, retry - 1), 600_000);
}
