import type { RunEventMessage } from "../../../../inngest/channels";
import { RUN_STATUSES, type RunStatus } from "../../db/schema";
import { isTerminalRunStatus } from "../statuses";
import type { FeedListener } from "./run-feed";
import { controlFrame, eventFrame, retryFrame } from "./sse";
import type { StreamClock, TimerHandle } from "./stream-clock";

/** Where a session's frames go; `write` answers false once the client has fallen too far behind. */
export type StreamSink = { write(frame: Uint8Array): boolean; close(): void };

export type SessionEnd = "end" | "max_duration" | "client_gone" | "overloaded" | "failed";

export type RunStreamSessionOptions = {
  /** The client's Last-Event-ID: everything up to it has been seen. */
  afterSeq: number;
  sink: StreamSink;
  clock: StreamClock;
  heartbeatMs: number;
  maxDurationMs: number;
  gapGraceMs: number;
  /** Asks the run's shared feed to read a gap from run_events (one read per run, however many ask). */
  requestCatchUp: () => void;
  onClose: (reason: SessionEnd) => void;
};

const RECONNECT_AFTER_MS = 1_000;

function terminalStatusOf(message: RunEventMessage): RunStatus | undefined {
  if (message.type !== "run.status") return undefined;
  const status = message.data.status;
  const known = (RUN_STATUSES as readonly unknown[]).includes(status) ? (status as RunStatus) : undefined;
  return known && isTerminalRunStatus(known) ? known : undefined;
}

/**
 * One client's stream: events strictly in seq order, each once. Live events
 * that arrive before the replay is written are held, then those not covered by
 * the replay follow it (no gap, no duplicate). An event that arrives ahead of
 * its predecessors (parallel steps publish in any order; a publish can be lost)
 * waits `gapGraceMs`, then the gap is read from the database. Sends `end` after
 * the run's terminal status, heartbeats while open, and closes itself after
 * `maxDurationMs` so the client resumes before the platform cuts it off.
 */
export class RunStreamSession implements FeedListener {
  #lastSeq: number;
  #replayed = false;
  #closed = false;
  readonly #held = new Map<number, RunEventMessage>();
  #heartbeat: TimerHandle | undefined;
  #deadline: TimerHandle | undefined;
  #gapTimer: TimerHandle | undefined;

  constructor(private readonly options: RunStreamSessionOptions) {
    this.#lastSeq = options.afterSeq;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Undefined until the replay is written: a feed's catch-up read must not start before it. */
  position(): number | undefined {
    return this.#replayed ? this.#lastSeq : undefined;
  }

  start(): void {
    const { clock, heartbeatMs, maxDurationMs } = this.options;
    this.#write(retryFrame(RECONNECT_AFTER_MS));
    const beat = () => {
      this.#write(controlFrame("heartbeat", { at: new Date(clock.now()).toISOString() }));
      if (!this.#closed) this.#heartbeat = clock.setTimer(clock.now() + heartbeatMs, beat);
    };
    this.#heartbeat = clock.setTimer(clock.now() + heartbeatMs, beat);
    this.#deadline = clock.setTimer(clock.now() + maxDurationMs, () => this.close("max_duration"));
  }

  /** The stored events after the client's position, in seq order; then whatever was held. */
  replay(events: readonly RunEventMessage[]): void {
    for (const event of events) {
      if (this.#closed) return;
      if (event.seq > this.#lastSeq) this.#send(event);
    }
    this.#replayed = true;
    this.#flush();
  }

  /** Live events (or a catch-up read) from the run's feed. */
  receive(events: readonly RunEventMessage[]): void {
    if (this.#closed) return;
    for (const event of events) if (event.seq > this.#lastSeq) this.#held.set(event.seq, event);
    if (this.#replayed) this.#flush();
  }

  /** Sends `end` and closes: the run is over and everything up to its terminal status is written. */
  end(status: RunStatus): void {
    this.#write(controlFrame("end", { status }));
    this.close("end");
  }

  close(reason: SessionEnd): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of [this.#heartbeat, this.#deadline, this.#gapTimer]) {
      if (timer) this.options.clock.clearTimer(timer);
    }
    this.#held.clear();
    this.options.sink.close();
    this.options.onClose(reason);
  }

  #flush(): void {
    for (const seq of this.#held.keys()) if (seq <= this.#lastSeq) this.#held.delete(seq);
    for (let next = this.#held.get(this.#lastSeq + 1); next; next = this.#held.get(this.#lastSeq + 1)) {
      this.#held.delete(next.seq);
      this.#send(next);
      if (this.#closed) return;
    }
    this.#watchGap();
  }

  #send(event: RunEventMessage): void {
    this.#write(eventFrame(event));
    this.#lastSeq = event.seq;
    const terminal = terminalStatusOf(event);
    if (terminal) this.end(terminal);
  }

  /** Held events mean a gap before them: give the missing ones a moment, then have them read. */
  #watchGap(): void {
    const { clock, gapGraceMs } = this.options;
    if (this.#held.size === 0) {
      if (this.#gapTimer) clock.clearTimer(this.#gapTimer);
      this.#gapTimer = undefined;
      return;
    }
    if (this.#gapTimer) return;
    this.#gapTimer = clock.setTimer(clock.now() + gapGraceMs, () => {
      this.#gapTimer = undefined;
      if (this.#closed || this.#held.size === 0) return;
      this.options.requestCatchUp();
      // Still open after the read? Ask again a grace period later, never faster.
      this.#watchGap();
    });
  }

  #write(frame: Uint8Array): void {
    if (this.#closed) return;
    if (!this.options.sink.write(frame)) this.close("overloaded");
  }
}
