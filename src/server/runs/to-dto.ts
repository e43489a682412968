import type { Run, RunStep } from "../db/schema";
import type { RunDto, RunStepDto, RunSummaryDto } from "./contracts";

export function toRunSummary(run: Run): RunSummaryDto {
  return {
    id: run.id,
    workflowId: run.workflowId,
    version: run.version,
    status: run.status,
    trigger: run.trigger,
    scope: run.scope,
    parentRunId: run.parentRunId ?? null,
    depth: run.depth,
    error: run.error ?? null,
    pinned: run.pinned,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    durationMs: run.durationMs,
  };
}

export function toRunDto(run: Run, steps: RunStep[]): RunDto {
  return {
    ...toRunSummary(run),
    input: run.input,
    output: run.output ?? null,
    fromNodeId: run.fromNodeId,
    sourceRunId: run.sourceRunId,
    reusedNodeIds: run.sourceRunId ? Object.keys(run.seedOutputs ?? {}) : [],
    counts: {
      nodes: run.nodeCount,
      succeeded: run.nodesSucceeded,
      failed: run.nodesFailed,
      skipped: run.nodesSkipped,
    },
    steps: steps.map(toStepDto),
  };
}

export function toStepDto(step: RunStep): RunStepDto {
  return {
    nodeId: step.nodeId,
    nodeType: step.nodeType,
    status: step.status,
    attempt: step.attempt,
    output: step.output ?? null,
    error: step.error ? { message: step.error.message, code: step.error.code } : null,
    startedAt: step.startedAt?.toISOString() ?? null,
    finishedAt: step.finishedAt?.toISOString() ?? null,
    durationMs: step.durationMs,
  };
}
