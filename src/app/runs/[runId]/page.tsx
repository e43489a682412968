import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import type { SavedGraph } from "@/components/graph/flow-elements";
import { callerOrSignIn } from "@/server/auth/caller-or-sign-in";
import { loadRunPage } from "@/server/pages/load-run-page";
import { loadPageData } from "@/server/pages/page-data";
import { UnavailableNotice } from "../../unavailable-notice";
import { RunEventLog } from "./run-event-log";

/**
 * A run as a person debugs it: its graph coloured by node status, each node's detail and timing, the
 * changes from its source run (a re-run), and its event log; all follow the run live (Inngest realtime
 * in the browser).
 */
export default async function RunPage({ params }: { params: Promise<{ runId: string }> }) {
  await connection();
  const { runId } = await params;
  const loaded = await loadPageData(async () => loadRunPage(await callerOrSignIn(), runId));
  if (!loaded.ok) return <UnavailableNotice />;
  // Another workspace's run is not found, exactly like one that does not exist.
  if (!loaded.data) notFound();
  const { run, workflowName, events, graph, usage, editedNodeId, editedOutput } = loaded.data;
  const origin = run.sourceRunId
    ? {
        sourceRunId: run.sourceRunId,
        fromNodeId: run.fromNodeId,
        reusedNodeIds: run.reusedNodeIds,
        editedNodeId,
      }
    : null;
  return (
    <main>
      <p>
        <Link href={`/runs?workflowId=${encodeURIComponent(run.workflowId)}`}>
          <span aria-hidden="true">← </span>All runs
        </Link>
      </p>
      <h1>
        Run <code>{run.id}</code>
      </h1>
      <RunEventLog
        run={{
          id: run.id,
          status: run.status,
          workflowId: run.workflowId,
          workflowName,
          version: run.version,
          trigger: run.trigger,
          steps: run.steps,
        }}
        initialEvents={events}
        view={{ graph: graph as SavedGraph | null, usage, origin, editedOutput }}
      />
    </main>
  );
}
