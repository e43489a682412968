import { jsonSize } from "./http-util";
import type { Run } from "./run-state";
import type { MemoizedStep, OutgoingOp, SerializedError } from "./types";

/**
 * Limits Inngest enforces, with the server's own error names and messages,
 * so a run that would fail in production fails the same way locally.
 * Sources (github.com/inngest/inngest): `pkg/consts/consts.go` for the
 * numbers, `pkg/execution/state/{state,opcode}.go` for the errors.
 */
export const LIMITS = {
  /** `consts.MaxStepOutputSize`, measured on the stored `{"data": …}`. */
  stepOutputBytes: 4 * 1024 * 1024,
  /** `consts.DefaultMaxStateSizeLimit`: all stored step outputs of one run. */
  stateBytes: 32 * 1024 * 1024,
  /** `consts.DefaultMaxStepLimit`. */
  stepsPerRun: 1_000,
  /** Above this the call body carries no state and the SDK fetches it (`use_api`). */
  requestBodyBytes: 4 * 1024 * 1024,
  /** `consts.DefaultMaxEventSize`; Inngest Cloud's free plan allows 256 KB. */
  eventBytes: 512 * 1024,
  freePlanEventBytes: 256 * 1024,
  /** `consts.MaxStreamingMessageSizeBytes`: a realtime publish body is read up to this. */
  publishBytes: 512 * 1024,
} as const;

/** `state.ErrStepOutputTooLarge` */
export const STEP_OUTPUT_TOO_LARGE = "step output size is greater than the limit";
/** `state.ErrStateOverflowed` */
export const STATE_OVERFLOWED = "state is too large";

/** Bytes a memoized step occupies in the run state: `{"data": …}` or `{"error": …}` as stored. */
export function storedSize(memo: MemoizedStep): number {
  return memo.type === "data" ? jsonSize({ data: memo.data }) : jsonSize({ error: memo.error });
}

/** The run's stored state in bytes (`md.Metrics.StateSize`), computed once then kept up to date. */
export function stateSize(run: Run): number {
  if (run.stateBytes === undefined) {
    let total = 0;
    for (const memo of run.state.values()) total += storedSize(memo);
    run.stateBytes = total;
  }
  return run.stateBytes;
}

/**
 * `POST /v1/checkpoint/:runId/async` (`checkpoint.checkpointAsyncSteps`): the
 * reason to answer 413, or undefined. The SDK then falls back to sending the
 * steps in the call's 206 answer.
 */
export function checkpointRejection(run: Run, ops: OutgoingOp[]): string | undefined {
  const steps = ops.filter((op) => op.op === "StepRun");
  const incoming = steps.reduce((sum, op) => sum + storedSize({ type: "data", data: op.data ?? null }), 0);
  if (stateSize(run) + incoming > LIMITS.stateBytes)
    return `run state size limit exceeded: ${STATE_OVERFLOWED}`;
  for (const op of steps) {
    if (storedSize({ type: "data", data: op.data ?? null }) > LIMITS.stepOutputBytes) {
      return `step ${op.id} output too large: ${STEP_OUTPUT_TOO_LARGE}`;
    }
  }
  return undefined;
}

/**
 * A 206 answer (`httpdriver.ParseGenerator` → `GeneratorOpcode.Validate`): an
 * op whose output is over 4 MB makes the whole answer an error, which the
 * server retries like any failed call, so the step runs again each attempt.
 */
export function invalidOpsError(ops: OutgoingOp[]): { op: OutgoingOp; error: SerializedError } | undefined {
  for (const op of ops) {
    if (opOutputSize(op) <= LIMITS.stepOutputBytes) continue;
    const message = `error validating generator opcode ${op.id}: ${STEP_OUTPUT_TOO_LARGE}`;
    return { op, error: { name: "Error", message } };
  }
  return undefined;
}

/** `GeneratorOpcode.Output()`: a StepRun is stored wrapped in `{"data": …}`, a RunComplete as is. */
function opOutputSize(op: OutgoingOp): number {
  if (op.op === "StepRun") return storedSize({ type: "data", data: op.data ?? null });
  if (op.op === "RunComplete") return jsonSize(op.data ?? null);
  return 0;
}

/**
 * Checked when a step is memoized; a breach fails the run at once, without
 * retries (`executor.validateStateSize`, `runValidator.checkStepLimit`).
 */
export function checkStepLimits(
  run: Run,
  memo: MemoizedStep,
  isNewStep: boolean,
): SerializedError | undefined {
  if (isNewStep && run.state.size >= LIMITS.stepsPerRun) {
    return {
      name: "InngestErrFunctionOverflowed",
      message: `The function run exceeded the step limit of ${LIMITS.stepsPerRun} steps.`,
    };
  }
  if (stateSize(run) + storedSize(memo) > LIMITS.stateBytes) {
    return {
      name: "InngestErrStateOverflowed",
      message: `The function run exceeded the state size limit of ${LIMITS.stateBytes} bytes.`,
    };
  }
  return undefined;
}

/** Keep `stateSize` current after `memo` replaced `previous` (or was added). */
export function trackStateSize(run: Run, memo: MemoizedStep, previous: MemoizedStep | undefined): void {
  const size = stateSize(run);
  run.stateBytes = size + storedSize(memo) - (previous ? storedSize(previous) : 0);
}

/** `POST /e/:key`: the server's answer for an oversized event (`eventstream.ErrEventTooLarge`). */
export function eventTooLargeError(events: unknown[], maxBytes: number): string | undefined {
  for (const event of events) {
    const size = jsonSize(event);
    if (size > maxBytes) return `Event is over the max size: Max ${maxBytes} bytes / Size ${size} bytes`;
  }
  return undefined;
}

/**
 * The first `maxBytes` of `text` in UTF-8, as `io.LimitReader` reads a
 * publish body (`pkg/execution/realtime/api.go`); a character cut in half
 * becomes U+FFFD, as Go's `json.Marshal` writes invalid UTF-8.
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, "utf8");
  return bytes.length <= maxBytes ? text : bytes.subarray(0, maxBytes).toString("utf8");
}
