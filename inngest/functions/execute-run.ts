import { NonRetriableError, RetryAfterError, referenceFunction } from "inngest";
import { runWorkflow, type StepRunner, subgraph, WorkflowGraphSchema } from "../../src/engine";
import { getEnv } from "../../src/lib/env";
import { withRequestContext } from "../../src/lib/request-context";
import { getDb } from "../../src/server/db/client";
import { beginRunExecution } from "../../src/server/runs/begin-run-execution";
import { executeNodeStep, NodeStepError } from "../../src/server/runs/execute-node-step";
import { finishRunExecution } from "../../src/server/runs/finish-run-execution";
import { InlineStateBudget } from "../../src/server/runs/inline-state-budget";
import { createNodeEffects } from "../../src/server/runs/node-effects";
import { publishRunEvents } from "../../src/server/runs/publish-run-events";
import { writeStepRecords } from "../../src/server/runs/step-record-journal";
import { inngest } from "../client";
import { runCancelRequested, runRequested } from "../events";

/**
 * The ceiling for any step; each node retries as its settings say (4 unless
 * set, Inngest's default) and stops there by failing non-retriably.
 */
const RETRIES = 10;

/**
 * execute-run — executes one run of a workflow version, node by node.
 *
 * Steps (ids are stable; never rename them, runs in flight replay by id):
 *   start            claims the run for this function run (another owner → stop, writing nothing),
 *                    run → running, one pending run_steps row per executed node; returns graph, input,
 *                    and for a partial run the nodes to execute and the seeded upstream outputs (as
 *                    references: Inngest memoizes this result, 4 MB at most)
 *   delay-start:<nodeId>  a delay node's step row → running (its start time) and `step.started`,
 *                    before its sleep (new: older runs meet it on replay; it writes only to a pending row)
 *   sleep:<nodeId>   the durable wait of a delay node
 *   approval-request:<nodeId>  an approval node's pending approval (row, signed link, run → waiting)
 *   approval:<nodeId>          waitForEvent `workflow/approval.decided` for that run and node, or the timeout
 *   subrun-start:<nodeId>      a sub-workflow node's child run row (queued, pinned, depth-checked)
 *   subrun:<nodeId>            invoke of this same function on the child run; returns when it ends
 *   node:<nodeId>    one per node: record start → execute → record output or failure → publish
 *                    (approval and sub-workflow nodes: record the decision / the child's outcome)
 *   finish           skipped/unreached nodes, terminal status, output or error, counts, duration
 *   mark-run-failed  (onFailure) the function failed outright: the run ends failed with the reason
 *
 * Branches run independently: a node's steps start as soon as its own parents have settled (the pure
 * planner in src/engine decides what is ready and what a condition skipped). Steps of parallel
 * branches carry Inngest's race mode, so each finished step lets its branch go on; a lone chain's
 * steps do not, so Inngest runs them one after another in one checkpointed request. A partial run
 * (one node alone, say) executes only the subgraph of its nodes. Cancelling a run
 * sends `workflow/run.cancel-requested`, which stops this function before its
 * next step (`cancelOn`).
 *
 * Inngest keeps every step result in the run's state (32 MB at most): the function counts what it
 * holds inline (InlineStateBudget), and once that passes RUN_INLINE_STATE_BUDGET_BYTES every further
 * node output is stored out of line and its step returns a reference.
 *
 * Log lines carry the run id, the attempt and the id of the request that started
 * the run (the client's log-context middleware); a node's step adds its node id.
 */
export const executeRun = inngest.createFunction(
  {
    id: "execute-run",
    name: "Execute workflow run",
    triggers: [runRequested],
    retries: RETRIES,
    cancelOn: [{ event: runCancelRequested, match: "data.runId" }],
    // Fair share: one busy workspace cannot take every execution slot. Inngest counts
    // executing steps per key (a sleeping or waiting run holds none).
    concurrency: [{ key: "event.data.workspaceId", limit: getEnv().RUN_CONCURRENCY_PER_WORKSPACE }],
    // The function itself failed after its retries (a step result over Inngest's
    // size limit, a stored graph that no longer parses…): the run must still end,
    // as failed with the reason, never stay `running`.
    onFailure: async ({ event, error, step }) => {
      const runId = (event.data.event.data as { runId: string }).runId;
      await step.run("mark-run-failed", async () => {
        const conclusion = {
          status: "failed" as const,
          skipped: [],
          error: { code: "execution_failed", message: `Execution failed: ${error.message}` },
        };
        await writeStepRecords(runId);
        publishRunEvents(await finishRunExecution(await getDb(), { runId, conclusion }));
      });
    },
  },
  async ({ event, step, group, attempt, maxAttempts, runId: executionId }) => {
    const runId = event.data.runId;
    const started = await step.run("start", async () => {
      const begun = await beginRunExecution(await getDb(), runId, executionId);
      if (begun.kind !== "begun")
        return { skipped: begun.kind === "over" ? "run is over" : "claimed" } as const;
      publishRunEvents(begun.events);
      return begun.context;
    });
    // A finished run, or one another function run executes (see beginRunExecution): write nothing.
    if (started === null || "skipped" in started)
      return { runId, skipped: started?.skipped ?? "run is over" };

    // Inngest keeps every step result in the run's state (32 MB at most): count what this run
    // holds inline, so node outputs move out of line once it passes the budget.
    const budget = new InlineStateBudget(getEnv().RUN_INLINE_STATE_BUDGET_BYTES);
    budget.add(started);
    const runner: StepRunner = {
      run: (id, fn) => budget.track(() => step.run(id, fn) as Promise<never>),
      sleep: (id, ms) => step.sleep(id, ms),
      waitForEvent: (id, wait) =>
        "if" in wait
          ? step.waitForEvent(id, { event: wait.event, if: wait.if, timeout: wait.timeoutMs })
          : step.waitForEvent(id, { event: wait.event, match: wait.match, timeout: wait.timeoutMs }),
      // A reference, not `executeRun` itself: the function cannot name its own type inside its handler.
      // The child run's lines join the request that started its parent.
      invoke: (id, child) =>
        step.invoke(id, {
          function: executeRunRef,
          data: { ...child, ...(event.data.requestId ? { requestId: event.data.requestId } : {}) },
        }),
    };
    // Race mode: Inngest asks for the next steps as soon as any one of these ends, not once a whole
    // parallel group has, so each branch goes on by itself (a waiting approval holds back only its own).
    const racing = <T>(work: () => Promise<T>) => group.parallel({ mode: "race" }, work);
    runner.concurrent = {
      run: (id, fn) => racing(() => runner.run(id, fn)),
      sleep: (id, ms) => racing(() => runner.sleep(id, ms)),
      waitForEvent: (id, wait) => racing(() => runner.waitForEvent(id, wait)),
      invoke: (id, child) => racing(() => runner.invoke(id, child)),
    };
    // Stored graphs were validated on save; parsing again restores types and config defaults.
    const graph = WorkflowGraphSchema.parse(started.graph);
    // Race mode: Inngest asks for the next steps as soon as any one step ends, not once a whole
    // parallel group has, so each branch goes on by itself (a waiting approval holds back only its own).
    const outcome = await runWorkflow({
      // `nodeIds` and `seedOutputs` are absent from runs that started before partial runs existed.
      graph: started.nodeIds ? subgraph(graph, started.nodeIds) : graph,
      seedOutputs: started.seedOutputs ?? undefined,
      input: started.input,
      runner,
      effects: createNodeEffects({
        runId,
        workspaceId: started.workspaceId,
        attempt,
        publish: publishRunEvents,
        asStepError: toInngestError,
      }),
      runNode: (node, scope) =>
        withRequestContext({ nodeId: node.id }, async () => {
          try {
            return await executeNodeStep(await getDb(), {
              runId,
              workspaceId: started.workspaceId,
              node,
              scope,
              attempt,
              maxAttempts: maxAttempts ?? RETRIES + 1,
              publish: publishRunEvents,
              inlineAllowed: (sizeBytes) => budget.allowsInline(sizeBytes),
            });
          } catch (error) {
            throw toInngestError(error);
          }
        }),
    });

    await step.run("finish", async () => {
      const conclusion =
        outcome.status === "succeeded"
          ? {
              status: "succeeded" as const,
              output: outcome.output,
              skipped: outcome.skipped,
              failedNodes: outcome.failedNodes,
            }
          : {
              status: "failed" as const,
              skipped: outcome.skipped,
              error: { ...outcome.error, nodeId: outcome.failedNodeId },
            };
      // The records the step journal still holds (the last pure nodes) go before the run's end.
      await writeStepRecords(runId);
      publishRunEvents(await finishRunExecution(await getDb(), { runId, conclusion }));
    });
    return { runId, status: outcome.status };
  },
);

/** execute-run, as sub-workflow nodes invoke it on their child runs. */
const executeRunRef = referenceFunction({ functionId: "execute-run" });

/** Tells Inngest whether and when to retry a failed node. */
function toInngestError(error: unknown): unknown {
  if (!(error instanceof NodeStepError)) return error;
  if (!error.retriable) return new NonRetriableError(error.message, { cause: error });
  if (error.retryAfterMs !== undefined)
    return new RetryAfterError(error.message, error.retryAfterMs, { cause: error });
  return error;
}
