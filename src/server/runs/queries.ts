import { and, asc, eq, gt } from "drizzle-orm";
import { notFound } from "@/lib/errors";
import type { DatabaseOrTransaction } from "../db/client";
import { type Run, runEvents, runSteps, runs } from "../db/schema";
import type { RunDto } from "./contracts";
import { resolveOutputRefs } from "./output-refs";
import { toRunDto } from "./to-dto";

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
  // Large outputs are stored out of line; the API answers with the data itself.
  const resolved = await resolveOutputRefs(db, workspaceId, {
    $run: run.output,
    ...Object.fromEntries(steps.map((step) => [step.id, step.output])),
  });
  return toRunDto(
    { ...run, output: resolved.$run },
    steps.map((step) => ({ ...step, output: resolved[step.id] })),
  );
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
