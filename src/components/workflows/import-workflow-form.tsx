"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { apiErrorMessage } from "../settings/api-error";
import { ErrorBanner } from "../ui/error-banner";
import "./workflows.css";

/** Creates a workflow from an exported `stepwise.workflow` file and opens it; the server's 4xx message is shown. */
export function ImportWorkflowForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const file = new FormData(event.currentTarget).get("file");
    if (!(file instanceof File) || file.size === 0)
      return setError("Choose an exported workflow file (.json)");
    let document: unknown;
    try {
      document = JSON.parse(await file.text());
    } catch {
      return setError(`${file.name} is not JSON: choose a file that Export made`);
    }
    setBusy(true);
    setError(null);
    const response = await fetch("/api/workflows/import", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(document),
    });
    if (!response.ok) {
      setBusy(false);
      return setError(await apiErrorMessage(response));
    }
    const { id } = (await response.json()) as { id: string };
    router.push(`/workflows/${id}`);
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby="import-workflow-heading">
      <h2 id="import-workflow-heading">Import workflow</h2>
      <ErrorBanner message={error} />
      <div className="field">
        <label htmlFor="import-workflow-file">Workflow file (.json)</label>
        <input id="import-workflow-file" name="file" type="file" accept=".json,application/json" required />
      </div>
      <button type="submit" disabled={busy}>
        Import workflow
      </button>
    </form>
  );
}
