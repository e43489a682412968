import type { AgentOutcome } from "@/engine";
import type { Database } from "../db/client";
import type { RunEvent } from "../db/schema";
import { storeOutput } from "../runs/output-refs";
import { recordStepSucceeded } from "../runs/record-step";
import { storableOutput } from "../runs/storable-output";
import { failWaitStep, type WaitStepRef } from "../runs/wait-node-steps";

/**
 * The last step of an agent node (`node:<nodeId>`): the output (the transcript stored out of line when
 * large) with the totals as the step's usage, or, at a limit with `onLimit: "fail"`, the failure naming
 * the limit (the conversation so far stays readable in the run's agent.* events).
 */
export async function finishAgent(
  db: Database,
  args: WaitStepRef & { outcome: AgentOutcome; publish: (events: RunEvent[]) => void },
): Promise<unknown> {
  const { outcome, publish, ...ref } = args;
  if (!outcome.ok) throw await failWaitStep(db, ref, outcome.error, publish);
  const { turns, usage, costUsd } = outcome.output;
  const output = await storeOutput(db, ref, storableOutput(outcome.output));
  publish(
    await recordStepSucceeded(db, {
      ...ref,
      output,
      logs: [],
      usage: {
        model: turns.at(-1)?.model ?? "",
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
        costUsd,
      },
    }),
  );
  return output;
}
