import { getEnv } from "@/lib/env";
import { type SubscribeRunChannel, subscribeRunChannel } from "./realtime-run-subscription";
import { createRealStreamClock, type StreamClock } from "./stream-clock";

/** How live run streams behave; defaults from env, replaceable by tests and the benchmark. */
export type RunStreamSettings = {
  heartbeatMs: number;
  /** A stream closes itself after this long; the client resumes with Last-Event-ID. */
  maxDurationMs: number;
  /** The shared per-run poller's interval while realtime is unavailable. */
  pollIntervalMs: number;
  /** How long an out-of-order event may wait for the ones before it before the gap is read from run_events. */
  gapGraceMs: number;
  /** How long a realtime subscription may take to open before the run falls back to polling. */
  connectTimeoutMs: number;
  /** After losing realtime, the wait before trying to subscribe again (doubling, capped at 60 s). */
  resubscribeMs: number;
  /** A client that stops reading is dropped (it resumes later) once this much is queued for it. */
  maxQueuedBytes: number;
  clock: StreamClock;
  subscribe: SubscribeRunChannel;
};

let overrides: Partial<RunStreamSettings> = {};
let defaults: RunStreamSettings | undefined;

export function runStreamSettings(): RunStreamSettings {
  if (!defaults) {
    const env = getEnv();
    defaults = {
      heartbeatMs: env.RUN_STREAM_HEARTBEAT_S * 1000,
      maxDurationMs: env.RUN_STREAM_MAX_DURATION_S * 1000,
      pollIntervalMs: env.RUN_STREAM_POLL_INTERVAL_MS,
      gapGraceMs: 1_000,
      connectTimeoutMs: 5_000,
      resubscribeMs: 5_000,
      maxQueuedBytes: 4 * 1024 * 1024,
      clock: createRealStreamClock(),
      subscribe: subscribeRunChannel,
    };
  }
  return { ...defaults, ...overrides };
}

/** Tests and the benchmark: a manual clock, a short heartbeat, a realtime that fails… `{}` restores the defaults. */
export function configureRunStreams(next: Partial<RunStreamSettings>): void {
  overrides = { ...next };
}
