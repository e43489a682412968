import type { RunScope } from "../expressions/run-scope";
import type { WorkflowNodeOf } from "../graph/schema";
import type { AgentEffects } from "../nodes/agent/agent-effects";
import type { ApprovalOutput } from "../nodes/approval-config";
import type { OrchestrationContext } from "../nodes/node-definition";
import { NodeExecutionError } from "../nodes/node-execution-error";
import { type ChildRunRef, type EventWait, type ReceivedEvent, stepIdFor } from "./step-runner";

/**
 * Delay, approval and sub-workflow nodes wait on the outside world (a timer, a person, a child run),
 * so their definitions (`orchestrate`) run them as several durable steps around a wait instead of one
 * `node:<id>` step.
 * What each step writes is the caller's business: these effects, run inside the named steps.
 */
export type NodeEffects = {
  /** Inside `approval-request:<id>`: store the pending approval (run → waiting) and say what decides it. */
  requestApproval(node: WorkflowNodeOf<"approval">, scope: RunScope): Promise<ApprovalTicket>;
  /** Inside `node:<id>`: record the outcome (`decided` is the decision event, null after the timeout). */
  recordApproval(
    node: WorkflowNodeOf<"approval">,
    ticket: ApprovalTicket,
    decided: ReceivedEvent | null,
  ): Promise<ApprovalOutput>;
  /** Inside `delay-start:<id>`: the delay node's step starts now (running, its start time), before it sleeps. */
  startDelay(node: WorkflowNodeOf<"delay">): Promise<void>;
  /** Inside `subrun-start:<id>`: create the child run (queued) that `subrun:<id>` will execute. */
  startChildRun(node: WorkflowNodeOf<"subworkflow">, scope: RunScope): Promise<ChildRunRef>;
  /** Inside `node:<id>`: record the child's result as the node's: its output, or a failure (throw). */
  recordChildRun(
    node: WorkflowNodeOf<"subworkflow">,
    child: ChildRunRef,
    result: InvokeResult,
  ): Promise<unknown>;
  /** The steps of agent nodes (model turns, tool calls); agent nodes fail clearly without them. */
  agent?: AgentEffects;
};

/** A pending approval as its request step returns it (memoized, so JSON only). */
export type ApprovalTicket = {
  approvalId: string;
  /** Decided before this execution asked (it was re-driven after the decision): nothing to wait for. */
  decided?: boolean;
  /** The signed single-use link that decides without a session. */
  url: string;
  expiresAt: string;
  /** The event that carries the decision, and how long to wait for it. */
  decision: EventWait;
};

/** How the invoked child run's function ended. */
export type InvokeResult = { ok: true; value: unknown } | { ok: false; error: { message: string } };

/** Step ids (never change them: runs in flight replay by id). */
export const approvalRequestIdFor = (nodeId: string) => `approval-request:${nodeId}`;
export const approvalWaitIdFor = (nodeId: string) => `approval:${nodeId}`;
export const delayStartIdFor = (nodeId: string) => `delay-start:${nodeId}`;
export const subrunStartIdFor = (nodeId: string) => `subrun-start:${nodeId}`;
export const subrunIdFor = (nodeId: string) => `subrun:${nodeId}`;

/** approval-request:<id> → wait approval:<id> (decision or timeout) → node:<id> records the outcome. */
export async function runApprovalNode(
  node: WorkflowNodeOf<"approval">,
  { runner, scope, effects }: OrchestrationContext,
): Promise<unknown> {
  const fx = required(effects, node.id);
  const ticket = await runner.run(approvalRequestIdFor(node.id), () => fx.requestApproval(node, scope()));
  // The outcome step reads the stored decision; the event only says when to read it.
  const decided = ticket.decided
    ? null
    : await runner.waitForEvent(approvalWaitIdFor(node.id), ticket.decision);
  return runner.run(stepIdFor(node.id), () => fx.recordApproval(node, ticket, decided));
}

/** subrun-start:<id> creates the child → subrun:<id> executes it → node:<id> records its result. */
export async function runSubworkflowNode(
  node: WorkflowNodeOf<"subworkflow">,
  { runner, scope, effects }: OrchestrationContext,
): Promise<unknown> {
  const fx = required(effects, node.id);
  const child = await runner.run(subrunStartIdFor(node.id), () => fx.startChildRun(node, scope()));
  let result: InvokeResult;
  try {
    result = { ok: true, value: await runner.invoke(subrunIdFor(node.id), child) };
  } catch (error) {
    // The child's function failed outright; the node step still runs, to record why.
    result = { ok: false, error: { message: error instanceof Error ? error.message : String(error) } };
  }
  return runner.run(stepIdFor(node.id), () => fx.recordChildRun(node, child, result));
}

function required(effects: NodeEffects | undefined, nodeId: string): NodeEffects {
  if (effects !== undefined) return effects;
  throw new NodeExecutionError(
    `Node "${nodeId}" waits on the outside world, but this runner has no effects`,
    {
      code: "not_executable",
      retriable: false,
    },
  );
}
