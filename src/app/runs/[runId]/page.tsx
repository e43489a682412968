import { notFound } from "next/navigation";
import { connection } from "next/server";
import { callerOrSignIn } from "@/server/auth/caller-or-sign-in";
import { loadRunPage } from "@/server/pages/load-run-page";
import { loadPageData } from "@/server/pages/page-data";
import { UnavailableNotice } from "../../unavailable-notice";
import { RunEventLog } from "./run-event-log";

/** A run and its event log; the log follows the run live (Inngest realtime in the browser). */
export default async function RunPage({ params }: { params: Promise<{ runId: string }> }) {
  await connection();
  const { runId } = await params;
  const loaded = await loadPageData(async () => loadRunPage(await callerOrSignIn(), runId));
  if (!loaded.ok) return <UnavailableNotice />;
  // Another workspace's run is not found, exactly like one that does not exist.
  if (!loaded.data) notFound();
  const { run, events } = loaded.data;
  return (
    <main>
      <h1>
        Run <code>{run.id}</code>
      </h1>
      <RunEventLog
        run={{
          id: run.id,
          status: run.status,
          workflowId: run.workflowId,
          version: run.version,
          trigger: run.trigger,
          steps: run.steps,
        }}
        initialEvents={events}
      />
    </main>
  );
}
