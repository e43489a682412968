import Link from "next/link";
import { connection } from "next/server";
import { callerOrSignIn } from "@/server/auth/caller-or-sign-in";
import { loadHomePage } from "@/server/pages/load-home-page";
import { loadPageData } from "@/server/pages/page-data";
import { UnavailableNotice } from "./unavailable-notice";

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
      {caller.via === "local" && (
        <p className="banner">
          Local mode: you are the local user of the local workspace (no sign-in is configured). Data lives in
          the embedded database; runs execute on the local engine.
        </p>
      )}
      <nav>
        <Link href="/runs">All runs</Link> · <Link href="/settings">Settings</Link>
      </nav>
      <h2>Workflows</h2>
      {workflows.length === 0 && (
        <p className="muted">No workflows yet. Create one with POST /api/workflows.</p>
      )}
      {workflows.map((workflow) => (
        <section className="card" key={workflow.id}>
          <h3>
            <Link href={`/workflows/${workflow.id}`}>{workflow.name}</Link>{" "}
            <span className="muted">v{workflow.currentVersion}</span>
          </h3>
          <p className="muted">{workflow.description}</p>
          <pre>{workflow.runSnippet}</pre>
        </section>
      ))}
    </main>
  );
}
