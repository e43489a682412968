/**
 * The durable primitives the orchestrator needs, adapted from Inngest's `step` by the Inngest function
 * and implemented in memory by tests. Ids must be stable across replays.
 */
export type StepRunner = {
  /** Runs `fn` once per run (memoized by id on replay); rejects after the runner's retries are exhausted. */
  run<T>(id: string, fn: () => Promise<T>): Promise<T>;
  /** A durable sleep (Inngest `step.sleep`). */
  sleep(id: string, durationMs: number): Promise<void>;
  /**
   * Waits durably for an event (Inngest `step.waitForEvent`): resolves with the first matching event, or
   * null once `timeoutMs` has passed. `if` is an Inngest expression over `event` (the run's trigger) and
   * `async` (the candidate); `match` a data path both events must share.
   */
  waitForEvent(id: string, wait: EventWait): Promise<ReceivedEvent | null>;
  /**
   * Executes a child run to its end as its own durable function (Inngest `step.invoke` of the run
   * executor) and resolves with what that function returned; rejects when it failed outright.
   */
  invoke(id: string, child: ChildRunRef): Promise<unknown>;
  /**
   * The same runner for steps that run alongside other nodes' steps, where each finished step must
   * let its own branch go on at once (Inngest's race mode) instead of waiting for the whole group.
   * A lone branch keeps the plain runner: Inngest then runs consecutive steps in one request.
   */
  concurrent?: StepRunner;
};

/** What {@link StepRunner.waitForEvent} waits for. */
export type EventWait = { event: string; timeoutMs: number } & ({ if: string } | { match: string });

/** An event as the runner hands it back (JSON: dates are strings). */
export type ReceivedEvent = { name: string; data: Record<string, unknown> };

/** A child run row the caller has created (queued) for {@link StepRunner.invoke} to execute. */
export type ChildRunRef = { runId: string; workspaceId: string };

/** The step id of a node's execution. Never change this format: in-flight runs replay by id. */
export function stepIdFor(nodeId: string): string {
  return `node:${nodeId}`;
}

/** The step id of a delay node's sleep, issued before its `node:<id>` step. */
export function sleepIdFor(nodeId: string): string {
  return `sleep:${nodeId}`;
}
