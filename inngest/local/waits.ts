import type { EngineClock, TimerHandle } from "./clock";
import { resolveDeadline } from "./duration";
import type { Executor, WaitStarter } from "./executor";
import { matchesExpression } from "./expression";
import { ulid } from "./ids";
import type { Journal, OpDetail } from "./journal";
import type { FunctionRegistry } from "./registry";
import { isTerminal, type Run } from "./run-state";
import type { EngineLogger, EventPayload, LocalEvent, OutgoingOp } from "./types";

/**
 * Ops the executor (not the SDK) resolves later: Sleep (timer → null),
 * WaitForEvent (matching event → the event, timeout → null) and
 * InvokeFunction (child run → its output or error, a cancelled child → its
 * `inngest/function.finished` event, timeout → error; no timeout = 1 year).
 */

type Waiter = { runId: string; stepId: string; event: string; condition?: string; timer?: TimerHandle };

export type WaitsDeps = {
  clock: EngineClock;
  logger: EngineLogger;
  registry: FunctionRegistry;
  executor: Executor;
  /** Store the `inngest/function.invoked` event that starts a child run. */
  recordEvent: (payload: Omit<EventPayload, "id" | "ts">) => LocalEvent;
  /** Note on the stored event which run it started. */
  linkRun: (event: LocalEvent, runId: string) => void;
  journal: Journal;
};

export class Waits implements WaitStarter {
  #waiters: Waiter[] = [];
  readonly #invokeTimers = new Map<string, TimerHandle>();

  constructor(private readonly d: WaitsDeps) {}

  start(run: Run, op: OutgoingOp): void {
    if (op.op === "Sleep") this.#sleep(run, op);
    else if (op.op === "WaitForEvent") this.#waitForEvent(run, op);
    else if (op.op === "InvokeFunction") this.#invoke(run, op);
  }

  forget(run: Run): void {
    this.#waiters = this.#waiters.filter((waiter) => waiter.runId !== run.id);
  }

  /** Offer an incoming event to every run waiting for it. */
  onEvent(event: EventPayload): void {
    for (const waiter of [...this.#waiters]) {
      if (waiter.event !== event.name) continue;
      const run = this.d.executor.runs.get(waiter.runId);
      if (!run || isTerminal(run.status)) continue;
      if (waiter.condition && !this.#matches(waiter.condition, run.event, event)) continue;
      this.#waiters = this.#waiters.filter((other) => other !== waiter);
      if (waiter.timer) this.#clear(run, waiter.timer);
      this.d.executor.resume(run, waiter.stepId, { type: "data", data: event });
    }
  }

  /**
   * Restart: re-arm an op the previous engine journaled, at its stored
   * absolute time (a past-due timer fires at once). Returns the child run id
   * of an invoke so the caller can resume parents whose child already ended.
   */
  restore(run: Run, stepId: string, detail: OpDetail): string | undefined {
    if (detail.kind === "sleep") {
      this.#timer(run, detail.at, () => this.d.executor.resume(run, stepId, { type: "data", data: null }));
    } else if (detail.kind === "wait") {
      this.#addWaiter(run, stepId, detail.event, detail.if, detail.at);
    } else if (detail.kind === "invoke") {
      if (detail.at !== undefined) this.#armInvokeTimeout(run, stepId, detail.at);
      return detail.childRunId;
    }
    return undefined;
  }

  /**
   * A run ended: hand its result to the parent's `step.invoke`. Inngest resumes
   * the parent with the child's `inngest/function.finished` event: its `result`
   * as data, its `error` as an error, and when it has neither, as for a
   * cancelled child, the whole event as data (`Pause.GetResumeData`), so the
   * parent's `step.invoke` resolves instead of throwing.
   */
  onRunFinished(child: Run): void {
    if (!child.parent) return;
    const parent = this.d.executor.runs.get(child.parent.runId);
    if (!parent) return;
    const key = `${parent.id}/${child.parent.stepId}`;
    const timer = this.#invokeTimers.get(key);
    if (timer) this.#clear(parent, timer);
    this.#invokeTimers.delete(key);
    const stepId = child.parent.stepId;
    if (child.status === "Completed") {
      this.d.executor.resume(parent, stepId, { type: "data", data: child.output ?? null });
    } else if (child.status === "Cancelled") {
      this.d.executor.resume(parent, stepId, {
        type: "data",
        data: this.#cancelledFinish(child, parent, stepId),
      });
    } else {
      const error = child.error ?? {
        name: "Error",
        message: `Invoked run ${child.id} ended as ${child.status}`,
      };
      this.d.executor.resume(parent, stepId, { type: "error", error });
    }
  }

  /** The `inngest/function.finished` event of a cancelled child, as Inngest's `finalizeEvents` builds it. */
  #cancelledFinish(child: Run, parent: Run, stepId: string) {
    const now = this.d.clock.now();
    return {
      name: "inngest/function.finished",
      id: ulid(now),
      ts: now,
      user: {},
      data: {
        function_id: child.functionId,
        run_id: child.id,
        event: child.event,
        events: [child.event],
        correlation_id: `${parent.id}.${stepId}`,
        _inngest: { status: "Cancelled" },
      },
    };
  }

  #sleep(run: Run, op: OutgoingOp) {
    const spec = op.opts?.duration ?? op.name;
    const at = resolveDeadline(spec, this.d.clock.now());
    if (at === undefined) {
      const message = `step.sleep "${op.userland?.id ?? op.id}": cannot read duration ${JSON.stringify(spec)}`;
      return this.d.executor.finish(run, "Failed", { error: { name: "Error", message } });
    }
    this.d.journal.saveOp(run.id, op.id, { kind: "sleep", at, race: run.raceOps.has(op.id) });
    this.#timer(run, at, () => this.d.executor.resume(run, op.id, { type: "data", data: null }));
  }

  #waitForEvent(run: Run, op: OutgoingOp) {
    const opts = op.opts ?? {};
    const event = typeof opts.event === "string" ? opts.event : op.name;
    if (!event) {
      const message = `step.waitForEvent "${op.userland?.id ?? op.id}" names no event`;
      return this.d.executor.finish(run, "Failed", { error: { name: "Error", message } });
    }
    const condition = typeof opts.if === "string" ? opts.if : undefined;
    const at = resolveDeadline(opts.timeout, this.d.clock.now());
    const race = run.raceOps.has(op.id);
    this.d.journal.saveOp(run.id, op.id, { kind: "wait", event, if: condition, at, race });
    this.#addWaiter(run, op.id, event, condition, at);
  }

  #addWaiter(run: Run, stepId: string, event: string, condition: string | undefined, at: number | undefined) {
    const waiter: Waiter = { runId: run.id, stepId, event, condition };
    if (at !== undefined) {
      waiter.timer = this.#timer(run, at, () => {
        this.#waiters = this.#waiters.filter((other) => other !== waiter);
        this.d.executor.resume(run, stepId, { type: "data", data: null });
      });
    }
    this.#waiters.push(waiter);
  }

  #invoke(run: Run, op: OutgoingOp) {
    const opts = op.opts ?? {};
    const functionId = typeof opts.function_id === "string" ? opts.function_id : "";
    const fn = this.d.registry.get(functionId);
    if (!fn) {
      const message = `Could not invoke "${functionId}": no function with that id is synced`;
      return this.d.executor.resume(run, op.id, { type: "error", error: { name: "Error", message } });
    }
    const payload = (opts.payload ?? {}) as { data?: Record<string, unknown>; v?: string };
    // Inngest adds `_inngest` to the child's event data; keep it so the app
    // sees locally what it will see in production.
    const stored = this.d.recordEvent({
      name: "inngest/function.invoked",
      data: {
        ...(payload.data ?? {}),
        _inngest: {
          source_app_id: run.appId,
          source_fn_id: run.functionId,
          source_run_id: run.id,
          invoke_correlation_id: `${run.id}.${op.id}`,
        },
      },
      ...(payload.v === undefined ? {} : { v: payload.v }),
    });
    // Inngest's `InvokeFunctionOpts.Expires`: no timeout (or "") means one year.
    const now = this.d.clock.now();
    const at =
      opts.timeout === undefined || opts.timeout === ""
        ? oneYearAfter(now)
        : (resolveDeadline(opts.timeout, now) ?? oneYearAfter(now));
    this.#armInvokeTimeout(run, op.id, at);
    const child = this.d.executor.start(fn, stored.internalId, stored.payload, {
      runId: run.id,
      stepId: op.id,
    });
    this.d.linkRun(stored, child.id);
    // Journaled unless the child already finished (and resumed this op) synchronously.
    if (run.outstanding.has(op.id)) {
      const race = run.raceOps.has(op.id);
      this.d.journal.saveOp(run.id, op.id, { kind: "invoke", childRunId: child.id, at, race });
    }
  }

  #armInvokeTimeout(run: Run, stepId: string, at: number) {
    const message = "Timed out waiting for invoked function to complete";
    const timer = this.#timer(run, at, () => {
      this.#invokeTimers.delete(`${run.id}/${stepId}`);
      this.d.executor.resume(run, stepId, {
        type: "error",
        error: { name: "InngestInvokeTimeoutError", message },
      });
    });
    this.#invokeTimers.set(`${run.id}/${stepId}`, timer);
  }

  #matches(condition: string, original: EventPayload, incoming: EventPayload): boolean {
    try {
      return matchesExpression(condition, { event: original, async: incoming });
    } catch (err) {
      this.d.logger.warn(`[inngest-local] waitForEvent: ${(err as Error).message}`);
      return false;
    }
  }

  #timer(run: Run, at: number, fire: () => void): TimerHandle {
    const timer = this.d.clock.setTimer(at, () => {
      run.timers.delete(timer);
      fire();
    });
    run.timers.add(timer);
    return timer;
  }

  #clear(run: Run, timer: TimerHandle) {
    this.d.clock.clearTimer(timer);
    run.timers.delete(timer);
  }
}

/** `time.Now().AddDate(1, 0, 0)`: the same date and time a calendar year later (UTC). */
function oneYearAfter(now: number): number {
  const date = new Date(now);
  date.setUTCFullYear(date.getUTCFullYear() + 1);
  return date.getTime();
}
