import { notFound } from "next/navigation";
import { connection } from "next/server";
import { AppError } from "@/lib/errors";
import { getDb } from "@/server/db/client";
import { RunIdSchema } from "@/server/runs/contracts";
import { getRunOrThrow, listRunEvents } from "@/server/runs/queries";
import { toRunEventMessage } from "@/server/runs/run-event-message";
import { callerOrSignIn } from "../../caller-or-sign-in";
import { RunEventLog } from "./run-event-log";

/** A run and its event log; the log follows the run live (Inngest realtime in the browser). */
export default async function RunPage({ params }: { params: Promise<{ runId: string }> }) {
  await connection();
  const { runId } = await params;
  const caller = await callerOrSignIn();
  if (!RunIdSchema.safeParse(runId).success) notFound();
  const db = await getDb();
  const run = await getRunOrThrow(db, caller.workspaceId, runId).catch((error: unknown) => {
    // Another workspace's run is not found, exactly like one that does not exist.
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  });
  const events = (await listRunEvents(db, caller.workspaceId, runId)).map(toRunEventMessage);
  return (
    <main>
      <h1>
        Run <code>{run.id}</code>
      </h1>
      <p className="muted">
        {run.status} · {run.workflowId} v{run.version} · started by {run.trigger}
      </p>
      <RunEventLog runId={run.id} initialEvents={events} />
    </main>
  );
}
