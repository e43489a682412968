"use client";

import { useState } from "react";

/**
 * The node's output as editable JSON; submitting hands the parsed value on (the caller starts the
 * re-run). A parse error is shown under the field and nothing is sent.
 */
export function EditOutputForm({
  nodeId,
  initial,
  onSubmit,
  onCancel,
}: {
  nodeId: string;
  initial: unknown;
  onSubmit: (output: unknown) => Promise<void>;
  onCancel: () => void;
}) {
  const [text, setText] = useState(() => JSON.stringify(initial ?? null, null, 2));
  const [parseError, setParseError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fieldId = `edit-output-${nodeId}`;

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      setParseError(`Not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    setParseError(null);
    setBusy(true);
    try {
      await onSubmit(value);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="edit-output" onSubmit={submit}>
      <label htmlFor={fieldId}>Edited output of {nodeId} (JSON)</label>
      <textarea
        id={fieldId}
        rows={10}
        spellCheck={false}
        value={text}
        aria-invalid={parseError !== null}
        aria-describedby={parseError ? `${fieldId}-error` : undefined}
        onChange={(event) => setText(event.target.value)}
      />
      {parseError && (
        <p id={`${fieldId}-error`} className="error" role="alert">
          {parseError}
        </p>
      )}
      <p>
        <button type="submit" disabled={busy}>
          Re-run with this output
        </button>{" "}
        <button type="button" onClick={onCancel}>
          Cancel editing
        </button>
      </p>
    </form>
  );
}
