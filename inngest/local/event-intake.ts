import type { EngineClock } from "./clock";
import { parseDurationMs } from "./duration";
import { DEDUP_WINDOW_MS, type EventStore } from "./event-store";
import type { Executor } from "./executor";
import { evaluateExpression, matchesExpression } from "./expression";
import { HttpError } from "./http-util";
import type { Journal } from "./journal";
import { eventNameMatches, type FunctionRegistry, type RegisteredFunction } from "./registry";
import { isTerminal } from "./run-state";
import type { EngineLogger, EventPayload, IncomingEvent, LocalEvent } from "./types";
import type { Waits } from "./waits";

/**
 * What happens when an event arrives: (in this order) resume runs waiting for
 * it, cancel runs whose `cancelOn` matches, and start a run of every function
 * it triggers, minus repeats. As on Inngest (pkg/execution/runner/runner.go:
 * every event is stored and offered to pauses; `Initialize` schedules with the
 * event id as idempotency key, so `ErrIdentifierExists` skips a function that
 * already ran for that id within `FunctionIdempotencyPeriod`, 24 h), an event
 * whose `id` repeats an earlier one still wakes waits and cancels runs; only a
 * function that already started a run for that id starts none. A retried send
 * (same SDK seed) is the same event and does nothing again.
 */
export class EventIntake {
  readonly #idempotencyKeys = new Map<string, number>();
  #sweepAt = 1_000;

  constructor(
    private readonly d: {
      store: EventStore;
      registry: FunctionRegistry;
      executor: Executor;
      waits: Waits;
      clock: EngineClock;
      logger: EngineLogger;
      journal: Journal;
    },
  ) {}

  /** Restart: the idempotency keys still inside their 24 h window. */
  loadIdempotencyKeys(keys: [key: string, expiresAt: number][]): void {
    for (const [key, until] of keys) this.#idempotencyKeys.set(key, until);
  }

  /**
   * Accept events as `POST /e/:key` does; returns their internal ids. The
   * events, their runs and the dedup index are journaled (one transaction)
   * before this returns, so before the HTTP answer.
   */
  send(input: unknown, seedHeader?: string): string[] {
    const events = (Array.isArray(input) ? input : [input]).map(toIncoming);
    return this.d.journal.atomic(() =>
      events.map((event, index) => {
        const seed = seedHeader ? { header: seedHeader, index } : undefined;
        const { stored, duplicate } = this.d.store.accept(event, this.d.clock.now(), seed);
        if (duplicate !== "retried-send") this.dispatch(stored);
        return stored.internalId;
      }),
    );
  }

  /** Emit an engine-made event (`inngest/function.failed` …); never re-triggers its source. */
  emitInternal(payload: Omit<EventPayload, "id" | "ts">, sourceFunctionId: string): void {
    this.dispatch(this.d.store.record(payload, this.d.clock.now()), sourceFunctionId);
  }

  dispatch(stored: LocalEvent, excludeFunctionId?: string): void {
    const event = stored.payload;
    this.d.waits.onEvent(event);
    this.#cancelMatching(event);
    for (const fn of this.d.registry.triggeredBy(event)) {
      if (fn.id === excludeFunctionId || this.#ranForEventId(fn, stored) || this.#isRepeat(fn, event))
        continue;
      this.d.store.linkRun(stored, this.d.executor.start(fn, stored.internalId, event).id);
    }
  }

  #cancelMatching(event: EventPayload) {
    const now = this.d.clock.now();
    for (const run of this.d.executor.runs.values()) {
      if (isTerminal(run.status)) continue;
      const fn = this.d.registry.get(run.functionId);
      const rule = fn?.cancel.find((candidate) => {
        if (!eventNameMatches(candidate.event, event.name)) return false;
        const window = candidate.timeout ? parseDurationMs(candidate.timeout) : undefined;
        if (window !== undefined && now - run.startedAt > window) return false;
        return !candidate.if || this.#matches(candidate.if, { event: run.event, async: event });
      });
      if (rule) this.d.executor.cancel(run.id);
    }
  }

  /**
   * One run per function and event id per 24 hours. Only ids the sender chose
   * can repeat: an event without one has its fresh internal id.
   */
  #ranForEventId(fn: RegisteredFunction, stored: LocalEvent): boolean {
    if (stored.payload.id === stored.internalId) return false;
    return this.#claimed(`event-id:${fn.id}:${stored.payload.id}`);
  }

  /** `idempotency`: one run per function and key value per 24 hours. */
  #isRepeat(fn: RegisteredFunction, event: EventPayload): boolean {
    if (!fn.idempotency) return false;
    let value: unknown;
    try {
      value = evaluateExpression(fn.idempotency, { event });
    } catch (err) {
      this.d.logger.warn(`[inngest-local] ${fn.id} idempotency: ${(err as Error).message}`);
      return false;
    }
    return this.#claimed(`${fn.id}:${JSON.stringify(value ?? null)}`);
  }

  /** Whether `key` was claimed within 24 hours; claims (and journals) it when not. */
  #claimed(key: string): boolean {
    const now = this.d.clock.now();
    const until = this.#idempotencyKeys.get(key);
    if (until !== undefined && until > now) return true;
    this.#idempotencyKeys.set(key, now + DEDUP_WINDOW_MS);
    this.d.journal.saveIdempotencyKey(key, now + DEDUP_WINDOW_MS, now);
    this.#forgetExpiredKeys(now);
    return false;
  }

  /**
   * Keys only matter for 24 hours. Sweeping on every insert would be quadratic, so
   * sweep when the map has doubled since the last sweep: memory stays bounded by
   * about twice the keys of one window, at constant amortized cost.
   */
  #forgetExpiredKeys(now: number): void {
    if (this.#idempotencyKeys.size < this.#sweepAt) return;
    for (const [key, until] of this.#idempotencyKeys) if (until <= now) this.#idempotencyKeys.delete(key);
    this.#sweepAt = Math.max(1_000, this.#idempotencyKeys.size * 2);
  }

  #matches(expression: string, scope: Record<string, unknown>): boolean {
    try {
      return matchesExpression(expression, scope);
    } catch (err) {
      this.d.logger.warn(`[inngest-local] cancelOn: ${(err as Error).message}`);
      return false;
    }
  }
}

function toIncoming(value: unknown): IncomingEvent {
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw new HttpError(400, "Each event must be an object");
  const event = value as Record<string, unknown>;
  if (typeof event.name !== "string" || !event.name)
    throw new HttpError(400, "Each event needs a non-empty name");
  if (
    event.data !== undefined &&
    (typeof event.data !== "object" || event.data === null || Array.isArray(event.data))
  ) {
    throw new HttpError(400, `Event "${event.name}": data must be an object`);
  }
  return {
    name: event.name,
    data: event.data as Record<string, unknown> | undefined,
    id: typeof event.id === "string" && event.id ? event.id : undefined,
    ts: typeof event.ts === "number" ? event.ts : undefined,
    v: typeof event.v === "string" ? event.v : undefined,
    user: event.user && typeof event.user === "object" ? (event.user as Record<string, unknown>) : undefined,
  };
}
