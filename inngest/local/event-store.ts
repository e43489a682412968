import { seededUlid, ulid } from "./ids";
import type { EventPayload, IncomingEvent, LocalEvent } from "./types";

/** Inngest deduplicates events by their `id` for 24 hours. */
export const DEDUP_WINDOW_MS = 24 * 60 * 60 * 1000;

export type AcceptedEvent = { stored: LocalEvent; duplicate: boolean };

/**
 * Every event the engine received, with id deduplication. Ids the caller
 * sets (`id`) and ids derived from the SDK's retry seed both dedupe, so a
 * retried `send()` starts nothing twice.
 */
export class EventStore {
  readonly #byInternalId = new Map<string, LocalEvent>();
  readonly #byUserId = new Map<string, LocalEvent>();
  readonly #order: LocalEvent[] = [];

  /** `maxEvents` bounds memory in long `npm run dev` sessions; the oldest go first. */
  constructor(private readonly maxEvents = 50_000) {}

  accept(event: IncomingEvent, now: number, seed?: { header: string; index: number }): AcceptedEvent {
    const internalId = seed ? seededUlid(seed.header, seed.index) : ulid(now);
    const bySeed = this.#byInternalId.get(internalId);
    if (bySeed && now - bySeed.receivedAt < DEDUP_WINDOW_MS) return { stored: bySeed, duplicate: true };

    if (event.id) {
      const previous = this.#byUserId.get(event.id);
      if (previous && now - previous.receivedAt < DEDUP_WINDOW_MS) {
        // Keep a trace of the duplicate for the UI; it starts no run.
        this.#remember({
          internalId: ulid(now),
          payload: toPayload(event, event.id, now),
          receivedAt: now,
          runIds: [],
          deduplicated: true,
        });
        return { stored: previous, duplicate: true };
      }
    }

    const stored: LocalEvent = {
      internalId,
      // Functions see the caller's id when given, else the internal one.
      payload: toPayload(event, event.id ?? internalId, now),
      receivedAt: now,
      runIds: [],
      deduplicated: false,
    };
    this.#remember(stored);
    if (event.id) this.#byUserId.set(event.id, stored);
    return { stored, duplicate: false };
  }

  /** Record an engine-made event (invoke, function.failed …) that bypasses dedup. */
  record(payload: Omit<EventPayload, "id" | "ts"> & { ts?: number }, now: number): LocalEvent {
    const internalId = ulid(now);
    const stored: LocalEvent = {
      internalId,
      payload: { ...payload, id: internalId, ts: payload.ts ?? now },
      receivedAt: now,
      runIds: [],
      deduplicated: false,
    };
    this.#remember(stored);
    return stored;
  }

  get(internalId: string): LocalEvent | undefined {
    return this.#byInternalId.get(internalId) ?? this.#byUserId.get(internalId);
  }

  list(): LocalEvent[] {
    return [...this.#order];
  }

  #remember(stored: LocalEvent) {
    this.#byInternalId.set(stored.internalId, stored);
    this.#order.push(stored);
    while (this.#order.length > this.maxEvents) {
      const oldest = this.#order.shift();
      if (!oldest) break;
      this.#byInternalId.delete(oldest.internalId);
      if (this.#byUserId.get(oldest.payload.id) === oldest) this.#byUserId.delete(oldest.payload.id);
    }
  }
}

function toPayload(event: IncomingEvent, id: string, now: number): EventPayload {
  return {
    id,
    name: event.name,
    data: event.data ?? {},
    ts: typeof event.ts === "number" && event.ts > 0 ? event.ts : now,
    ...(event.v === undefined ? {} : { v: event.v }),
    ...(event.user === undefined ? {} : { user: event.user }),
  };
}
