import type { Database } from "../db/client";
import type { RunEvent } from "../db/schema";
import { appendRunEvents, type NewRunEvent } from "../runs/append-run-events";
import { lockLiveRunOrStop, type WaitStepRef } from "../runs/wait-node-steps";

/**
 * Appends an agent's events (each with a dedupe key, so a retried step writes them once) and
 * publishes them. A run that is over stops the step: nothing more of it may happen.
 */
export async function appendAgentEvents(
  db: Database,
  ref: WaitStepRef,
  events: NewRunEvent[],
  publish: (events: RunEvent[]) => void,
): Promise<void> {
  const written = await db.transaction(async (tx) => {
    await lockLiveRunOrStop(tx, ref);
    return appendRunEvents(tx, { runId: ref.runId, workspaceId: ref.workspaceId, events });
  });
  publish(written);
}

/** Tool results and arguments in events are previews: the step output keeps them whole. */
export function preview(value: unknown, maxChars = 4_000): unknown {
  const json = JSON.stringify(value ?? null);
  return json.length <= maxChars ? value : { preview: `${json.slice(0, maxChars)}…`, chars: json.length };
}
