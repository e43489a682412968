import { NonRetriableError, RetryAfterError } from "inngest";
import { runWorkflow, type StepRunner, WorkflowGraphSchema } from "../../src/engine";
import { getDb } from "../../src/server/db/client";
import { beginRunExecution } from "../../src/server/runs/begin-run-execution";
import { executeNodeStep, NodeStepError } from "../../src/server/runs/execute-node-step";
import { finishRunExecution } from "../../src/server/runs/finish-run-execution";
import { inngest } from "../client";
import { runRequested } from "../events";
import { publishRunEvents } from "./publish-run-events";

/** Inngest's default; every attempt of a node is recorded in run_steps / run_events. */
const RETRIES = 4;

/**
 * execute-run — executes one run of a workflow version, node by node.
 *
 * Steps (ids are stable; never rename them, runs in flight replay by id):
 *   start            run → running, one pending run_steps row per node; returns graph + input
 *   sleep:<nodeId>   the durable wait of a delay node
 *   node:<nodeId>    one per node: record start → execute → record output or failure → publish
 *   finish           skipped/unreached nodes, terminal status, output or error, counts, duration
 *
 * Ready nodes run in parallel (Promise.all over their steps); the pure planner in
 * src/engine decides what is ready and what a condition skipped.
 */
export const executeRun = inngest.createFunction(
  { id: "execute-run", name: "Execute workflow run", triggers: [runRequested], retries: RETRIES },
  async ({ event, step, attempt, maxAttempts }) => {
    const runId = event.data.runId;
    const started = await step.run("start", async () => {
      const begun = await beginRunExecution(await getDb(), runId);
      if (begun) await publishRunEvents(begun.events);
      return begun?.context ?? null;
    });
    if (!started) return { runId, skipped: "run is already finished" };

    const runner: StepRunner = {
      run: (id, fn) => step.run(id, fn) as Promise<never>,
      sleep: (id, ms) => step.sleep(id, ms),
    };
    const outcome = await runWorkflow({
      // Stored graphs were validated on save; parsing again restores types and config defaults.
      graph: WorkflowGraphSchema.parse(started.graph),
      input: started.input,
      runner,
      runNode: async (node, scope) => {
        try {
          return await executeNodeStep(await getDb(), {
            runId,
            workspaceId: started.workspaceId,
            node,
            scope,
            attempt,
            maxAttempts: maxAttempts ?? RETRIES + 1,
            publish: publishRunEvents,
          });
        } catch (error) {
          throw toInngestError(error);
        }
      },
    });

    await step.run("finish", async () => {
      const conclusion =
        outcome.status === "succeeded"
          ? { status: "succeeded" as const, output: outcome.output, skipped: outcome.skipped }
          : {
              status: "failed" as const,
              skipped: outcome.skipped,
              error: { ...outcome.error, nodeId: outcome.failedNodeId },
            };
      await publishRunEvents(await finishRunExecution(await getDb(), { runId, conclusion }));
    });
    return { runId, status: outcome.status };
  },
);

/** Tells Inngest whether and when to retry a failed node. */
function toInngestError(error: unknown): unknown {
  if (!(error instanceof NodeStepError)) return error;
  if (!error.retriable) return new NonRetriableError(error.message, { cause: error });
  if (error.retryAfterMs !== undefined)
    return new RetryAfterError(error.message, error.retryAfterMs, { cause: error });
  return error;
}
