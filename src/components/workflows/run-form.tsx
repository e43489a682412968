"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { apiErrorMessage } from "../settings/api-error";
import { ErrorBanner } from "../ui/error-banner";

type Property = { type?: string; description?: string; enum?: unknown[] };
type InputSchema = { properties?: Record<string, Property>; required?: string[] } | null;

/**
 * Starts a run from the browser. Top-level string, number, integer, boolean and
 * enum properties of the input schema get a field each; the input as JSON can
 * always be edited instead (nested objects, arrays, extra keys). The server
 * validates: its 422 message is shown as it is.
 */
export function RunForm({
  workflowId,
  inputSchema,
  exampleInput,
}: {
  workflowId: string;
  inputSchema: InputSchema;
  exampleInput: Record<string, unknown>;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const properties = Object.entries(inputSchema?.properties ?? {});
  const simple = properties.filter(([, property]) => isSimple(property));
  const required = new Set(inputSchema?.required ?? []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(String(form.get("json") || "{}")) as Record<string, unknown>;
    } catch {
      return setError("The input JSON does not parse");
    }
    for (const [name, property] of simple) {
      const raw = form.get(`field:${name}`);
      if (raw === null || raw === "") continue;
      input[name] = coerce(String(raw), property);
    }
    setBusy(true);
    setError(null);
    const response = await fetch(`/api/workflows/${workflowId}/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ input }),
    });
    setBusy(false);
    if (!response.ok) return setError(await apiErrorMessage(response));
    const { runId } = (await response.json()) as { runId: string };
    router.push(`/runs/${runId}`);
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby="run-heading">
      <h2 id="run-heading">Run it</h2>
      <ErrorBanner message={error} />
      <div className="filters">
        {simple.map(([name, property]) => (
          <div key={name} className="field">
            <label htmlFor={`field-${name}`}>
              {name}
              {required.has(name) ? " *" : ""}
            </label>
            <Field name={name} property={property} initial={exampleInput[name]} />
          </div>
        ))}
      </div>
      <details>
        <summary>Input as JSON{simple.length > 0 ? " (the fields above win)" : ""}</summary>
        <textarea
          name="json"
          rows={4}
          cols={60}
          aria-label="Input as JSON"
          defaultValue={simple.length > 0 ? "{}" : JSON.stringify(exampleInput, null, 2)}
        />
      </details>
      <button type="submit" disabled={busy}>
        Start run
      </button>
    </form>
  );
}

function Field({ name, property, initial }: { name: string; property: Property; initial: unknown }) {
  const fieldName = `field:${name}`;
  const id = `field-${name}`;
  if (Array.isArray(property.enum)) {
    return (
      <select id={id} name={fieldName} defaultValue={initial === undefined ? "" : String(initial)}>
        <option value="">—</option>
        {property.enum.map((value) => (
          <option key={String(value)}>{String(value)}</option>
        ))}
      </select>
    );
  }
  if (property.type === "boolean") {
    return (
      <select id={id} name={fieldName} defaultValue={initial === undefined ? "" : String(initial)}>
        <option value="">—</option>
        <option>true</option>
        <option>false</option>
      </select>
    );
  }
  const numeric = property.type === "number" || property.type === "integer";
  return (
    <input
      id={id}
      name={fieldName}
      type={numeric ? "number" : "text"}
      step={property.type === "integer" ? 1 : "any"}
      defaultValue={initial === undefined ? "" : String(initial)}
      title={property.description}
    />
  );
}

function isSimple(property: Property): boolean {
  return (
    Array.isArray(property.enum) || ["string", "number", "integer", "boolean"].includes(property.type ?? "")
  );
}

function coerce(raw: string, property: Property): unknown {
  if (property.type === "number" || property.type === "integer") return Number(raw);
  if (property.type === "boolean") return raw === "true";
  return raw;
}
