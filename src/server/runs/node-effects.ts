import type { NodeEffects, RunScope } from "@/engine";
import { withRequestContext } from "@/lib/request-context";
import { createAgentEffects } from "../agents/create-agent-effects";
import { recordApprovalOutcome } from "../approvals/record-approval-outcome";
import { requestApproval } from "../approvals/request-approval";
import { type Database, getDb } from "../db/client";
import type { RunEvent } from "../db/schema";
import { recordSubrunOutcome } from "../subruns/record-subrun-outcome";
import { startSubrun } from "../subruns/start-subrun";
import { resolveOutputRefs } from "./output-refs";
import { startDelayStep } from "./start-delay-step";
import { writeStepRecords } from "./step-record-journal";

/**
 * The database side of delay, approval and sub-workflow nodes for one attempt of one run, as the engine's
 * orchestrator calls it inside its durable steps. `asStepError` turns a NodeStepError into what the
 * durable executor understands (non-retriable or not), as it does for ordinary node steps.
 */
export function createNodeEffects(ctx: {
  runId: string;
  workspaceId: string;
  attempt: number;
  publish: (events: RunEvent[]) => void;
  asStepError: (error: unknown) => unknown;
}): NodeEffects {
  const { runId, workspaceId, attempt, publish } = ctx;
  const ref = (nodeId: string) => ({ runId, workspaceId, nodeId, attempt, publish });
  // Lines logged meanwhile name the node (the run's own ids come from the step's context).
  // What pure nodes of this run left in the step journal is written first (event order).
  const guarded = <T>(nodeId: string, work: () => Promise<T>): Promise<T> =>
    withRequestContext({ nodeId }, async () => {
      try {
        await writeStepRecords(runId);
        return await work();
      } catch (error) {
        throw ctx.asStepError(error);
      }
    });
  // Large (or over-budget) upstream outputs travel as references; templates see the data itself.
  const resolved = async (db: Database, scope: RunScope): Promise<RunScope> => ({
    ...scope,
    nodes: await resolveOutputRefs(db, workspaceId, scope.nodes),
  });
  return {
    requestApproval: (node, scope) =>
      guarded(node.id, async () => {
        const db = await getDb();
        return requestApproval(db, { ...ref(node.id), node, scope: await resolved(db, scope) });
      }),
    recordApproval: (node) =>
      guarded(node.id, async () => recordApprovalOutcome(await getDb(), ref(node.id))),
    startDelay: (node) =>
      guarded(node.id, async () => publish(await startDelayStep(await getDb(), ref(node.id)))),
    startChildRun: (node, scope) =>
      guarded(node.id, async () => {
        const db = await getDb();
        return startSubrun(db, { ...ref(node.id), node, scope: await resolved(db, scope) });
      }),
    recordChildRun: (node, child, result) =>
      guarded(node.id, async () => recordSubrunOutcome(await getDb(), { ...ref(node.id), child, result })),
    agent: createAgentEffects(ctx),
  };
}
