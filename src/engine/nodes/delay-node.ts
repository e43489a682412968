import type { WorkflowNodeOf } from "../graph/schema";
import { delayStartIdFor } from "../run/run-wait-nodes";
import { sleepIdFor } from "../run/step-runner";
import { DELAY_NODE } from "./catalog/delay";
import { DelayConfigSchema } from "./configs";
import { parseDuration } from "./duration";
import type { NodeDefinition, OrchestrationContext } from "./node-definition";
import { NodeExecutionError } from "./node-execution-error";

/**
 * delay: reports how long the run slept → `{ delayedMs }`. The sleep itself is a durable
 * `runner.sleep` issued before this executor runs ({@link runDelayNode}).
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
  orchestrate: (node, ctx) => runDelayNode(node, ctx),
};

/** The sleep a delay node asks for, or null when its config is unreadable (its step then fails clearly). */
export function delayMsOf(config: unknown): number | null {
  const parsed = DelayConfigSchema.safeParse(config);
  if (!parsed.success) return null;
  const duration = parseDuration(parsed.data.duration);
  return duration.ok ? duration.ms : null;
}

/**
 * delay-start:<id> records the start → sleep:<id> → node:<id>. An unreadable duration skips the sleep;
 * the node's own step then fails with the config error.
 */
export async function runDelayNode(
  node: WorkflowNodeOf<"delay">,
  { runner, runStep, effects }: OrchestrationContext,
): Promise<unknown> {
  const ms = delayMsOf(node.data.config);
  if (ms !== null) {
    // A sleep can write nothing, so the node's start (running, its start time) is its own step.
    // A run that was asleep or past the sleep when this step was added meets it as a new step on
    // replay and runs it then: a node still pending starts at that moment (its sleep's length is
    // lost, as it was before), one that already ran is left alone.
    if (effects) await runner.run(delayStartIdFor(node.id), () => effects.startDelay(node));
    await runner.sleep(sleepIdFor(node.id), ms);
  }
  return runStep();
}
