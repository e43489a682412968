import {
  type AgentModel,
  type AgentTurnRecord,
  type AgentTurnRequest,
  estimateCostUsd,
  idempotencyKeyFor,
} from "@/engine";
import type { Database } from "../db/client";
import type { RunEvent } from "../db/schema";
import type { WaitStepRef } from "../runs/wait-node-steps";
import { appendAgentEvents, findAgentEvent } from "./append-agent-events";

/**
 * One model turn of an agent (`agent:<nodeId>:turn:<n>`): the model call, with the idempotency key of
 * this step, then an `agent.turn` event with what the model said and asked for. A turn already
 * recorded (its step ran, but the engine lost the result) is returned as recorded.
 */
export async function runAgentTurn(
  db: Database,
  args: WaitStepRef & {
    model: AgentModel;
    turn: { n: number; stepId: string; request: AgentTurnRequest };
    publish: (events: RunEvent[]) => void;
  },
): Promise<AgentTurnRecord> {
  const { model, turn, publish, ...ref } = args;
  const dedupeKey = `agent-turn:${ref.nodeId}:${turn.n}`;
  const recorded = await findAgentEvent(db, ref.runId, dedupeKey);
  if (recorded !== undefined) {
    const { turn: _n, ...record } = recorded;
    return record as AgentTurnRecord;
  }
  const tokens = tokenBatcher(db, ref, turn.n, publish);
  const result = await model.turn(
    { ...turn.request, idempotencyKey: idempotencyKeyFor(ref.runId, turn.stepId) },
    { onText: tokens.add },
  );
  await tokens.flush();
  const costUsd = estimateCostUsd(result.model, result.usage);
  const record: AgentTurnRecord = { ...result, costUsd, at: new Date().toISOString() };
  await appendAgentEvents(
    db,
    ref,
    [
      {
        type: "agent.turn",
        nodeId: ref.nodeId,
        // The whole turn (arguments too): the run view shows it, and a re-driven step returns it.
        data: { turn: turn.n, ...record },
        dedupeKey,
      },
    ],
    publish,
  );
  return record;
}

/** Characters per `token` event: live enough to watch, few enough writes per turn. */
const TOKEN_BATCH_CHARS = 80;

/**
 * Gathers a turn's streamed text into `token` events (`{ turn, batch, text }`). Each batch is keyed
 * by its index, so a retried turn does not write a batch twice.
 */
function tokenBatcher(db: Database, ref: WaitStepRef, turn: number, publish: (events: RunEvent[]) => void) {
  let pending = "";
  let batch = 0;
  const flush = async () => {
    if (pending === "") return;
    const text = pending;
    pending = "";
    batch += 1;
    await appendAgentEvents(
      db,
      ref,
      [
        {
          type: "token",
          nodeId: ref.nodeId,
          data: { turn, batch, text },
          dedupeKey: `agent-tokens:${ref.nodeId}:${turn}:${batch}`,
        },
      ],
      publish,
    );
  };
  return {
    add: async (text: string) => {
      pending += text;
      if (pending.length >= TOKEN_BATCH_CHARS) await flush();
    },
    flush,
  };
}
