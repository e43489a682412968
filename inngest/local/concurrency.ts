/**
 * Concurrency limits as Inngest applies them: a limit caps the number of
 * *executing* calls (steps), not of runs, per key. A run that sleeps or waits
 * holds no slot. A call must get a slot on every key it belongs to.
 */

export type SlotRequest = { key: string; limit: number };

type Waiter = { requests: SlotRequest[]; grant: (release: () => void) => void };

export class ConcurrencyLimiter {
  readonly #used = new Map<string, number>();
  readonly #queue: Waiter[] = [];

  acquire(requests: SlotRequest[]): Promise<() => void> {
    if (requests.length === 0) return Promise.resolve(() => {});
    return new Promise((grant) => {
      this.#queue.push({ requests, grant });
      this.#pump();
    });
  }

  #fits(requests: SlotRequest[]): boolean {
    return requests.every(({ key, limit }) => (this.#used.get(key) ?? 0) < limit);
  }

  /** Grant waiters in FIFO order, skipping those whose keys are full. */
  #pump() {
    for (let i = 0; i < this.#queue.length; ) {
      const waiter = this.#queue[i];
      if (!waiter || !this.#fits(waiter.requests)) {
        i++;
        continue;
      }
      this.#queue.splice(i, 1);
      for (const { key } of waiter.requests) this.#used.set(key, (this.#used.get(key) ?? 0) + 1);
      let released = false;
      waiter.grant(() => {
        if (released) return;
        released = true;
        for (const { key } of waiter.requests) {
          const left = (this.#used.get(key) ?? 1) - 1;
          if (left <= 0) this.#used.delete(key);
          else this.#used.set(key, left);
        }
        this.#pump();
      });
    }
  }
}
