/**
 * Shared and public types of the local engine. Wire shapes mirror what the
 * inngest SDK (v4) sends and expects; see INNGEST_PROTOCOL.md.
 */

/** A JSON-serialised error as the SDK sends it (`serializeError`). */
export type SerializedError = {
  name: string;
  message: string;
  stack?: string;
  [key: string]: unknown;
};

/** An event as functions receive it (`event` / `events` in the call body). */
export type EventPayload = {
  id: string;
  name: string;
  data: Record<string, unknown>;
  ts: number;
  v?: string;
  user?: Record<string, unknown>;
};

/** An event sent to `POST /e/:key` before the engine fills the gaps. */
export type IncomingEvent = {
  name: string;
  data?: Record<string, unknown>;
  id?: string;
  ts?: number;
  v?: string;
  user?: Record<string, unknown>;
};

/** One op of a 206 answer or a checkpoint (the SDK's `OutgoingOp`). */
export type OutgoingOp = {
  id: string;
  op: string;
  name?: string;
  displayName?: string;
  opts?: Record<string, unknown>;
  data?: unknown;
  error?: unknown;
  userland?: { id?: string; index?: number };
};

/** Memoized state of one step, exactly as sent back in `steps`. */
export type MemoizedStep = { type: "data"; data: unknown } | { type: "error"; error: SerializedError };

export type RunStatus = "Running" | "Completed" | "Failed" | "Cancelled";

export type StepStatus = "Running" | "Sleeping" | "Waiting" | "Invoking" | "Completed" | "Failed";

/** A step in a run's history, for tests and the local UI. */
export type LocalStep = {
  /** Hashed step id (the key in `steps`). */
  id: string;
  /** The id the user gave (`step.run("this-id", …)`), when known. */
  name: string;
  op: string;
  status: StepStatus;
  /** How many times the step body ran (errors included). */
  attempts: number;
  output?: unknown;
  error?: SerializedError;
  startedAt: number;
  endedAt?: number;
};

/** A snapshot of a run. Returned copies never change under the caller. */
export type LocalRun = {
  runId: string;
  functionId: string;
  appId: string;
  status: RunStatus;
  /** Internal id of the triggering event (what `send()` returned). */
  eventId: string;
  event: EventPayload;
  output?: unknown;
  error?: SerializedError;
  startedAt: number;
  endedAt?: number;
  parentRunId?: string;
  steps: LocalStep[];
};

/** An event as stored by the engine. */
export type LocalEvent = {
  internalId: string;
  payload: EventPayload;
  receivedAt: number;
  runIds: string[];
  /** True when the event id was seen within 24 h and started nothing. */
  deduplicated: boolean;
};

export type EngineLogger = {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
};

export type EngineMode = "classic" | "checkpoint";
