/** Values up to this many characters of pretty JSON show open; larger ones are collapsed. */
const OPEN_LIMIT = 2_000;

/**
 * A JSON value, pretty-printed; a large one collapsed behind a summary with its size. `label` names it
 * in that summary and in `data-json` (for tests).
 */
export function JsonView({ value, label }: { value: unknown; label: string }) {
  if (value === undefined) return <span className="muted">—</span>;
  const text = JSON.stringify(value, null, 2) ?? "null";
  if (text.length <= OPEN_LIMIT) {
    return (
      <pre className="json-view" data-json={label}>
        {text}
      </pre>
    );
  }
  return (
    <details className="json-view">
      <summary>
        {label}: {formatBytes(new TextEncoder().encode(text).length)}
      </summary>
      <pre data-json={label}>{text}</pre>
    </details>
  );
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
