/**
 * `concurrency` workers each calling `once` back to back until `seconds` are up:
 * a closed loop, so there are always `concurrency` operations in flight. Counts
 * the operations that ended inside the window (the ones still in flight at its
 * end are awaited, not counted) and their latencies.
 */
export async function closedLoop(
  concurrency: number,
  seconds: number,
  once: () => Promise<void>,
): Promise<{ completed: number; perSecond: number; latencies: number[]; errors: number }> {
  const end = performance.now() + seconds * 1000;
  const latencies: number[] = [];
  let errors = 0;
  const worker = async () => {
    while (performance.now() < end) {
      const started = performance.now();
      try {
        await once();
      } catch (error) {
        errors++;
        if (errors === 1) console.warn("first error:", error instanceof Error ? error.message : error);
        // A failing endpoint must not turn the loop into a busy spin.
        await new Promise((resolve) => setTimeout(resolve, 10));
        continue;
      }
      const finished = performance.now();
      if (finished <= end) latencies.push(finished - started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { completed: latencies.length, perSecond: latencies.length / seconds, latencies, errors };
}

/** `total` operations, `concurrency` at a time, back to back; resolves with the wall time taken (ms). */
export async function runCount(
  concurrency: number,
  total: number,
  once: () => Promise<void>,
): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      await once();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return performance.now() - started;
}
