import { clampRetryAfter, type RetryBackoff } from "./backoff";
import type { EngineClock } from "./clock";
import type { ConcurrencyLimiter } from "./concurrency";
import { ulid } from "./ids";
import type { Journal, PersistedCall } from "./journal";
import { checkpointRejection, invalidOpsError, LIMITS } from "./limits";
import type { FunctionRegistry, RegisteredFunction } from "./registry";
import { buildCallBody, createRun, isTerminal, type Run } from "./run-state";
import { callSdk, type SdkAnswer } from "./sdk-client";
import { concurrencySlots } from "./slots";
import { StepBook } from "./step-book";
import type {
  EngineLogger,
  EngineMode,
  EventPayload,
  MemoizedStep,
  OutgoingOp,
  SerializedError,
} from "./types";
import type { WorkTracker } from "./work-tracker";

/**
 * The executor loop over the serve protocol: call the app, read its answer,
 * memoize, and schedule what comes next (rediscovery, planned steps,
 * retries with backoff). Sleeps, waits and invokes are handed to `waits`.
 */

/**
 * One queue item: which step to ask for and at which attempt. `callId` names
 * its row in the journal, which lives until the answer has been handled.
 */
type Target = {
  stepId: string;
  attempt: number;
  disableImmediate?: boolean;
  resynced?: boolean;
  callId?: string;
};

export type WaitStarter = {
  /** Start a Sleep, WaitForEvent or InvokeFunction op; it resolves via `executor.resume`. */
  start(run: Run, op: OutgoingOp): void;
  /** Drop every wait the run still has (it ended). */
  forget(run: Run): void;
};

export type ExecutorOptions = {
  registry: FunctionRegistry;
  clock: EngineClock;
  tracker: WorkTracker;
  limiter: ConcurrencyLimiter;
  logger: EngineLogger;
  mode: EngineMode;
  signingKey?: string;
  backoff: RetryBackoff;
  resync: (appUrl: string) => Promise<unknown>;
  onRunStarted: (run: Run) => void;
  onRunFinished: (run: Run) => void;
  journal: Journal;
};

const WAIT_OPS = new Set(["Sleep", "WaitForEvent", "InvokeFunction"]);
const IGNORED_OPS = new Set(["DiscoveryRequest", "DeferAdd", "DeferAbort"]);
const MAX_IDLE_DISCOVERIES = 10;

export class Executor {
  readonly runs = new Map<string, Run>();
  readonly steps: StepBook;
  waits: WaitStarter = { start: () => {}, forget: () => {} };
  #stopped = false;

  constructor(private readonly o: ExecutorOptions) {
    this.steps = new StepBook(o.clock, o.journal, (run, error) => this.finish(run, "Failed", { error }));
  }

  start(fn: RegisteredFunction, eventId: string, event: EventPayload, parent?: Run["parent"]): Run {
    const now = this.o.clock.now();
    const run = createRun({ id: ulid(now), functionId: fn.id, appId: fn.appId, eventId, event, now, parent });
    this.runs.set(run.id, run);
    this.o.journal.saveRun(run);
    this.o.onRunStarted(run);
    this.#dispatch(run, { stepId: "step", attempt: 0 });
    return run;
  }

  /** Engine closing: answers still in flight must not start more work. */
  stop(): void {
    this.#stopped = true;
  }

  cancel(runId: string): boolean {
    const run = this.runs.get(runId);
    if (!run || isTerminal(run.status)) return false;
    this.o.journal.atomic(() =>
      this.finish(run, "Cancelled", { error: { name: "Cancelled", message: "Run was cancelled" } }),
    );
    return true;
  }

  /** Restart: re-issue a call the previous engine had scheduled or in flight, at its due time. */
  restoreCall(run: Run, call: PersistedCall): void {
    const target = { stepId: call.stepId, attempt: call.attempt, disableImmediate: call.disableImmediate };
    this.#dispatch(run, { ...target, callId: call.callId }, call.dueAt - this.o.clock.now());
  }

  /** Restart: a running run with nothing outstanding and no call gets a fresh discovery. */
  rediscover(run: Run): void {
    this.#dispatch(run, { stepId: "step", attempt: 0 });
  }

  /** A wait resolved outside a call (timer, event, child run): memoize and maybe rediscover. */
  resume(run: Run, stepId: string, memo: MemoizedStep): void {
    if (isTerminal(run.status) || !run.outstanding.has(stepId)) return;
    const raced = run.raceOps.has(stepId);
    if (!this.steps.memoize(run, { id: stepId, op: run.history.get(stepId)?.op ?? "Step" }, memo)) return;
    this.#continue(run, raced);
  }

  /**
   * `POST /v1/checkpoint/:runId/async`: steps the SDK ran inline during a call.
   * 413 (with Inngest's message) when a step or the run state is over its
   * limit: nothing is stored and the SDK resends the steps in its 206.
   */
  acceptCheckpoint(
    runId: string,
    queueItemId: string | undefined,
    ops: OutgoingOp[],
  ): { status: number; message?: string } {
    const run = this.runs.get(runId);
    if (!run) return { status: 404 };
    // 409 tells the SDK its dispatch is stale and stops it running more steps.
    if (isTerminal(run.status) || (queueItemId && !run.activeCalls.has(queueItemId))) return { status: 409 };
    const rejection = checkpointRejection(run, ops);
    if (rejection) return { status: 413, message: rejection };
    // Memoized (and journaled) before the SDK hears 200 and moves on.
    return this.o.journal.atomic(() => {
      for (const op of ops) {
        if (op.op !== "StepRun") continue;
        if (!this.steps.memoize(run, op, { type: "data", data: op.data ?? null })) return { status: 409 };
      }
      return { status: 200 };
    });
  }

  finish(
    run: Run,
    status: "Completed" | "Failed" | "Cancelled",
    result: { output?: unknown; error?: SerializedError },
  ) {
    if (isTerminal(run.status)) return;
    run.status = status;
    run.endedAt = this.o.clock.now();
    if (status === "Completed") run.output = result.output ?? null;
    else run.error = result.error;
    for (const timer of run.timers) this.o.clock.clearTimer(timer);
    run.timers.clear();
    run.outstanding.clear();
    run.activeCalls.clear();
    this.o.journal.finishRun(run);
    this.waits.forget(run);
    this.o.onRunFinished(run);
  }

  #dispatch(run: Run, target: Target, delayMs = 0) {
    if (isTerminal(run.status) || this.#stopped) return;
    const call = { ...target, callId: target.callId ?? ulid(this.o.clock.now()) };
    this.o.journal.saveCall({
      callId: call.callId,
      runId: run.id,
      stepId: call.stepId,
      attempt: call.attempt,
      disableImmediate: call.disableImmediate === true,
      dueAt: this.o.clock.now() + Math.max(0, delayMs),
    });
    if (delayMs <= 0) {
      void this.#execute(run, call);
      return;
    }
    const timer = this.o.clock.setTimer(this.o.clock.now() + delayMs, () => {
      run.timers.delete(timer);
      void this.#execute(run, call);
    });
    run.timers.add(timer);
  }

  async #execute(run: Run, target: Target): Promise<void> {
    const done = this.o.tracker.begin();
    try {
      if (isTerminal(run.status)) return;
      const fn = this.o.registry.get(run.functionId);
      if (!fn) {
        const message = `Function "${run.functionId}" is no longer registered`;
        return this.o.journal.atomic(() => this.finish(run, "Failed", { error: { name: "Error", message } }));
      }
      const release = await this.o.limiter.acquire(concurrencySlots(fn, run, this.o.logger));
      let answer: SdkAnswer;
      const queueItemId = ulid(this.o.clock.now());
      try {
        if (isTerminal(run.status)) return;
        run.activeCalls.add(queueItemId);
        const { body, text } = this.#body(run, fn, target, queueItemId);
        answer = await callSdk({
          url: fn.url,
          stepId: target.stepId,
          body,
          text,
          signingKey: this.o.signingKey,
          now: this.o.clock.now(),
        });
      } finally {
        run.activeCalls.delete(queueItemId);
        release();
      }
      // Closing: leave the call journaled so the next engine on this store repeats it.
      if (isTerminal(run.status) || this.#stopped) return;
      this.o.journal.atomic(() => {
        if (answer.version && answer.version !== run.version) {
          run.version = answer.version;
          this.o.journal.saveRun(run);
        }
        if (target.callId) this.o.journal.deleteCall(target.callId);
        this.#handle(run, fn, target, answer);
      });
    } catch (err) {
      this.o.logger.error(`[inngest-local] run ${run.id}: ${(err as Error).stack ?? String(err)}`);
      const message = `Local engine error: ${(err as Error).message}`;
      this.o.journal.atomic(() => this.finish(run, "Failed", { error: { name: "Error", message } }));
    } finally {
      done();
    }
  }

  #body(run: Run, fn: RegisteredFunction, target: Target, queueItemId: string) {
    const checkpoint = this.o.mode === "checkpoint" ? { fnId: fn.uuid, queueItemId } : undefined;
    const body = buildCallBody(run, { ...target, maxAttempts: fn.maxAttempts, checkpoint });
    const text = JSON.stringify(body);
    if (Buffer.byteLength(text) <= LIMITS.requestBodyBytes) return { body, text };
    // Like Inngest: state too big for one request is fetched by the SDK via
    // GET /v0/runs/:id/actions and /batch instead.
    const slim = { ...body, steps: {}, events: [], ctx: { ...body.ctx, use_api: true } };
    return { body: slim, text: JSON.stringify(slim) };
  }

  /** Synchronous: the caller wraps it in one journal transaction. */
  #handle(run: Run, fn: RegisteredFunction, target: Target, answer: SdkAnswer) {
    if (answer.kind === "complete") return this.finish(run, "Completed", { output: answer.data });
    if (answer.kind === "ops") {
      // Inngest rejects the whole answer when an op breaks a size limit and
      // retries the call, so the step body runs again on every attempt.
      const invalid = invalidOpsError(answer.ops);
      if (!invalid) return this.#handleOps(run, fn, target, answer.ops, answer.retryAfterMs);
      this.steps.recordAttemptError(run, invalid.op, invalid.error);
      if (target.attempt + 1 >= fn.maxAttempts) return this.finish(run, "Failed", { error: invalid.error });
      return this.#retry(run, target, answer.retryAfterMs);
    }

    if (answer.unknownFunction && !target.resynced) {
      this.o.logger.warn(`[inngest-local] ${fn.id} unknown to its app; re-syncing ${fn.appUrl}`);
      const done = this.o.tracker.begin();
      void this.o
        .resync(fn.appUrl)
        .catch(() => undefined)
        .then(() =>
          this.o.journal.atomic(() => this.#dispatch(run, { ...target, resynced: true, callId: undefined })),
        )
        .finally(done);
      return;
    }
    if (!answer.retriable || target.attempt + 1 >= fn.maxAttempts) {
      return this.finish(run, "Failed", { error: answer.error });
    }
    this.#retry(run, target, answer.retryAfterMs);
  }

  #retry(run: Run, target: Target, retryAfterMs: number | undefined) {
    const attempt = target.attempt + 1;
    this.#dispatch(
      run,
      { ...target, attempt, resynced: false, callId: undefined },
      clampRetryAfter(retryAfterMs) ?? this.o.backoff(attempt),
    );
  }

  #handleOps(run: Run, fn: RegisteredFunction, target: Target, ops: OutgoingOp[], retryAfterMs?: number) {
    let progressed = false;
    let raced = false;
    let stepError: OutgoingOp | undefined;
    const planned: OutgoingOp[] = [];
    const waits: OutgoingOp[] = [];

    for (const op of ops) {
      switch (op.op) {
        case "StepRun":
        case "StepFailed": {
          raced ||= run.raceOps.has(op.id);
          const memo: MemoizedStep =
            op.op === "StepRun"
              ? { type: "data", data: op.data ?? null }
              : { type: "error", error: this.steps.errorOf(op) };
          if (!this.steps.memoize(run, op, memo)) return;
          progressed = true;
          break;
        }
        case "StepError":
        case "StepNotFound":
          stepError = op;
          break;
        case "StepPlanned":
          planned.push(op);
          break;
        case "RunComplete":
          return this.finish(run, "Completed", { output: op.data ?? null });
        default:
          if (WAIT_OPS.has(op.op)) waits.push(op);
          else if (!IGNORED_OPS.has(op.op)) {
            const message = `Step op "${op.op}" (step "${op.userland?.id ?? op.id}") is not supported by the local engine`;
            return this.finish(run, "Failed", { error: { name: "UnsupportedOp", message } });
          }
      }
    }

    if (stepError) return this.#stepErrored(run, fn, target, stepError, retryAfterMs);
    if (target.stepId !== "step" && run.outstanding.has(target.stepId)) {
      // Asked to run one step, the app answered without it: treat as a
      // retriable failure rather than wait forever.
      const error = { name: "Error", message: `The app did not report step ${target.stepId}` };
      return this.#stepErrored(run, fn, target, { id: target.stepId, op: "StepError", error }, retryAfterMs);
    }

    // A discovery made while steps are in flight (race mode) re-reports them;
    // they are already running or done and must not start twice.
    const isNew = (op: OutgoingOp) => !run.outstanding.has(op.id) && !run.state.has(op.id);
    const newPlanned = planned.filter(isNew);
    const newWaits = waits.filter(isNew);
    for (const op of [...newPlanned, ...newWaits]) this.steps.plan(run, op);
    for (const op of newPlanned) this.#dispatch(run, { stepId: op.id, attempt: 0 });
    for (const op of newWaits) this.waits.start(run, op);

    if (target.stepId === "step") {
      // A race-mode discovery while other steps are still out legitimately finds nothing new; only an
      // app that answers with nothing while nothing is pending is spinning.
      const idle = !progressed && newPlanned.length + newWaits.length === 0 && run.outstanding.size === 0;
      run.idleDiscoveries = idle ? run.idleDiscoveries + 1 : 0;
      if (run.idleDiscoveries > MAX_IDLE_DISCOVERIES) {
        const message = "The app keeps answering without progress; giving up";
        return this.finish(run, "Failed", { error: { name: "Error", message } });
      }
    }
    this.#continue(run, raced);
  }

  /** A step threw: retry the same call later, or memoize the failure once attempts run out. */
  #stepErrored(run: Run, fn: RegisteredFunction, target: Target, op: OutgoingOp, retryAfterMs?: number) {
    const error = this.steps.errorOf(op);
    if (op.op === "StepError") this.steps.recordAttemptError(run, op, error);
    if (target.attempt + 1 < fn.maxAttempts) return this.#retry(run, target, retryAfterMs);
    if (op.op === "StepNotFound") return this.finish(run, "Failed", { error });
    const raced = run.raceOps.has(op.id);
    if (!this.steps.memoize(run, op, { type: "error", error }, false)) return;
    this.#continue(run, raced);
  }

  /**
   * Rediscover once the whole parallel group is done (optimized parallelism),
   * or at once when a race-mode step finished; that discovery may only plan.
   */
  #continue(run: Run, raced: boolean) {
    if (isTerminal(run.status)) return;
    if (run.outstanding.size === 0) this.#dispatch(run, { stepId: "step", attempt: 0 });
    else if (raced) this.#dispatch(run, { stepId: "step", attempt: 0, disableImmediate: true });
  }
}
