import type { TimerHandle } from "./clock";
import type {
  EventPayload,
  LocalRun,
  LocalStep,
  MemoizedStep,
  OutgoingOp,
  RunStatus,
  SerializedError,
  StepStatus,
} from "./types";

/** The engine's mutable record of one run. Never handed out: see `snapshotRun`. */
export type Run = {
  id: string;
  functionId: string;
  appId: string;
  eventId: string;
  event: EventPayload;
  events: EventPayload[];
  status: RunStatus;
  output?: unknown;
  error?: SerializedError;
  startedAt: number;
  endedAt?: number;
  /** Memoized step state, sent back as `steps`. */
  state: Map<string, MemoizedStep>;
  /** Hashed ids in completion order, sent as `ctx.stack.stack`. */
  stack: string[];
  history: Map<string, LocalStep>;
  /** Negotiated request version: -1 until the SDK names one. */
  version: number;
  /**
   * Ops of the current parallel group still outstanding (planned steps,
   * sleeps, waits, invokes). Discovery resumes only once this is empty, as
   * Inngest does with optimized parallelism.
   */
  outstanding: Set<string>;
  /** Outstanding ops in race mode (`group.parallel`): each completion rediscovers at once. */
  raceOps: Set<string>;
  /** Engine timers owned by this run, cleared when it ends. */
  timers: Set<TimerHandle>;
  /** Queue-item ids of calls in flight; a checkpoint for any other is stale. */
  activeCalls: Set<string>;
  /** Discoveries in a row that changed nothing; guards against a call loop. */
  idleDiscoveries: number;
  /** Bytes of stored step state (`limits.stateSize`); computed on first use. */
  stateBytes?: number;
  parent?: { runId: string; stepId: string };
};

export function createRun(init: {
  id: string;
  functionId: string;
  appId: string;
  eventId: string;
  event: EventPayload;
  events?: EventPayload[];
  now: number;
  parent?: Run["parent"];
}): Run {
  return {
    id: init.id,
    functionId: init.functionId,
    appId: init.appId,
    eventId: init.eventId,
    event: init.event,
    events: init.events ?? [init.event],
    status: "Running",
    startedAt: init.now,
    state: new Map(),
    stack: [],
    history: new Map(),
    version: -1,
    outstanding: new Set(),
    raceOps: new Set(),
    timers: new Set(),
    activeCalls: new Set(),
    idleDiscoveries: 0,
    parent: init.parent,
  };
}

export function isTerminal(status: RunStatus): boolean {
  return status !== "Running";
}

/** The user's step id for an op, falling back to what the SDK displays. */
export function stepName(op: OutgoingOp): string {
  const base = op.userland?.id ?? op.displayName ?? op.name ?? op.id;
  // A reused step id gets an index from the SDK ("a", "a:1", …); keep them apart.
  const index = op.userland?.index;
  return op.userland?.id && typeof index === "number" && index > 0 ? `${base}:${index}` : base;
}

/** Find or create the history entry for an op. */
export function historyFor(run: Run, op: OutgoingOp, now: number, status: StepStatus = "Running"): LocalStep {
  let step = run.history.get(op.id);
  if (!step) {
    step = { id: op.id, name: stepName(op), op: op.op, status, attempts: 0, startedAt: now };
    run.history.set(op.id, step);
  } else if (step.name === step.id) {
    step.name = stepName(op);
  }
  return step;
}

export function snapshotRun(run: Run): LocalRun {
  return structuredClone({
    runId: run.id,
    functionId: run.functionId,
    appId: run.appId,
    status: run.status,
    eventId: run.eventId,
    event: run.event,
    output: run.output,
    error: run.error,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    parentRunId: run.parent?.runId,
    steps: [...run.history.values()],
  });
}

/** The body of a call to the SDK (`ctx.fn_id` + `ctx.qi_id` turn checkpointing on). */
export function buildCallBody(
  run: Run,
  opts: {
    stepId: string;
    attempt: number;
    maxAttempts: number;
    /** Discovery while parallel steps are still in flight (race mode). */
    disableImmediate?: boolean;
    checkpoint?: { fnId: string; queueItemId: string };
  },
) {
  return {
    event: run.event,
    events: run.events,
    steps: Object.fromEntries(run.state),
    ctx: {
      run_id: run.id,
      attempt: opts.attempt,
      max_attempts: opts.maxAttempts,
      // Planned steps of a parallel group run one per request, and a
      // discovery while others are in flight must only plan: the SDK must
      // not run anything inline that another request may also run.
      disable_immediate_execution: opts.stepId !== "step" || opts.disableImmediate === true,
      use_api: false,
      stack: { stack: [...run.stack], current: run.stack.length },
      ...(opts.checkpoint ? { fn_id: opts.checkpoint.fnId, qi_id: opts.checkpoint.queueItemId } : {}),
    },
    version: run.version,
  };
}
