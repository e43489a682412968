import { seededUlid, ulid } from "./ids";
import { type Journal, memoryJournal } from "./journal";
import type { EventPayload, IncomingEvent, LocalEvent } from "./types";

/** Inngest deduplicates events by their `id` for 24 hours. */
export const DEDUP_WINDOW_MS = 24 * 60 * 60 * 1000;

export type AcceptedEvent = { stored: LocalEvent; duplicate: false | "retried-send" | "same-id" };

/**
 * Every event the engine received. A retried `send()` (the SDK's id seed)
 * maps to the same internal id, as Inngest derives it from the seed too, and
 * is the same event: `duplicate: "retried-send"`. An event whose `id` repeats
 * an earlier one within 24 h is a new event (new internal id), stored and
 * flagged `deduplicated`: `duplicate: "same-id"`. It still reaches waits and
 * cancellations; run creation is deduplicated per function by the intake.
 */
export class EventStore {
  readonly #byInternalId = new Map<string, LocalEvent>();
  readonly #byUserId = new Map<string, LocalEvent>();
  readonly #order: LocalEvent[] = [];

  /** `maxEvents` bounds memory (and the store) in long `npm run dev` sessions; the oldest go first. */
  constructor(
    private readonly maxEvents = 50_000,
    private readonly journal: Journal = memoryJournal,
  ) {}

  /** Restart: take back the journaled events (oldest first) and rebuild the dedup index. */
  load(events: LocalEvent[]): void {
    for (const stored of events) {
      this.#byInternalId.set(stored.internalId, stored);
      this.#order.push(stored);
      if (!stored.deduplicated && stored.payload.id !== stored.internalId) {
        this.#byUserId.set(stored.payload.id, stored);
      }
    }
  }

  /** Note on a stored event which run it started. */
  linkRun(stored: LocalEvent, runId: string): void {
    stored.runIds.push(runId);
    this.journal.saveEvent(stored);
  }

  accept(event: IncomingEvent, now: number, seed?: { header: string; index: number }): AcceptedEvent {
    const internalId = seed ? seededUlid(seed.header, seed.index) : ulid(now);
    const bySeed = this.#byInternalId.get(internalId);
    if (bySeed && now - bySeed.receivedAt < DEDUP_WINDOW_MS)
      return { stored: bySeed, duplicate: "retried-send" };

    if (event.id) {
      const previous = this.#byUserId.get(event.id);
      if (previous && now - previous.receivedAt < DEDUP_WINDOW_MS) {
        // Like Inngest: the duplicate gets its own internal id.
        const trace: LocalEvent = {
          internalId: ulid(now),
          payload: toPayload(event, event.id, now),
          receivedAt: now,
          runIds: [],
          deduplicated: true,
        };
        this.#remember(trace);
        return { stored: trace, duplicate: "same-id" };
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

  byInternalId(internalId: string): LocalEvent | undefined {
    return this.#byInternalId.get(internalId);
  }

  list(): LocalEvent[] {
    return [...this.#order];
  }

  #remember(stored: LocalEvent) {
    this.#byInternalId.set(stored.internalId, stored);
    this.#order.push(stored);
    this.journal.saveEvent(stored);
    const dropped: string[] = [];
    while (this.#order.length > this.maxEvents) {
      const oldest = this.#order.shift();
      if (!oldest) break;
      dropped.push(oldest.internalId);
      this.#byInternalId.delete(oldest.internalId);
      if (this.#byUserId.get(oldest.payload.id) === oldest) this.#byUserId.delete(oldest.payload.id);
    }
    if (dropped.length > 0) this.journal.deleteEvents(dropped);
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
