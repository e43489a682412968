"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { ErrorBanner } from "../ui/error-banner";
import { TableHead } from "../ui/table-head";
import { apiErrorMessage } from "./api-error";

export type ApiKeyRow = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
};

/** API keys: create (the secret is shown once, here), list with last use, revoke. */
export function ApiKeysPanel({ keys, scopes }: { keys: ApiKeyRow[]; scopes: string[] }) {
  const router = useRouter();
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    const expires = String(form.get("expiresAt") ?? "");
    const response = await fetch("/api/api-keys", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        name: form.get("name"),
        scopes: form.getAll("scopes"),
        ...(expires ? { expiresAt: new Date(expires).toISOString() } : {}),
      }),
    });
    setBusy(false);
    if (!response.ok) return setError(await apiErrorMessage(response));
    const created = (await response.json()) as { secret: string };
    setSecret(created.secret);
    router.refresh();
  }

  async function revoke(id: string, name: string) {
    if (!window.confirm(`Revoke the key ${name}? Anything using it gets 401 from then on.`)) return;
    setError(null);
    const response = await fetch(`/api/api-keys/${id}`, { method: "DELETE" });
    if (!response.ok) return setError(await apiErrorMessage(response));
    // The one-time secret on screen may be this key's: it should not linger.
    setSecret(null);
    router.refresh();
  }

  return (
    <section className="card" aria-labelledby="api-keys">
      <h2 id="api-keys">API keys</h2>
      {secret && (
        <p className="banner" role="status">
          Copy the new key now; it will not be shown again: <code data-testid="new-api-key">{secret}</code>
        </p>
      )}
      <ErrorBanner message={error} />
      <form className="filters" onSubmit={create}>
        <label>
          Name
          <input name="name" required maxLength={100} />
        </label>
        <fieldset>
          <legend>Scopes</legend>
          {scopes.map((scope) => (
            <label key={scope} className="inline">
              <input type="checkbox" name="scopes" value={scope} defaultChecked={scope.endsWith(":read")} />{" "}
              {scope}
            </label>
          ))}
        </fieldset>
        <label>
          Expires (optional)
          <input type="datetime-local" name="expiresAt" />
        </label>
        <button type="submit" disabled={busy}>
          Create key
        </button>
      </form>
      <table className="runs">
        <TableHead columns={["Name", "Key", "Scopes", "Last used", "Status"]} actions />
        <tbody>
          {keys.map((key) => (
            <tr key={key.id}>
              <td>{key.name}</td>
              <td>
                <code>{key.prefix}…</code>
              </td>
              <td>{key.scopes.join(", ")}</td>
              <td>{key.lastUsedAt ? key.lastUsedAt.slice(0, 19).replace("T", " ") : "never"}</td>
              <td>{keyStatus(key)}</td>
              <td>
                {!key.revokedAt && (
                  <button
                    type="button"
                    onClick={() => revoke(key.id, key.name)}
                    aria-label={`Revoke ${key.name}`}
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function keyStatus(key: ApiKeyRow): string {
  if (key.revokedAt) return "revoked";
  if (key.expiresAt && Date.parse(key.expiresAt) <= Date.now()) return "expired";
  return key.expiresAt ? `active until ${key.expiresAt.slice(0, 10)}` : "active";
}
