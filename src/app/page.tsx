import Link from "next/link";
import { connection } from "next/server";
import { ImportWorkflowForm } from "@/components/workflows/import-workflow-form";
import { NewWorkflowForm } from "@/components/workflows/new-workflow-form";
import { WorkflowTable } from "@/components/workflows/workflow-table";
import { callerOrSignIn } from "@/server/auth/caller-or-sign-in";
import { loadHomePage } from "@/server/pages/load-home-page";
import { loadPageData } from "@/server/pages/page-data";
import { UnavailableNotice } from "./unavailable-notice";

/** The workspace's workflows: create, import, and per workflow open, duplicate, export or delete. */
export default async function HomePage() {
  await connection();
  const page = await loadPageData(async () => {
    const caller = await callerOrSignIn();
    return { caller, ...(await loadHomePage(caller)) };
  });
  if (!page.ok) return <UnavailableNotice />;
  const { caller, workflows } = page.data;
  return (
    <main>
      <h1>Stepwise</h1>
      <p className="muted">
        Draw a workflow as a graph of steps, run it, and watch every step run durably: each result is kept, a
        failed step can be fixed and re-run from where it failed.
      </p>
      {caller.via === "local" && (
        <p className="banner">
          Local mode: you are the local user of the local workspace (no sign-in is configured). Data lives in
          the embedded database; runs execute on the local engine.
        </p>
      )}
      <nav>
        <Link href="/runs">All runs</Link> · <Link href="/settings">Settings</Link>
      </nav>
      <div className="workflow-tools">
        <NewWorkflowForm />
        <ImportWorkflowForm />
      </div>
      <section aria-labelledby="workflows-heading">
        <h2 id="workflows-heading">Workflows</h2>
        <WorkflowTable workflows={workflows} />
      </section>
    </main>
  );
}
