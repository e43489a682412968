import { OUTPUT_INLINE_LIMIT_BYTES } from "./output-refs";

/**
 * What one execution of a run holds inline in Inngest's state, as the function sees it: the size of
 * every step result it has been handed back (memoized or fresh), plus a reservation for the steps it
 * has issued that have not come back yet. Inngest allows 32 MB per run; a node step asks
 * {@link InlineStateBudget.allowsInline} before keeping its output inline, so a run's inline total
 * stays near the budget (a few steps' worth above it at most), however many nodes it has.
 *
 * Counted outside the steps (the function body replays deterministically), read inside them: a node
 * step decides once, and its decision is memoized with its result.
 */
export class InlineStateBudget {
  #used = 0;
  #pending = 0;

  constructor(readonly limitBytes: number) {}

  /** Bytes of step results this execution has seen so far. */
  get usedBytes(): number {
    return this.#used;
  }

  /** Counts a result the function already holds (the `start` step's, say). */
  add(result: unknown): void {
    this.#used += jsonBytes(result);
  }

  /**
   * Wraps one step: reserved while it runs (each sibling running in parallel may still come back
   * with an inline output of up to OUTPUT_INLINE_LIMIT_BYTES), counted at its real size when it returns.
   */
  async track<T>(step: () => Promise<T>): Promise<T> {
    this.#pending++;
    try {
      const result = await step();
      this.add(result);
      return result;
    } finally {
      this.#pending--;
    }
  }

  /**
   * Whether a node step may keep an output of `sizeBytes` inline. The step asking is itself pending,
   * so it reserves only for its siblings.
   */
  allowsInline(sizeBytes: number): boolean {
    const siblings = Math.max(0, this.#pending - 1);
    return this.#used + siblings * OUTPUT_INLINE_LIMIT_BYTES + sizeBytes <= this.limitBytes;
  }
}

function jsonBytes(value: unknown): number {
  return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value));
}
