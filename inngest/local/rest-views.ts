import type { LocalEvent, LocalRun } from "./types";

/**
 * JSON views for the HTTP read API. Field names follow Inngest's REST v1
 * (`GET /v1/runs/:id`, `GET /v1/events/:id/runs`) so a script written
 * against the local engine also reads Inngest Cloud; `steps` is a local extra.
 */

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export function restRun(run: LocalRun) {
  return {
    run_id: run.runId,
    function_id: run.functionId,
    app_id: run.appId,
    status: run.status,
    event_id: run.eventId,
    run_started_at: iso(run.startedAt),
    ended_at: iso(run.endedAt),
    output: run.output ?? null,
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
