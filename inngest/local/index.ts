/**
 * inngest/local — a protocol-faithful stand-in for the Inngest dev server.
 * The unmodified SDK talks to it over HTTP; see README.md next to this file.
 */
export type { SyncResult } from "./app-sync";
export { DataDirLockedError } from "./data-dir-lock";
export {
  createLocalEngine,
  defaultRetryBackoff,
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
