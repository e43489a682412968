import type { EngineClock } from "./clock";
import type { Journal } from "./journal";
import { checkStepLimits, trackStateSize } from "./limits";
import { historyFor, isTerminal, type Run, stepName } from "./run-state";
import { toSerializedError } from "./sdk-client";
import type { MemoizedStep, OutgoingOp, SerializedError, StepStatus } from "./types";

const WAITING_STATUS: Record<string, StepStatus> = {
  Sleep: "Sleeping",
  WaitForEvent: "Waiting",
  InvokeFunction: "Invoking",
};

/**
 * Memoized step state plus the per-step history tests and the UI read.
 * Enforces the per-step limits; a breach ends the run through `fail`.
 */
export class StepBook {
  constructor(
    private readonly clock: EngineClock,
    private readonly journal: Journal,
    private readonly fail: (run: Run, error: SerializedError) => void,
  ) {}

  /** Note a step the run now waits for (planned step, sleep, wait, invoke). */
  plan(run: Run, op: OutgoingOp): void {
    const step = historyFor(run, op, this.clock.now(), WAITING_STATUS[op.op] ?? "Running");
    step.op = op.op === "StepPlanned" ? "StepRun" : op.op;
    run.outstanding.add(op.id);
    const race = op.opts?.parallelMode === "race";
    if (race) run.raceOps.add(op.id);
    this.journal.saveStep(run.id, { stepId: op.id, history: step });
    // Waits overwrite this with what re-arms them (wake time, event, child run).
    this.journal.saveOp(run.id, op.id, { kind: "step", race });
  }

  /**
   * Memoize a step result. Returns false when the run has ended (already, or
   * now because a limit was hit) so callers stop processing.
   * `countsAsAttempt`: the result comes from the step body running once more.
   */
  memoize(run: Run, op: OutgoingOp, memo: MemoizedStep, countsAsAttempt = true): boolean {
    if (isTerminal(run.status)) return false;
    const isNew = !run.state.has(op.id);
    const breach = checkStepLimits(run, memo, isNew);
    if (breach) {
      this.fail(run, breach);
      return false;
    }

    const step = historyFor(run, op, this.clock.now());
    if (op.op === "StepRun" || op.op === "StepFailed") step.op = "StepRun";
    if (isNew && countsAsAttempt && (op.op === "StepRun" || op.op === "StepFailed")) step.attempts++;
    step.endedAt = this.clock.now();
    if (memo.type === "data") {
      step.status = "Completed";
      step.output = memo.data;
      delete step.error;
    } else {
      step.status = "Failed";
      step.error = memo.error;
    }

    trackStateSize(run, memo, run.state.get(op.id));
    run.state.set(op.id, memo);
    if (isNew) run.stack.push(op.id);
    run.outstanding.delete(op.id);
    run.raceOps.delete(op.id);
    this.journal.saveStep(run.id, {
      stepId: op.id,
      seq: isNew ? run.stack.length - 1 : undefined,
      memo,
      history: step,
    });
    this.journal.deleteOp(run.id, op.id);
    return true;
  }

  /** A step body threw a retriable error: count the attempt, keep the step open. */
  recordAttemptError(run: Run, op: OutgoingOp, error: SerializedError): void {
    const step = historyFor(run, op, this.clock.now());
    step.op = "StepRun";
    step.attempts++;
    step.error = error;
    this.journal.saveStep(run.id, { stepId: op.id, history: step });
  }

  errorOf(op: OutgoingOp): SerializedError {
    return toSerializedError(op.error ?? op.data ?? { message: `Step "${stepName(op)}" failed` });
  }
}
