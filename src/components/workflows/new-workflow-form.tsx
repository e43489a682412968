"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { apiErrorMessage } from "../settings/api-error";
import { ErrorBanner } from "../ui/error-banner";
import "./workflows.css";

/** A workflow needs at least one node to be saved: a new one starts with a single text node. */
const STARTER_GRAPH = {
  nodes: [
    {
      id: "start",
      type: "text",
      position: { x: 0, y: 0 },
      data: { label: "Start", config: { template: "Hello {{ input.name }}" } },
    },
  ],
  edges: [],
};

/** Creates a workflow (version 1) from a name and opens it in the editor. */
export function NewWorkflowForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get("name") ?? "").trim();
    if (!name) return setError("A workflow needs a name");
    setBusy(true);
    setError(null);
    const response = await fetch("/api/workflows", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name, graph: STARTER_GRAPH }),
    });
    if (!response.ok) {
      setBusy(false);
      return setError(await apiErrorMessage(response));
    }
    const { id } = (await response.json()) as { id: string };
    router.push(`/workflows/${id}/edit`);
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby="new-workflow-heading">
      <h2 id="new-workflow-heading">New workflow</h2>
      <ErrorBanner message={error} />
      <div className="field">
        <label htmlFor="new-workflow-name">Workflow name</label>
        <input id="new-workflow-name" name="name" required maxLength={120} autoComplete="off" />
      </div>
      <button type="submit" disabled={busy}>
        Create workflow
      </button>
    </form>
  );
}
