import { setTimeout as sleep } from "node:timers/promises";
import { and, eq } from "drizzle-orm";
import { notFound } from "@/lib/errors";
import type { DatabaseOrTransaction } from "../db/client";
import { type RunStatus, runs } from "../db/schema";
import { isTerminalRunStatus } from "./statuses";

const FIRST_POLL_MS = 50;
const MAX_POLL_MS = 1_000;

/**
 * Waits, within one request, for a run to reach a terminal status: polls the
 * run row with backoff (50 ms doubling to 1 s) until it is over, the time is up
 * or the client went away. Returns the last status seen. Polling the row keeps
 * this independent of realtime delivery; the bound keeps it inside a function's
 * time limit.
 */
export async function waitForRun(
  db: DatabaseOrTransaction,
  args: { workspaceId: string; runId: string; timeoutMs: number; signal?: AbortSignal },
): Promise<RunStatus> {
  const deadline = Date.now() + args.timeoutMs;
  let delay = FIRST_POLL_MS;
  for (;;) {
    const [run] = await db
      .select({ status: runs.status })
      .from(runs)
      .where(and(eq(runs.id, args.runId), eq(runs.workspaceId, args.workspaceId)));
    if (!run) throw notFound("Run");
    const left = deadline - Date.now();
    if (isTerminalRunStatus(run.status) || left <= 0 || args.signal?.aborted) return run.status;
    try {
      await sleep(Math.min(delay, left), undefined, { signal: args.signal });
    } catch {
      return run.status; // the client disconnected: nobody is waiting for the answer
    }
    delay = Math.min(delay * 2, MAX_POLL_MS);
  }
}
