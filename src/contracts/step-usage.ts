/* Client-safe: what the run page's loader sends and the run view reads. */

/** What LLM and vision steps record about their model call. */
export type StepUsage = {
  model: string | null;
  tokensIn: number | null;
  tokensOut: number | null;
  costUsd: number | null;
};

/** Stands in for an output too large to send with the page; the browser reads it on demand. */
export type StoredOutputMarker = { $stored: true; sizeBytes: number };
