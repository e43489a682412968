import type { SlotRequest } from "./concurrency";
import { evaluateExpression } from "./expression";
import type { RegisteredFunction } from "./registry";
import type { Run } from "./run-state";
import type { EngineLogger } from "./types";

/**
 * The concurrency slots a call of `run` needs. `fn`-scoped limits are per
 * function; `env`/`account` scopes share the key space across functions, so
 * two functions with the same key expression and value share the limit.
 */
export function concurrencySlots(fn: RegisteredFunction, run: Run, logger: EngineLogger): SlotRequest[] {
  return fn.concurrency.map((limit, index) => {
    let value = "";
    if (limit.key) {
      try {
        value = JSON.stringify(evaluateExpression(limit.key, { event: run.event }) ?? null);
      } catch (err) {
        logger.warn(`[inngest-local] ${fn.id} concurrency key: ${(err as Error).message}`);
      }
    }
    const key =
      limit.scope === "fn" ? `fn:${fn.id}:${index}:${value}` : `${limit.scope}:${limit.key ?? ""}:${value}`;
    return { key, limit: limit.limit };
  });
}
