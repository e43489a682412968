/**
 * Time for live run streams (heartbeats, the duration limit, the fallback
 * poller, resubscribing). Streams take it as a dependency so tests drive it by
 * hand — the local engine's manual clock has this exact shape — and never wait
 * 15 s for a heartbeat.
 */

export type TimerHandle = { readonly id: number };

export type StreamClock = {
  now(): number;
  /** Calls `fn` once the clock reaches `at` (epoch ms). */
  setTimer(at: number, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
};

/** Wall-clock timers that never keep the process alive on their own. */
export function createRealStreamClock(): StreamClock {
  const timeouts = new Map<number, NodeJS.Timeout>();
  let nextId = 0;
  return {
    now: () => Date.now(),
    setTimer(at, fn) {
      const id = ++nextId;
      const timeout = setTimeout(
        () => {
          timeouts.delete(id);
          fn();
        },
        Math.max(0, at - Date.now()),
      );
      timeout.unref();
      timeouts.set(id, timeout);
      return { id };
    },
    clearTimer(handle) {
      clearTimeout(timeouts.get(handle.id));
      timeouts.delete(handle.id);
    },
  };
}
