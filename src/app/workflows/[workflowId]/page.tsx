import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { RunForm } from "@/components/workflows/run-form";
import { VersionHistory } from "@/components/workflows/version-history";
import { callerOrSignIn } from "@/server/auth/caller-or-sign-in";
import { loadWorkflowPage } from "@/server/pages/load-workflow-page";
import { loadPageData } from "@/server/pages/page-data";
import { UnavailableNotice } from "../../unavailable-notice";

const when = (iso: string) => iso.replace("T", " ").slice(0, 19);

/** A workflow: its nodes, a form to run it with an input, its latest runs and its version history. */
export default async function WorkflowPage({ params }: { params: Promise<{ workflowId: string }> }) {
  await connection();
  const { workflowId } = await params;
  const loaded = await loadPageData(async () => loadWorkflowPage(await callerOrSignIn(), workflowId));
  if (!loaded.ok) return <UnavailableNotice />;
  if (!loaded.data) notFound();
  const { workflow, nodes, inputSchema, exampleInput, runs, versions, draft, runSnippet } = loaded.data;
  return (
    <main>
      <p>
        <Link href="/">← Workflows</Link>
      </p>
      <h1>
        {workflow.name} <span className="muted">v{workflow.version}</span>
      </h1>
      {workflow.description && <p className="muted">{workflow.description}</p>}
      <p>
        <Link href={`/workflows/${workflow.id}/edit`}>Edit</Link>
        {draft && (
          <span className="muted" data-testid="draft-status">
            {" "}
            · Draft in progress (based on v{draft.baseVersion}, saved {when(draft.updatedAt)})
          </span>
        )}
      </p>
      <RunForm
        workflowId={workflow.id}
        inputSchema={inputSchema as Parameters<typeof RunForm>[0]["inputSchema"]}
        exampleInput={exampleInput}
      />
      <section className="card" aria-labelledby="nodes">
        <h2 id="nodes">Nodes</h2>
        <p>
          {nodes.map((node) => (
            <span key={node.id} className="chip">
              {node.id} <span className="muted">{node.type}</span>
            </span>
          ))}
        </p>
      </section>
      <section className="card" aria-labelledby="recent">
        <h2 id="recent">Latest runs</h2>
        {runs.length === 0 && <p className="muted">No runs yet.</p>}
        <ul>
          {runs.map((run) => (
            <li key={run.id}>
              <Link href={`/runs/${run.id}`}>
                <code>{run.id}</code>
              </Link>{" "}
              {run.status} <span className="muted">{when(run.createdAt)}</span>
            </li>
          ))}
        </ul>
        <Link href={`/runs?workflowId=${workflow.id}`}>All runs of this workflow →</Link>
      </section>
      <VersionHistory
        workflowId={workflow.id}
        currentVersion={workflow.version}
        versions={versions}
        draftBaseVersion={draft?.baseVersion ?? null}
      />
      <details className="card">
        <summary>Run from the API</summary>
        <p className="muted">
          With an API key that has the <code>runs:write</code> scope (create one in{" "}
          <Link href="/settings">Settings</Link>):
        </p>
        <pre>{runSnippet}</pre>
      </details>
    </main>
  );
}
