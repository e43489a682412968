"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { ErrorBanner } from "../ui/error-banner";
import { TableHead } from "../ui/table-head";
import { apiErrorMessage } from "./api-error";
import { RotateCredentialForm } from "./rotate-credential-form";

export type CredentialRow = {
  id: string;
  name: string;
  kind: string;
  metadata: Record<string, string>;
  updatedAt: string;
};

/** Credentials: store a secret (never shown again, never sent back), list, rotate, delete. */
export function CredentialsPanel({
  credentials,
  kinds,
  canEdit,
}: {
  credentials: CredentialRow[];
  kinds: string[];
  canEdit: boolean;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [rotating, setRotating] = useState<string | null>(null);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const baseUrl = String(form.get("baseUrl") ?? "");
    setBusy(true);
    setError(null);
    const response = await fetch("/api/credentials", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        name: form.get("name"),
        kind: form.get("kind"),
        secret: form.get("secret"),
        metadata: baseUrl ? { baseUrl } : {},
      }),
    });
    setBusy(false);
    if (!response.ok) return setError(await apiErrorMessage(response));
    // The secret must not linger in the page once stored.
    formElement.reset();
    router.refresh();
  }

  async function remove(id: string, name: string) {
    if (!window.confirm(`Delete the credential ${name}? Nodes that name it fail from then on.`)) return;
    setError(null);
    const response = await fetch(`/api/credentials/${id}`, { method: "DELETE" });
    if (!response.ok) return setError(await apiErrorMessage(response));
    router.refresh();
  }

  return (
    <section className="card" aria-labelledby="credentials">
      <h2 id="credentials">Credentials</h2>
      <p className="muted">
        Secrets are stored encrypted and never shown again; nodes refer to a credential by name.
      </p>
      <ErrorBanner message={error} />
      {canEdit && (
        <form className="filters" onSubmit={create}>
          <label>
            Name
            <input name="name" required pattern="[A-Za-z0-9_\-]{1,64}" />
          </label>
          <label>
            Kind
            <select name="kind">
              {kinds.map((kind) => (
                <option key={kind}>{kind}</option>
              ))}
            </select>
          </label>
          <label>
            Secret
            <input name="secret" type="password" required autoComplete="off" />
          </label>
          <label>
            Base URL (optional)
            <input name="baseUrl" type="url" />
          </label>
          <button type="submit" disabled={busy}>
            Store credential
          </button>
        </form>
      )}
      <table className="runs">
        <TableHead columns={["Name", "Kind", "Settings", "Updated"]} actions />
        <tbody>
          {credentials.map((credential) => (
            <tr key={credential.id}>
              <td>{credential.name}</td>
              <td>{credential.kind}</td>
              <td>
                {Object.entries(credential.metadata)
                  .map(([key, value]) => `${key}: ${value}`)
                  .join(", ")}
              </td>
              <td>{credential.updatedAt.slice(0, 19).replace("T", " ")}</td>
              <td>
                {canEdit && rotating === credential.id && (
                  <RotateCredentialForm
                    credential={credential}
                    onCancel={() => setRotating(null)}
                    onDone={() => {
                      setRotating(null);
                      router.refresh();
                    }}
                  />
                )}
                {canEdit && rotating !== credential.id && (
                  <>
                    <button
                      type="button"
                      onClick={() => setRotating(credential.id)}
                      aria-label={`Rotate ${credential.name}`}
                    >
                      Rotate
                    </button>{" "}
                    <button
                      type="button"
                      onClick={() => remove(credential.id, credential.name)}
                      aria-label={`Delete ${credential.name}`}
                    >
                      Delete
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
