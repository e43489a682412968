import { connection } from "next/server";
import { AppError } from "@/lib/errors";
import type { Caller } from "@/server/auth/caller";
import { resolveSessionCaller } from "@/server/auth/resolve-session-caller";
import { getDb } from "@/server/db/client";
import { listWorkflows } from "@/server/workflows/queries";

/** People without a session go to Clerk's sign-in; the local user never needs one. */
async function callerOrSignIn(): Promise<Caller> {
  try {
    return await resolveSessionCaller();
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== "unauthorized") throw error;
    const { auth } = await import("@clerk/nextjs/server");
    return (await auth()).redirectToSignIn();
  }
}

export default async function HomePage() {
  await connection();
  const caller = await callerOrSignIn();
  const workflows = await listWorkflows(await getDb(), caller.workspaceId, 50);
  return (
    <main>
      <h1>Stepwise</h1>
      {caller.via === "local" && (
        <p className="banner">
          Local mode: you are the local user of the local workspace (no sign-in is configured). Data lives in
          the embedded database; runs execute on the local engine.
        </p>
      )}
      <h2>Workflows</h2>
      {workflows.length === 0 && (
        <p className="muted">No workflows yet. Create one with POST /api/workflows.</p>
      )}
      {workflows.map((workflow) => (
        <section className="card" key={workflow.id}>
          <h3>
            {workflow.name} <span className="muted">v{workflow.currentVersion}</span>
          </h3>
          <p className="muted">{workflow.description}</p>
          <pre>
            {`curl -s -X POST http://localhost:3000/api/workflows/${workflow.id}/runs \\
  -H 'content-type: application/json' -d '{"input":{"name":"Ada"}}'`}
          </pre>
        </section>
      ))}
    </main>
  );
}
