/** The rows of a raw `execute(sql…)`: node-postgres answers `{ rows }`, PGlite and Neon the same shape; keep the difference here. */
export function rowsOf(result: unknown): Array<Record<string, unknown>> {
  const rows = (result as { rows?: unknown }).rows;
  return Array.isArray(rows) ? (rows as Array<Record<string, unknown>>) : [];
}
