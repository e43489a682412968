import { and, asc, eq, gt } from "drizzle-orm";
import { notFound } from "@/lib/errors";
import type { DatabaseOrTransaction } from "../db/client";
import { type Run, type RunStep, runEvents, runSteps, runs } from "../db/schema";
import type { RunDto, RunStepDto } from "./contracts";

/** Reads for routes and pages, all scoped by workspace. */

export async function getRunOrThrow(
  db: DatabaseOrTransaction,
  workspaceId: string,
  runId: string,
): Promise<Run> {
  const [run] = await db
    .select()
    .from(runs)
    .where(and(eq(runs.id, runId), eq(runs.workspaceId, workspaceId)));
  if (!run) throw notFound("Run");
  return run;
}

export async function getRunDetail(
  db: DatabaseOrTransaction,
  workspaceId: string,
  runId: string,
): Promise<RunDto> {
  const run = await getRunOrThrow(db, workspaceId, runId);
  const steps = await db
    .select()
    .from(runSteps)
    .where(and(eq(runSteps.runId, runId), eq(runSteps.workspaceId, workspaceId)))
    .orderBy(asc(runSteps.startedAt), asc(runSteps.nodeId));
  return toRunDto(run, steps);
}

export async function listRunEvents(
  db: DatabaseOrTransaction,
  workspaceId: string,
  runId: string,
  afterSeq = 0,
) {
  return db
    .select()
    .from(runEvents)
    .where(
      and(eq(runEvents.runId, runId), eq(runEvents.workspaceId, workspaceId), gt(runEvents.seq, afterSeq)),
    )
    .orderBy(asc(runEvents.seq));
}

function toRunDto(run: Run, steps: RunStep[]): RunDto {
  return {
    id: run.id,
    workflowId: run.workflowId,
    version: run.version,
    status: run.status,
    trigger: run.trigger,
    input: run.input,
    output: run.output ?? null,
    error: run.error ?? null,
    counts: {
      nodes: run.nodeCount,
      succeeded: run.nodesSucceeded,
      failed: run.nodesFailed,
      skipped: run.nodesSkipped,
    },
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    durationMs: run.durationMs,
    steps: steps.map(toStepDto),
  };
}

function toStepDto(step: RunStep): RunStepDto {
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
