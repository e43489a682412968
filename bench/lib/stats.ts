/** Small helpers the benchmark scripts share: spreads, percentiles and plain-text tables. */

export function sorted(values: number[]): number[] {
  return [...values].filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
}

/** Nearest-rank percentile of already sorted values (NaN when there are none). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  return (
    values[Math.min(values.length - 1, Math.max(0, Math.ceil((p / 100) * values.length) - 1))] ?? Number.NaN
  );
}

/** "min / median / max" with `digits` decimals. */
export function spread(values: number[], digits = 1): string {
  const s = sorted(values);
  if (s.length === 0) return "–";
  const fmt = (value: number) => value.toFixed(digits);
  return `${fmt(s[0] ?? Number.NaN)} / ${fmt(percentile(s, 50))} / ${fmt(s.at(-1) ?? Number.NaN)}`;
}

export function median(values: number[]): number {
  return percentile(sorted(values), 50);
}

/** Prints a table: a header row and rows of cells, columns padded to their widest cell. */
export function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  console.log(`\n${title}\n`);
  console.log(line(header));
  console.log(`|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`);
  for (const row of rows) console.log(line(row));
}

/** Progress lines with the seconds since the script began. */
const began = Date.now();
export function progress(message: string): void {
  console.log(`[${((Date.now() - began) / 1000).toFixed(1)} s] ${message}`);
}

/** Ends the process after `ms` whatever it is doing: a benchmark must stop by itself. */
export function hardLimit(ms: number, name: string, cleanup: () => Promise<void>): () => void {
  const timer = setTimeout(() => {
    console.error(`${name}: gave up after ${Math.round(ms / 1000)} s`);
    void cleanup().finally(() => process.exit(2));
  }, ms);
  timer.unref();
  return () => clearTimeout(timer);
}
