/**
 * What Vercel Cron does for a deployment, the embedded launcher does for a local
 * session: call the reconciler and the schedule tick often (every interval, 30 s
 * by default: the tick is idempotent, and a shorter interval than a minute keeps
 * occurrences well within their on-time grace) and retention now and then, with
 * the cron secret. A call still running is never overlapped; a failing call (the app is
 * starting or stopping) is retried at the next tick, and said once, not per tick.
 */

const RETENTION_EVERY_TICKS = 120;

export function startCronTimer(options: { appUrl: string; secret: string; intervalMs: number }): () => void {
  if (!(options.intervalMs > 0)) return () => {};
  let busy = false;
  let ticks = 0;
  let failing = false;

  const call = async (route: string) => {
    const response = await fetch(`${options.appUrl}${route}`, {
      headers: { authorization: `Bearer ${options.secret}` },
      signal: AbortSignal.timeout(60_000),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`${route} answered ${response.status}`);
  };

  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      await call("/api/cron/reconcile");
      await call("/api/cron/schedules");
      if (ticks++ % RETENTION_EVERY_TICKS === 0) await call("/api/cron/retention");
      failing = false;
    } catch (error) {
      if (!failing) console.warn(`[stepwise] cron call failed (retrying): ${(error as Error).message}`);
      failing = true;
    } finally {
      busy = false;
    }
  };

  const timer = setInterval(() => void tick(), options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
