/**
 * The durable primitives the orchestrator needs, adapted from Inngest's `step` by the Inngest function
 * and implemented in memory by tests. Ids must be stable across replays.
 */
export type StepRunner = {
  /** Runs `fn` once per run (memoized by id on replay); rejects after the runner's retries are exhausted. */
  run<T>(id: string, fn: () => Promise<T>): Promise<T>;
  /** A durable sleep (Inngest `step.sleep`). */
  sleep(id: string, durationMs: number): Promise<void>;
};

/** The step id of a node's execution. Never change this format: in-flight runs replay by id. */
export function stepIdFor(nodeId: string): string {
  return `node:${nodeId}`;
}

/** The step id of a delay node's sleep, issued before its `node:<id>` step. */
export function sleepIdFor(nodeId: string): string {
  return `sleep:${nodeId}`;
}
