import { describe, expect, it } from "vitest";
import { ON_TIME_GRACE_MS, planOccurrences } from "@/server/schedules/plan-occurrences";
import { cronOf, isTimeZone, parseCron } from "@/server/schedules/schedule-cron";

/** The tick's rule for which occurrences start, as a pure function of the schedule and `now`. */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const at = (iso: string) => new Date(iso);
const isos = (dates: Date[]) => dates.map((d) => d.toISOString());

function plan(
  cron: string,
  from: string,
  now: string,
  catchUp: "skip" | "run_once" = "skip",
  timezone = "UTC",
) {
  return planOccurrences({
    cron: cronOf(cron, timezone),
    from: at(from),
    now: at(now),
    catchUp,
    graceMs: ON_TIME_GRACE_MS,
    windowMs: HOUR,
  });
}

describe("planOccurrences", () => {
  it("starts the occurrence a punctual tick sees, and one seen late within the grace", () => {
    const punctual = plan("* * * * *", "2026-01-05T12:00:00Z", "2026-01-05T12:00:02Z");
    expect(isos(punctual.start)).toEqual(["2026-01-05T12:00:00.000Z"]);
    expect(punctual).toMatchObject({ missed: false, last: at("2026-01-05T12:00:00Z") });
    expect(punctual.next?.toISOString()).toBe("2026-01-05T12:01:00.000Z");

    // A lost tick: the next one, 1 min 50 s late, still starts both occurrences.
    const late = plan("* * * * *", "2026-01-05T12:00:00Z", "2026-01-05T12:01:50Z");
    expect(isos(late.start)).toEqual(["2026-01-05T12:00:00.000Z", "2026-01-05T12:01:00.000Z"]);
    expect(late.missed).toBe(false);
  });

  it("starts nothing before the first occurrence is due", () => {
    expect(plan("0 * * * *", "2026-01-05T13:00:00Z", "2026-01-05T12:59:59Z")).toMatchObject({
      start: [],
      missed: false,
      last: null,
    });
  });

  it("passes over missed occurrences with skip, and starts only the newest with run_once", () => {
    const from = "2026-01-05T12:00:00Z";
    const now = "2026-01-05T12:10:05Z";
    const skip = plan("* * * * *", from, now, "skip");
    expect(isos(skip.start)).toEqual(["2026-01-05T12:09:00.000Z", "2026-01-05T12:10:00.000Z"]);
    expect(skip).toMatchObject({ missed: true, last: at("2026-01-05T12:10:00Z") });
    const once = plan("* * * * *", from, now, "run_once");
    expect(isos(once.start)).toEqual([
      "2026-01-05T12:08:00.000Z",
      "2026-01-05T12:09:00.000Z",
      "2026-01-05T12:10:00.000Z",
    ]);
  });

  it("never starts a missed occurrence older than the catch-up window", () => {
    const daily = plan("0 6 * * *", "2026-01-05T06:00:00Z", "2026-01-05T09:00:00Z", "run_once");
    expect(daily).toMatchObject({ start: [], missed: true, last: at("2026-01-05T06:00:00Z") });
    expect(daily.next?.toISOString()).toBe("2026-01-06T06:00:00.000Z");
    const recent = plan("0 6 * * *", "2026-01-05T06:00:00Z", "2026-01-05T06:30:00Z", "run_once");
    expect(isos(recent.start)).toEqual(["2026-01-05T06:00:00.000Z"]);
  });

  it("reads the expression in its time zone across daylight saving changes", () => {
    const cron = cronOf("0 9 * * *", "America/New_York");
    // 2026-03-08: clocks go forward in the US; 2026-11-01: back.
    expect(isos(cron.nextRuns(3, at("2026-03-06T15:00:00Z")))).toEqual([
      "2026-03-07T14:00:00.000Z",
      "2026-03-08T13:00:00.000Z",
      "2026-03-09T13:00:00.000Z",
    ]);
    expect(isos(cron.nextRuns(2, at("2026-10-31T12:00:00Z")))).toEqual([
      "2026-10-31T13:00:00.000Z",
      "2026-11-01T14:00:00.000Z",
    ]);
    const tick = plan(
      "0 9 * * *",
      "2026-03-08T13:00:00Z",
      "2026-03-08T13:00:30Z",
      "skip",
      "America/New_York",
    );
    expect(isos(tick.start)).toEqual(["2026-03-08T13:00:00.000Z"]);
  });
});

describe("cron and time zone validation", () => {
  it("accepts 5 fields, 6 with a fixed second, and nicknames; refuses the rest with a reason", () => {
    for (const ok of ["* * * * *", "0 9 * * 1-5", "30 */5 * * * *", "@daily", "0 0 29 2 *"]) {
      expect(parseCron(ok), ok).toMatchObject({ ok: true });
    }
    const refused: Array<[string, RegExp]> = [
      ["every minute", /not a cron expression/],
      ["* * *", /not a cron expression/],
      ["61 * * * *", /minute/],
      ["* * * * * * *", /not a cron expression/],
      ["*/10 * * * * *", /once a minute/],
      ["0 0 31 2 *", /never fires/],
    ];
    for (const [expression, reason] of refused) {
      const parsed = parseCron(expression);
      expect(parsed.ok, expression).toBe(false);
      if (!parsed.ok) expect(parsed.message, expression).toMatch(reason);
    }
  });

  it("knows IANA time zones and refuses anything else", () => {
    for (const zone of ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"])
      expect(isTimeZone(zone)).toBe(true);
    for (const zone of ["Mars/Olympus", "", "Europe/Berlin; drop", "../etc"])
      expect(isTimeZone(zone)).toBe(false);
  });
});
