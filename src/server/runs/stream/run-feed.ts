import { logger } from "@/lib/logger";
import type { RunEventMessage } from "../../../../inngest/channels";
import type { RunChannelSubscription, SubscribeRunChannel } from "./realtime-run-subscription";
import type { StreamClock, TimerHandle } from "./stream-clock";

/** A subscriber of a run's feed (one SSE connection). */
export type FeedListener = {
  /** The last seq it has written; undefined while it is still replaying. */
  position(): number | undefined;
  receive(events: readonly RunEventMessage[]): void;
};

export type RunFeedOptions = {
  runId: string;
  /** Stored events after a seq, in order (the run's workspace is already fixed by the caller). */
  read: (afterSeq: number) => Promise<RunEventMessage[]>;
  subscribe: SubscribeRunChannel;
  clock: StreamClock;
  pollIntervalMs: number;
  connectTimeoutMs: number;
  resubscribeMs: number;
};

export type FeedMode = "connecting" | "realtime" | "polling" | "closed";

const MAX_RESUBSCRIBE_MS = 60_000;

/**
 * Everything one process knows live about one run, shared by all of that
 * process's streams of the run: ONE realtime subscription, fanned out to every
 * listener. When realtime cannot be reached (or drops), ONE poller reads
 * run_events for all listeners until a new subscription opens. Gaps a listener
 * reports are read once for everybody. So the database sees a constant load
 * per run, whatever the number of subscribers.
 */
export class RunFeed {
  readonly #listeners = new Set<FeedListener>();
  readonly #ready: Promise<void>;
  #mode: FeedMode = "connecting";
  #subscription: RunChannelSubscription | undefined;
  #pollTimer: TimerHandle | undefined;
  #resubscribeTimer: TimerHandle | undefined;
  #resubscribeDelay: number;
  #reading = false;
  #readAgain = false;
  /** Shared reads made (catch-ups and polls), for tests and the benchmark. */
  reads = 0;

  constructor(private readonly options: RunFeedOptions) {
    this.#resubscribeDelay = options.resubscribeMs;
    this.#ready = this.#connect();
  }

  get mode(): FeedMode {
    return this.#mode;
  }

  get size(): number {
    return this.#listeners.size;
  }

  /** Resolves once live events flow to the listener (realtime open, or the poller as a fallback). */
  async attach(listener: FeedListener): Promise<void> {
    this.#listeners.add(listener);
    await this.#ready;
  }

  /** Returns true when the feed has no listener left (the caller then closes it). */
  detach(listener: FeedListener): boolean {
    this.#listeners.delete(listener);
    return this.#listeners.size === 0;
  }

  close(): void {
    this.#mode = "closed";
    this.#subscription?.close();
    this.#subscription = undefined;
    for (const timer of [this.#pollTimer, this.#resubscribeTimer])
      if (timer) this.options.clock.clearTimer(timer);
    this.#listeners.clear();
  }

  /**
   * Reads what listeners miss from run_events, once for all of them: from the
   * lowest position among listeners that finished their replay. A request made
   * while a read is running gets one more read after it, never one each.
   */
  requestCatchUp(): void {
    if (this.#reading) {
      this.#readAgain = true;
      return;
    }
    void this.#catchUp();
  }

  async #catchUp(): Promise<void> {
    this.#reading = true;
    try {
      do {
        this.#readAgain = false;
        const positions = [...this.#listeners].flatMap((listener) => listener.position() ?? []);
        if (positions.length === 0 || this.#mode === "closed") return;
        this.reads++;
        this.#broadcast(await this.options.read(Math.min(...positions)));
      } while (this.#readAgain);
    } catch (error) {
      logger.warn({ runId: this.options.runId, err: error }, "run stream catch-up read failed");
    } finally {
      this.#reading = false;
    }
  }

  #broadcast(events: readonly RunEventMessage[]): void {
    if (events.length === 0 || this.#mode === "closed") return;
    // A listener may leave while receiving (it sent `end`): iterate over a copy.
    for (const listener of [...this.#listeners]) listener.receive(events);
  }

  async #connect(): Promise<void> {
    const { runId, subscribe, clock, connectTimeoutMs } = this.options;
    let timer: TimerHandle | undefined;
    // A message published without its data (too large for a publish) is read whole from run_events.
    const attempt = subscribe(runId, (message) =>
      message.omitted ? this.requestCatchUp() : this.#broadcast([message]),
    );
    const timeout = new Promise<never>((_, reject) => {
      timer = clock.setTimer(clock.now() + connectTimeoutMs, () =>
        reject(new Error(`realtime did not connect within ${connectTimeoutMs} ms`)),
      );
    });
    try {
      const subscription = await Promise.race([attempt, timeout]);
      if (this.#mode === "closed") return subscription.close();
      this.#subscription = subscription;
      this.#mode = "realtime";
      this.#resubscribeDelay = this.options.resubscribeMs;
      if (this.#pollTimer) clock.clearTimer(this.#pollTimer);
      this.#pollTimer = undefined;
      void subscription.ended.then(() => {
        if (this.#subscription === subscription) this.#fallBack(new Error("realtime subscription ended"));
      });
    } catch (error) {
      // A subscription that opens after its deadline is not wanted any more.
      void attempt.then((late) => late.close()).catch(() => {});
      this.#fallBack(error);
    } finally {
      if (timer) clock.clearTimer(timer);
    }
  }

  /** Realtime is unavailable: poll for everybody, and try to subscribe again later. */
  #fallBack(error: unknown): void {
    if (this.#mode === "closed") return;
    logger.warn({ runId: this.options.runId, err: error }, "run stream falls back to polling");
    this.#subscription = undefined;
    this.#mode = "polling";
    const { clock, pollIntervalMs } = this.options;
    const poll = () => {
      this.#pollTimer = undefined;
      if (this.#mode !== "polling") return;
      this.requestCatchUp();
      this.#pollTimer = clock.setTimer(clock.now() + pollIntervalMs, poll);
    };
    if (!this.#pollTimer) this.#pollTimer = clock.setTimer(clock.now() + pollIntervalMs, poll);
    if (!this.#resubscribeTimer) {
      this.#resubscribeTimer = clock.setTimer(clock.now() + this.#resubscribeDelay, () => {
        this.#resubscribeTimer = undefined;
        this.#resubscribeDelay = Math.min(this.#resubscribeDelay * 2, MAX_RESUBSCRIBE_MS);
        void this.#connect().then(() => {
          // Events published between the last poll and the new subscription.
          if (this.#mode === "realtime") this.requestCatchUp();
        });
      });
    }
  }
}
