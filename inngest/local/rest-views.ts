import { functionUuid } from "./ids";
import type { LocalEvent, LocalRun } from "./types";

/**
 * JSON views for the HTTP read API, shaped like Inngest's REST v1
 * (pkg/api/apiv1 in the inngest repository) so code written against the
 * local engine also reads Inngest Cloud: `{ data, metadata }` envelopes,
 * `cqrs.FunctionRun` field names and status strings. Fields Inngest does not
 * send are local extras, listed in README.md.
 */

/** The dev server's fixed environment id (consts.DevServerEnvID). */
export const DEV_ENVIRONMENT_ID = "00000000-0000-4000-b000-000000000000";

/** ULIDs as Inngest parses them: 26 Crockford base32 characters, first one 0-7. */
const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/i;

export const isUlid = (value: string) => ULID.test(value);

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** Inngest's response envelope (`apiv1.Response`). */
export function envelope<T>(data: T, now: number, cacheSeconds = 0) {
  const metadata: { fetched_at: string; cached_until?: string } = { fetched_at: new Date(now).toISOString() };
  if (cacheSeconds > 0) metadata.cached_until = new Date(now + cacheSeconds * 1000).toISOString();
  return { data, metadata };
}

export function restRun(run: LocalRun) {
  // Inngest keeps a failed or cancelled run's error as its output; a running run has none.
  const output =
    run.status === "Running" ? {} : { output: run.status === "Completed" ? (run.output ?? null) : run.error };
  return {
    run_id: run.runId,
    run_started_at: iso(run.startedAt),
    function_id: functionUuid(run.functionId),
    function_version: 1,
    environment_id: DEV_ENVIRONMENT_ID,
    event_id: run.eventId,
    status: run.status,
    ended_at: iso(run.endedAt),
    ...output,
    // Local extras.
    function_slug: run.functionId,
    app_id: run.appId,
    error: run.error ?? null,
    parent_run_id: run.parentRunId ?? null,
    steps: run.steps.map((step) => ({
      id: step.id,
      name: step.name,
      op: step.op,
      status: step.status,
      attempts: step.attempts,
      output: step.output ?? null,
      error: step.error ?? null,
      started_at: iso(step.startedAt),
      ended_at: iso(step.endedAt),
    })),
  };
}

export function restEvent(event: LocalEvent) {
  return {
    internal_id: event.internalId,
    id: event.payload.id,
    name: event.payload.name,
    data: event.payload.data,
    ts: event.payload.ts,
    received_at: iso(event.receivedAt),
    deduplicated: event.deduplicated,
    run_ids: event.runIds,
  };
}
