import { DELAY_NODE } from "./catalog/delay";
import { DelayConfigSchema } from "./configs";
import { parseDuration } from "./duration";
import type { NodeDefinition } from "./node-definition";
import { NodeExecutionError } from "./node-execution-error";

/**
 * delay: reports how long the run slept → `{ delayedMs }`. The sleep itself is a durable
 * `runner.sleep` issued by the orchestrator before this executor runs; see {@link delayMsOf}.
 */
export const delayNode: NodeDefinition<"delay"> = {
  ...DELAY_NODE,
  sideEffect: "timer",
  execute: async (config) => {
    const parsed = parseDuration(config.duration);
    if (!parsed.ok) {
      throw new NodeExecutionError(`config.duration: ${parsed.message}`, {
        code: "invalid_config",
        retriable: false,
      });
    }
    return { delayedMs: parsed.ms };
  },
};

/** The sleep a delay node asks for, or null when its config is unreadable (its step then fails clearly). */
export function delayMsOf(config: unknown): number | null {
  const parsed = DelayConfigSchema.safeParse(config);
  if (!parsed.success) return null;
  const duration = parseDuration(parsed.data.duration);
  return duration.ok ? duration.ms : null;
}
