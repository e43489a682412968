import { Cron } from "croner";

/**
 * Cron expressions and time zones, read by croner (a maintained parser; we write
 * none of our own). Client-safe: the contracts validate with it.
 *
 * Expressions have 5 fields (minute precision) or 6 (a leading seconds field that
 * must be one number): the tick runs once a minute, so a schedule may fire at most
 * once a minute. Day of month and day of week combine with OR, as in Vixie cron.
 */

/** A cron expression read in a time zone, or why it cannot be. */
export type ParsedCron = { ok: true; cron: Cron } | { ok: false; message: string };

export function parseCron(expression: string, timezone = "UTC"): ParsedCron {
  const fields = expression.trim().split(/\s+/);
  if (fields.length === 6 && !/^\d{1,2}$/.test(fields[0] ?? "")) {
    return {
      ok: false,
      message: "the seconds field (the first of 6) must be one number: schedules fire at most once a minute",
    };
  }
  let cron: Cron;
  try {
    cron = new Cron(expression.trim(), { timezone, mode: "5-or-6-parts", paused: true });
  } catch (error) {
    return { ok: false, message: describeCronError(error) };
  }
  if (cron.nextRun(new Date()) === null) {
    return { ok: false, message: "never fires (no date matches it)" };
  }
  return { ok: true, cron };
}

/** Parses an expression already validated at write time; throws if it no longer parses. */
export function cronOf(expression: string, timezone: string): Cron {
  const parsed = parseCron(expression, timezone);
  if (!parsed.ok) throw new Error(`invalid schedule cron "${expression}" (${timezone}): ${parsed.message}`);
  return parsed.cron;
}

/** An IANA time zone name the runtime knows (`Europe/Berlin`, `UTC`). */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The first occurrence strictly after `after`, or null for an expression that never fires again. */
export function nextOccurrence(cron: Cron, after: Date): Date | null {
  return cron.nextRun(after);
}

function describeCronError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `not a cron expression: ${message.replace(/^Cron\w*:\s*/, "")}`;
}
