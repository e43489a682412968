import { z } from "zod";
import {
  BlockRunBody,
  BlockRunQuery,
  BlockRunResultSchema,
  IdempotencyKeySchema,
  ListRunsQuery,
  NodeRunParams,
  RunAcceptedSchema,
  RunListSchema,
  RunParams,
  RunSchema,
  StartRunBody,
} from "../runs/contracts";
import { LastEventIdHeader, RunStreamQuery } from "../runs/stream/contracts";
import {
  CreateScheduleBody,
  ScheduleListSchema,
  ScheduleParams,
  ScheduleSchema,
  UpdateScheduleBody,
} from "../schedules/contracts";
import {
  CreateWorkflowBody,
  ListWorkflowsQuery,
  UpdateWorkflowBody,
  WorkflowListSchema,
  WorkflowParams,
  WorkflowSchema,
} from "../workflows/contracts";
import { defineOperation } from "./operation";
import { WEBHOOK_OPERATIONS } from "./webhook-operations";

/**
 * Every operation of /api/v1, in the order the document lists them. Route
 * files take their spec from here; tests/unit/openapi.test.ts checks that every
 * route file's methods are here and nothing here lacks a route.
 */
export const V1 = {
  listWorkflows: defineOperation({
    operationId: "listWorkflows",
    method: "get",
    path: "/api/v1/workflows",
    tag: "workflows",
    summary: "List the workspace's workflows, most recently updated first",
    scope: "workflows:read",
    query: ListWorkflowsQuery,
    status: 200,
    response: { description: "`{ data: WorkflowSummary[] }`", schema: WorkflowListSchema },
  }),
  createWorkflow: defineOperation({
    operationId: "createWorkflow",
    method: "post",
    path: "/api/v1/workflows",
    tag: "workflows",
    summary: "Create a workflow (version 1) from a graph",
    description:
      "An invalid graph answers 422 `invalid_graph` with an issue per problem, naming node and field.",
    scope: "workflows:write",
    body: CreateWorkflowBody,
    status: 201,
    response: { description: "The workflow with its graph", schema: WorkflowSchema },
  }),
  getWorkflow: defineOperation({
    operationId: "getWorkflow",
    method: "get",
    path: "/api/v1/workflows/{workflowId}",
    tag: "workflows",
    summary: "A workflow with its current graph",
    scope: "workflows:read",
    params: WorkflowParams,
    status: 200,
    response: { description: "The workflow with its current graph", schema: WorkflowSchema },
  }),
  updateWorkflow: defineOperation({
    operationId: "updateWorkflow",
    method: "put",
    path: "/api/v1/workflows/{workflowId}",
    tag: "workflows",
    summary: "Save a new immutable version; runs stay pinned to the version they started on",
    scope: "workflows:write",
    params: WorkflowParams,
    body: UpdateWorkflowBody,
    status: 200,
    response: { description: "The workflow at its new version", schema: WorkflowSchema },
  }),
  startRun: defineOperation({
    operationId: "startRun",
    method: "post",
    path: "/api/v1/workflows/{workflowId}/runs",
    tag: "runs",
    summary: "Start a run of the workflow's current version",
    description:
      "Answers at once; the run executes in the background. Read it with GET /api/v1/runs/{runId}.",
    scope: "runs:write",
    params: WorkflowParams,
    body: StartRunBody,
    headers: {
      "Idempotency-Key": {
        schema: IdempotencyKeySchema,
        description:
          "Retrying with the same key and body returns the original run (200); the same key with another body is 409. Must equal the body's idempotencyKey if both are sent.",
      },
    },
    status: 202,
    response: {
      description: '`{ runId, status: "queued" }`, with a Location header',
      schema: RunAcceptedSchema,
    },
    responses: {
      200: {
        description: "A retry with a known Idempotency-Key: the original `{ runId, status }`",
        schema: RunAcceptedSchema,
      },
      409: "The Idempotency-Key was used with a different body",
      503: "The run could not be queued; it was marked failed and nothing will run",
    },
  }),
  runNode: defineOperation({
    operationId: "runNode",
    method: "post",
    path: "/api/v1/workflows/{workflowId}/nodes/{nodeId}/run",
    tag: "runs",
    summary: "Block run: run one node of the current version alone, with given input and upstream outputs",
    description:
      "Creates a durable partial run of that node only. Its templates see `input` and `nodes.<id>` from the body. Waits up to `wait` seconds for it to finish.",
    scope: "runs:write",
    params: NodeRunParams,
    query: BlockRunQuery,
    body: BlockRunBody,
    status: 200,
    response: {
      description: "Finished: `{ runId, status, output, error, step }`",
      schema: BlockRunResultSchema,
    },
    responses: {
      202: {
        description: "Still running after `wait` seconds: `{ runId, status }`",
        schema: RunAcceptedSchema,
      },
    },
  }),
  listRuns: defineOperation({
    operationId: "listRuns",
    method: "get",
    path: "/api/v1/runs",
    tag: "runs",
    summary: "List the workspace's runs, newest first, a page at a time",
    scope: "runs:read",
    query: ListRunsQuery,
    status: 200,
    response: {
      description:
        "`{ data: RunSummary[], nextCursor }`; pass nextCursor as `cursor` for the next page (null: last page)",
      schema: RunListSchema,
    },
  }),
  getRun: defineOperation({
    operationId: "getRun",
    method: "get",
    path: "/api/v1/runs/{runId}",
    tag: "runs",
    summary: "A run's status, output or error, and every node's result",
    scope: "runs:read",
    params: RunParams,
    status: 200,
    response: { description: "The run with its steps", schema: RunSchema },
  }),
  streamRun: defineOperation({
    operationId: "streamRun",
    method: "get",
    path: "/api/v1/runs/{runId}/stream",
    tag: "runs",
    summary: "Follow a run live: its events as server-sent events, resumable",
    description:
      "`text/event-stream`. Each event's `id` is its per-run seq and its `data` is `{ runId, seq, type, nodeId, data, at }`; event names: `run.status`, `step.started`, `step.completed`, `step.failed`, `step.skipped`, `log`, `token`, `approval.requested`, `approval.decided`, `run.reconciled`, `agent.turn`, `agent.tool_call`, `agent.tool_result` (agent nodes), plus `heartbeat` (every 15 s) and `end` (after the run's terminal status, then the stream closes). Stored events after `Last-Event-ID` are replayed first, then live ones follow, each exactly once. The server closes the stream after a few minutes; reconnect with `Last-Event-ID` to resume. A finished run whose last event the client has seen answers 204, which stops EventSource's reconnects.",
    scope: "runs:read",
    params: RunParams,
    query: RunStreamQuery,
    headers: {
      "Last-Event-ID": { schema: LastEventIdHeader, description: "Resume after this event id (seq)" },
    },
    status: 200,
    responses: {
      204: "The run is over and `Last-Event-ID` is at or past its last event: nothing more will come",
    },
    response: {
      description: "A `text/event-stream` of the run's events",
      mediaType: "text/event-stream",
      schema: z
        .string()
        .describe(
          "Server-sent events; each stored event's `data` is a RunEvent (#/components/schemas/RunEvent)",
        ),
    },
  }),
  cancelRun: defineOperation({
    operationId: "cancelRun",
    method: "post",
    path: "/api/v1/runs/{runId}/cancel",
    tag: "runs",
    summary: "Cancel a run that has not finished; no further node starts",
    scope: "runs:write",
    params: RunParams,
    status: 200,
    response: { description: '`{ runId, status: "cancelled" }`', schema: RunAcceptedSchema },
    responses: { 409: "The run is already over (`run already <status>`)" },
  }),
  ...WEBHOOK_OPERATIONS,
  listSchedules: defineOperation({
    operationId: "listSchedules",
    method: "get",
    path: "/api/v1/workflows/{workflowId}/schedules",
    tag: "schedules",
    summary: "List a workflow's schedules, oldest first",
    scope: "schedules:read",
    params: WorkflowParams,
    status: 200,
    response: { description: "`{ data: Schedule[] }`", schema: ScheduleListSchema },
  }),
  createSchedule: defineOperation({
    operationId: "createSchedule",
    method: "post",
    path: "/api/v1/workflows/{workflowId}/schedules",
    tag: "schedules",
    summary: "Schedule runs of the workflow's current version with a cron expression in a time zone",
    description:
      "Each occurrence starts one run (trigger `schedule`) with the schedule's input, of the version that is current when it occurs; the occurrence is the run's idempotency key (`schedule:<id>:<ISO time>`), so it never starts twice. A bad cron expression, time zone or input answers 422 naming the field.",
    scope: "schedules:write",
    params: WorkflowParams,
    body: CreateScheduleBody,
    status: 201,
    response: { description: "The schedule with its next occurrence", schema: ScheduleSchema },
  }),
  getSchedule: defineOperation({
    operationId: "getSchedule",
    method: "get",
    path: "/api/v1/schedules/{scheduleId}",
    tag: "schedules",
    summary: "A schedule with its next and last occurrence, last run and last error",
    scope: "schedules:read",
    params: ScheduleParams,
    status: 200,
    response: { description: "The schedule", schema: ScheduleSchema },
  }),
  updateSchedule: defineOperation({
    operationId: "updateSchedule",
    method: "patch",
    path: "/api/v1/schedules/{scheduleId}",
    tag: "schedules",
    summary: "Change a schedule's name, cron, time zone, input, catch-up policy, or enable/disable it",
    description:
      "A new cron or time zone, or enabling, counts from now: occurrences before the change never catch up.",
    scope: "schedules:write",
    params: ScheduleParams,
    body: UpdateScheduleBody,
    status: 200,
    response: { description: "The schedule as changed", schema: ScheduleSchema },
  }),
  deleteSchedule: defineOperation({
    operationId: "deleteSchedule",
    method: "delete",
    path: "/api/v1/schedules/{scheduleId}",
    tag: "schedules",
    summary: "Delete a schedule; runs it started stay",
    scope: "schedules:write",
    params: ScheduleParams,
    status: 204,
    response: { description: "Deleted: no content", schema: undefined },
  }),
  openApiDocument: defineOperation({
    operationId: "getOpenApiDocument",
    method: "get",
    path: "/api/v1/openapi.json",
    tag: "meta",
    summary: "This document (no API key needed)",
    status: 200,
    response: {
      description: "The OpenAPI 3.1 document of /api/v1",
      schema: z.looseObject({ openapi: z.string() }),
    },
  }),
};

export const V1_OPERATIONS = Object.values(V1);
