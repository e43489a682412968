import type { RunStatus } from "../db/schema";

/** Named status sets, so no caller re-derives "is this run over?". */
export const TERMINAL_RUN_STATUSES = [
  "succeeded",
  "partial",
  "failed",
  "cancelled",
] as const satisfies readonly RunStatus[];

export function isTerminalRunStatus(status: RunStatus): boolean {
  return (TERMINAL_RUN_STATUSES as readonly RunStatus[]).includes(status);
}
