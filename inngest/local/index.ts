/**
 * inngest/local — a protocol-faithful stand-in for the Inngest dev server.
 * The unmodified SDK talks to it over HTTP; see README.md next to this file.
 */
export type { SyncResult } from "./app-sync";
export {
  FAST_RETRIES_ENV,
  fastBackoff,
  INNGEST_BACKOFF_TABLE_MS,
  inngestBackoff,
  type RetryBackoff,
} from "./backoff";
export { DataDirLockedError } from "./data-dir-lock";
export {
  createLocalEngine,
  type LocalEngine,
  type LocalEngineClock,
  type LocalEngineOptions,
  type RunFilter,
} from "./engine";
export type {
  EngineLogger,
  EngineMode,
  EventPayload,
  LocalEvent,
  LocalRun,
  LocalStep,
  RunStatus,
  SerializedError,
  StepStatus,
} from "./types";
