import { jsonSize } from "./http-util";
import type { MemoizedStep, SerializedError } from "./types";

/** Limits Inngest Cloud enforces; mirrored so local runs fail the same way. */
export const LIMITS = {
  stepOutputBytes: 4 * 1024 * 1024,
  stepsPerRun: 1_000,
  /** Above this the call body carries no state and the SDK fetches it (`use_api`). */
  requestBodyBytes: 4 * 1024 * 1024,
} as const;

/** An error that ends the run, or undefined when the step fits the limits. */
export function checkStepLimits(
  memo: MemoizedStep,
  stepName: string,
  isNewStep: boolean,
  memoizedCount: number,
): SerializedError | undefined {
  if (isNewStep && memoizedCount >= LIMITS.stepsPerRun) {
    return {
      name: "StepLimitExceeded",
      message: `Function run exceeded the limit of ${LIMITS.stepsPerRun} steps (at step "${stepName}")`,
    };
  }
  if (memo.type === "data") {
    const size = jsonSize(memo.data);
    if (size > LIMITS.stepOutputBytes) {
      return {
        name: "OutputTooLarge",
        message: `Step "${stepName}" returned ${size} bytes; step output is limited to 4 MB (${LIMITS.stepOutputBytes} bytes)`,
      };
    }
  }
  return undefined;
}
