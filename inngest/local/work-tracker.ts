/**
 * Counts units of work in flight (calls to the app, inbound requests, queued
 * run steps) so `engine.settle()` can tell when the engine is idle. Pending
 * timers are not work: they wait for the clock.
 */
export class WorkTracker {
  #inFlight = 0;
  #waiters = new Set<() => void>();

  /** Start a unit of work; call the returned function exactly once when done. */
  begin(): () => void {
    this.#inFlight++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#inFlight--;
      if (this.#inFlight === 0) for (const wake of [...this.#waiters]) wake();
    };
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Resolve once nothing is in flight. Idleness must survive a few macrotask
   * turns: a finished fetch may still hand its body to a continuation that
   * starts the next unit of work.
   */
  async idle(): Promise<void> {
    for (let quietTurns = 0; quietTurns < 3; ) {
      if (this.#inFlight > 0) {
        quietTurns = 0;
        await new Promise<void>((resolve) => {
          const wake = () => {
            this.#waiters.delete(wake);
            resolve();
          };
          this.#waiters.add(wake);
        });
        continue;
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
      quietTurns = this.#inFlight === 0 ? quietTurns + 1 : 0;
    }
  }
}
