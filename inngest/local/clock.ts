/**
 * The engine's notion of time. Every durable timer (sleeps, retry backoff,
 * waitForEvent and invoke timeouts) goes through a clock so tests can swap the
 * real one for a manual one and never really sleep.
 */

export type TimerHandle = { readonly id: number };

export type EngineClock = {
  readonly kind: "real" | "manual";
  now(): number;
  /** Run `fn` once the clock reaches `at` (epoch ms). */
  setTimer(at: number, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  /** Number of timers not yet fired. */
  pending(): number;
  /** Epoch ms of the earliest pending timer. */
  nextAt(): number | undefined;
  /**
   * Manual clock: move time forward by `ms`, firing due timers in order and
   * letting the engine settle after each one (so work started by a timer can
   * schedule later timers within the same advance). Real clock: throws.
   */
  advance(ms: number): Promise<void>;
  /** Fire the earliest pending timer at once (manual), or wait for it (real). */
  fireNext(): Promise<void>;
  dispose(): void;
};

type Entry = { id: number; at: number; fn: () => void };

/** setTimeout cannot wait longer than 2^31-1 ms; longer timers re-arm. */
const MAX_TIMEOUT = 2_147_483_647;

export function createRealClock(): EngineClock {
  const entries = new Map<number, { entry: Entry; timeout: NodeJS.Timeout }>();
  const waiters = new Set<() => void>();
  let seq = 0;
  let disposed = false;

  const arm = (entry: Entry) => {
    const delay = Math.min(Math.max(0, entry.at - Date.now()), MAX_TIMEOUT);
    const timeout = setTimeout(() => {
      if (entry.at > Date.now()) return arm(entry);
      entries.delete(entry.id);
      try {
        entry.fn();
      } finally {
        for (const wake of [...waiters]) wake();
      }
    }, delay);
    entries.set(entry.id, { entry, timeout });
  };

  return {
    kind: "real",
    now: () => Date.now(),
    setTimer(at, fn) {
      const entry = { id: ++seq, at, fn };
      // After close() nothing may fire: the engine's state is gone.
      if (!disposed) arm(entry);
      return { id: entry.id };
    },
    clearTimer(handle) {
      const found = entries.get(handle.id);
      if (found) clearTimeout(found.timeout);
      entries.delete(handle.id);
    },
    pending: () => entries.size,
    nextAt: () => earliest([...entries.values()].map((e) => e.entry))?.at,
    advance: () => Promise.reject(new Error("clock.advance() needs createLocalEngine({ clock: 'manual' })")),
    fireNext: () =>
      entries.size === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const wake = () => {
              waiters.delete(wake);
              resolve();
            };
            waiters.add(wake);
          }),
    dispose() {
      disposed = true;
      for (const { timeout } of entries.values()) clearTimeout(timeout);
      entries.clear();
    },
  };
}

/**
 * A clock that only moves when told to. `afterFire` is awaited after each
 * fired timer; the engine passes its `settle()` so that chains of timers
 * (sleep → call → next sleep) resolve within one `advance()`.
 */
export function createManualClock(start: number, afterFire: () => Promise<void>): EngineClock {
  const entries = new Map<number, Entry>();
  let now = start;
  let seq = 0;
  let disposed = false;

  const fire = async (entry: Entry) => {
    entries.delete(entry.id);
    now = Math.max(now, entry.at);
    entry.fn();
    await afterFire();
  };

  return {
    kind: "manual",
    now: () => now,
    setTimer(at, fn) {
      const entry = { id: ++seq, at, fn };
      if (!disposed) entries.set(entry.id, entry);
      return { id: entry.id };
    },
    clearTimer(handle) {
      entries.delete(handle.id);
    },
    pending: () => entries.size,
    nextAt: () => earliest([...entries.values()])?.at,
    async advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new Error(`clock.advance(${ms}): need a positive number`);
      const target = now + ms;
      await afterFire();
      for (let next = earliest([...entries.values()]); next && next.at <= target; ) {
        await fire(next);
        next = earliest([...entries.values()]);
      }
      now = Math.max(now, target);
    },
    async fireNext() {
      const next = earliest([...entries.values()]);
      if (next) await fire(next);
    },
    dispose() {
      disposed = true;
      entries.clear();
    },
  };
}

/** Earliest timer; ties fire in creation order. */
function earliest(entries: Entry[]): Entry | undefined {
  let best: Entry | undefined;
  for (const entry of entries) {
    if (!best || entry.at < best.at || (entry.at === best.at && entry.id < best.id)) best = entry;
  }
  return best;
}
