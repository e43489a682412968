import type { RunEventMessage } from "../../../inngest/channels";

/**
 * Pure helpers for a run's event log in the browser. Events come from three
 * places — the server render, the live subscription, and reads that fill gaps —
 * and may arrive twice or out of order; the log is keyed by seq.
 */

/** Every event once, by seq, in order. */
export function mergeRunEvents(...sources: readonly (readonly RunEventMessage[])[]): RunEventMessage[] {
  const bySeq = new Map<number, RunEventMessage>();
  for (const source of sources) for (const event of source) bySeq.set(event.seq, event);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * The first seq missing while a later one is there (seqs start at 1 and have no holes), or null.
 * `announced` are seqs known to exist without their data (events too large to publish live):
 * missing too until they are read.
 */
export function firstMissingSeq(
  events: readonly RunEventMessage[],
  announced: readonly number[] = [],
): number | null {
  const gap = events.findIndex((event, index) => event.seq !== index + 1);
  const have = new Set(events.map((event) => event.seq));
  const unread = announced.filter((seq) => !have.has(seq));
  const candidates = [...(gap === -1 ? [] : [gap + 1]), ...unread];
  return candidates.length === 0 ? null : Math.min(...candidates);
}

/** A live message published without its data (too large): only its seq is known. */
export function isOmittedRunEvent(value: unknown): boolean {
  return isRunEventMessage(value) && (value as { omitted?: unknown }).omitted !== undefined;
}

/** The run's status as its latest `run.status` event says, else what the page was rendered with. */
export function latestRunStatus(events: readonly RunEventMessage[], rendered: string): string {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    const status = event?.type === "run.status" ? (event.data as { status?: unknown }).status : undefined;
    if (typeof status === "string") return status;
  }
  return rendered;
}

export function isRunEventMessage(value: unknown): value is RunEventMessage {
  if (!value || typeof value !== "object") return false;
  const candidate = value as Partial<RunEventMessage>;
  return typeof candidate.seq === "number" && typeof candidate.type === "string";
}
