import type { Cron } from "croner";
import type { ScheduleCatchUpPolicy } from "../db/schema";

/**
 * How late a tick may see an occurrence and still count it as on time. The tick
 * is called every minute (Vercel Cron) or every RECONCILE_INTERVAL_S (the embedded
 * launcher); a call that comes late, or one lost to a deploy or a cold start,
 * must not turn an occurrence into a missed one. Two minutes tolerates one lost
 * tick plus a minute of jitter; an occurrence seen later than this is missed and
 * handled by the schedule's catch-up policy.
 */
export const ON_TIME_GRACE_MS = 2 * 60_000;

/** On-time occurrences one tick starts for one schedule at most (a 1-minute cron has 3 within the grace). */
const MAX_ON_TIME = 10;

export type OccurrencePlan = {
  /** Occurrences to start now, oldest first. */
  start: Date[];
  /** Whether occurrences in [from, now] were passed over as missed (not all of them are started). */
  missed: boolean;
  /** The newest occurrence at or before `now`: handled by this tick (started or passed over). Null: none due. */
  last: Date | null;
  /** The first occurrence after `now`: when the schedule is due next (null: never again). */
  next: Date | null;
};

/**
 * Which occurrences of a schedule one tick at `now` starts. Due are the
 * occurrences in [from, now], `from` being the schedule's stored next occurrence
 * (every earlier one was handled, or predates the schedule or its last change).
 *
 * - **On time** — within `graceMs` before `now`: each starts.
 * - **Missed** — older (nothing ticked for a while): `skip` starts none of them;
 *   `run_once` starts the newest one, if it is within `windowMs` of `now`.
 *   Older than the window, an occurrence is never started.
 *
 * The result depends only on the arguments, so two ticks at the same `now`
 * plan the same occurrences, and each occurrence's run key makes it one run.
 */
export function planOccurrences(args: {
  cron: Cron;
  from: Date;
  now: Date;
  catchUp: ScheduleCatchUpPolicy;
  graceMs: number;
  windowMs: number;
}): OccurrencePlan {
  const { cron, from, now } = args;
  const onTimeFrom = new Date(Math.max(from.getTime(), now.getTime() - args.graceMs));
  // nextRuns counts strictly after its reference; one millisecond back makes `onTimeFrom` itself count.
  const onTime = cron
    .nextRuns(MAX_ON_TIME, new Date(onTimeFrom.getTime() - 1))
    .filter((at) => at.getTime() <= now.getTime());
  // previousRuns counts strictly before its reference: the newest occurrence the grace leaves behind.
  const [newestMissed] = cron.previousRuns(1, onTimeFrom);
  const missed = newestMissed !== undefined && newestMissed.getTime() >= from.getTime();

  const start = [...onTime];
  if (missed && args.catchUp === "run_once" && newestMissed.getTime() >= now.getTime() - args.windowMs) {
    start.unshift(newestMissed);
  }
  const last = onTime.at(-1) ?? (missed ? newestMissed : null);
  return { start, missed, last, next: cron.nextRun(now) };
}
