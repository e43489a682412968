import type { FunctionConfig } from "./registry";
import type { LocalEvent, LocalStep, MemoizedStep, RunStatus, SerializedError } from "./types";

/**
 * Where the engine writes its durable state, at the moment each transition
 * happens and before it is acknowledged (an HTTP answer, a timer's effect).
 * In memory (no `dataDir`) every method is a no-op; with a `dataDir` it is
 * SQLite (`sqlite-journal.ts`). Engine parts call it, never SQLite directly.
 */

/** What an outstanding op waits for, so a restart can re-arm it. */
export type OpDetail =
  | { kind: "step"; race?: boolean }
  | { kind: "sleep"; at: number; race?: boolean }
  | { kind: "wait"; event: string; if?: string; at?: number; race?: boolean }
  | { kind: "invoke"; childRunId: string; at?: number; race?: boolean };

/** A call to the app, scheduled (`dueAt` in the future) or in flight. */
export type PersistedCall = {
  callId: string;
  runId: string;
  stepId: string;
  attempt: number;
  disableImmediate: boolean;
  dueAt: number;
};

/** The durable fields of a run (memoized steps live in their own rows). */
export type PersistedRun = {
  id: string;
  functionId: string;
  appId: string;
  eventId: string;
  event: LocalEvent["payload"];
  events: LocalEvent["payload"][];
  status: RunStatus;
  output?: unknown;
  error?: SerializedError;
  startedAt: number;
  endedAt?: number;
  version: number;
  parent?: { runId: string; stepId: string };
};

export type PersistedStep = { stepId: string; seq?: number; memo?: MemoizedStep; history: LocalStep };

export type PersistedApp = { appId: string; url: string; configs: FunctionConfig[]; syncedAt: number };

export type LoadedRun = {
  run: PersistedRun;
  steps: PersistedStep[];
  ops: { stepId: string; detail: OpDetail }[];
  calls: PersistedCall[];
};

export type LoadedState = {
  apps: PersistedApp[];
  events: LocalEvent[];
  idempotencyKeys: [key: string, expiresAt: number][];
  runs: LoadedRun[];
};

export type Journal = {
  readonly durable: boolean;
  /** Run `fn` as one transaction (nested calls join the outer one). */
  atomic<T>(fn: () => T): T;
  saveApp(app: PersistedApp): void;
  saveEvent(event: LocalEvent): void;
  deleteEvents(internalIds: string[]): void;
  saveIdempotencyKey(key: string, expiresAt: number, now: number): void;
  saveRun(run: PersistedRun): void;
  /** A run ended: store the result and drop its outstanding ops and calls. */
  finishRun(run: PersistedRun): void;
  saveStep(runId: string, step: PersistedStep): void;
  saveOp(runId: string, stepId: string, detail: OpDetail): void;
  deleteOp(runId: string, stepId: string): void;
  saveCall(call: PersistedCall): void;
  deleteCall(callId: string): void;
  /** Delete finished runs with their steps (the caller bounds the batch). */
  deleteRuns(runIds: string[]): void;
  close(): void;
};

const noop = () => {};

/** The in-memory engine's journal: remembers nothing. */
export const memoryJournal: Journal = {
  durable: false,
  atomic: (fn) => fn(),
  saveApp: noop,
  saveEvent: noop,
  deleteEvents: noop,
  saveIdempotencyKey: noop,
  saveRun: noop,
  finishRun: noop,
  saveStep: noop,
  saveOp: noop,
  deleteOp: noop,
  saveCall: noop,
  deleteCall: noop,
  deleteRuns: noop,
  close: noop,
};
