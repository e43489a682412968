"use client";

import { type FormEvent, useState } from "react";
import { apiErrorMessage } from "./api-error";

/**
 * A new secret for a stored credential. It replaces the old one at once (nodes read it when they
 * run); the field is cleared after the save, and the secret is never shown again.
 */
export function RotateCredentialForm({
  credential,
  onDone,
  onCancel,
}: {
  credential: { id: string; name: string };
  onDone: () => void;
  onCancel: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fieldId = `rotate-${credential.id}`;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    setBusy(true);
    setError(null);
    const response = await fetch(`/api/credentials/${credential.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ secret: new FormData(formElement).get("secret") }),
    });
    setBusy(false);
    if (!response.ok) return setError(await apiErrorMessage(response));
    formElement.reset();
    onDone();
  }

  return (
    <form className="filters" onSubmit={submit}>
      <label htmlFor={fieldId}>New secret for {credential.name}</label>
      <input id={fieldId} name="secret" type="password" required autoComplete="off" />
      <button type="submit" disabled={busy}>
        Save new secret
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </form>
  );
}
