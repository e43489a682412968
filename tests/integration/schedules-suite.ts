import { like } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { node } from "../fixtures/graphs";
import { runHelpers } from "../helpers/run-helpers";
import { type StackOptions, useStack } from "../helpers/stack";

/**
 * Schedules end to end: the session routes create them, `tickSchedules` is
 * called with `now` read from the local engine's manual clock (advanced, never
 * waited for), and the runs it starts execute through the engine. Shared by
 * PGlite and PostgreSQL, where two ticks really do run at once.
 */

export const CRON_SECRET = "cron-secret-for-schedule-tests-0123456789";

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

type ScheduleBody = {
  id: string;
  cron: string;
  timezone: string;
  enabled: boolean;
  nextOccurrenceAt: string | null;
  lastOccurrenceAt: string | null;
  lastRunId: string | null;
  lastError: string | null;
};
type ErrorBody = { error: { code: string; message: string; issues?: Array<{ path: unknown[] }> } };

const greeting = (word: string) => ({
  nodes: [node("greet", "text", { template: `${word} {{ input.name }}` })],
  edges: [],
});
const nameSchema = {
  type: "object",
  properties: { name: { type: "string" } },
  required: ["name"],
};

export function defineScheduleSuite(options: StackOptions) {
  describe(`schedules (${options.driver})`, () => {
    const stack = useStack(options);
    const { createWorkflow, saveVersion, getRun } = runHelpers(stack);

    const db = async () => (await import("@/server/db/client")).getDb();
    const engineNow = () => new Date(stack().engine.clock.now());
    /** Moves the engine's clock (and with it the tick's `now`) to `at`. */
    const clockTo = async (at: number) => {
      const ahead = at - stack().engine.clock.now();
      if (ahead > 0) await stack().engine.clock.advance(ahead);
    };
    const tick = async (now = engineNow()) => {
      const { tickSchedules } = await import("@/server/schedules/tick-schedules");
      return tickSchedules({ db: await db(), now });
    };
    /** The runs a schedule started, by the occurrence in their idempotency key, oldest first. */
    const scheduledRuns = async (scheduleId: string) => {
      const { runs } = await import("@/server/db/schema");
      const rows = await (await db())
        .select()
        .from(runs)
        .where(like(runs.idempotencyKey, `schedule:${scheduleId}:%`));
      return rows
        .map((run) => ({ ...run, occurrence: run.idempotencyKey?.split(":").slice(2).join(":") ?? "" }))
        .sort((a, b) => a.occurrence.localeCompare(b.occurrence));
    };
    const createSchedule = async (workflowId: string, body: Record<string, unknown>) => {
      const created = await stack().api<ScheduleBody>("POST", `/api/workflows/${workflowId}/schedules`, body);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return created.body;
    };
    const getSchedule = async (scheduleId: string) => {
      const found = await stack().api<ScheduleBody>("GET", `/api/schedules/${scheduleId}`);
      expect(found.status, JSON.stringify(found.body)).toBe(200);
      return found.body;
    };
    /**
     * Makes the schedules' first occurrence the engine clock's next minute, as if they had been
     * created at the engine's time (earlier tests moved it ahead of the wall clock), and moves
     * the clock 5 s past it.
     */
    const alignToEngine = async (scheduleIds: string[]) => {
      const { workflowSchedules } = await import("@/server/db/schema");
      const { inArray } = await import("drizzle-orm");
      const first = Math.floor(stack().engine.clock.now() / MINUTE) * MINUTE + MINUTE;
      await (await db())
        .update(workflowSchedules)
        .set({ nextOccurrenceAt: new Date(first) })
        .where(inArray(workflowSchedules.id, scheduleIds));
      await clockTo(first + 5 * SECOND);
      return first;
    };
    const everyMinute = async (workflowId: string, extra: Record<string, unknown> = {}) => {
      const schedule = await createSchedule(workflowId, {
        cron: "* * * * *",
        input: { name: "Ada" },
        ...extra,
      });
      return { schedule, first: await alignToEngine([schedule.id]) };
    };

    it("manages schedules through the routes, naming the field of every invalid value", async () => {
      const workflowId = await createWorkflow(greeting("hi"), { inputSchema: nameSchema });
      const schedule = await createSchedule(workflowId, {
        name: "mornings",
        cron: "0 9 * * 1-5",
        timezone: "Europe/Berlin",
        input: { name: "Ada" },
        catchUp: "run_once",
      });
      expect(schedule).toMatchObject({
        cron: "0 9 * * 1-5",
        enabled: true,
        lastRunId: null,
        lastError: null,
      });
      // 09:00 in Berlin is 07:00 or 08:00 UTC.
      expect(schedule.nextOccurrenceAt).toMatch(/T0[78]:00:00\.000Z$/);
      expect((await stack().api("GET", `/api/workflows/${workflowId}/schedules`)).body).toEqual({
        data: [schedule],
      });

      const invalid: Array<[Record<string, unknown>, unknown[]]> = [
        [{ cron: "every morning" }, ["body", "cron"]],
        [{ cron: "61 * * * *" }, ["body", "cron"]],
        [{ cron: "0 0 31 2 *" }, ["body", "cron"]],
        [{ cron: "*/10 * * * * *" }, ["body", "cron"]],
        [{ cron: "* * * * *", timezone: "Mars/Olympus_Mons" }, ["body", "timezone"]],
        [{ cron: "* * * * *", input: { name: 42 } }, ["body", "input", "name"]],
        [{ cron: "* * * * *", input: {} }, ["body", "input", "name"]],
      ];
      for (const [body, path] of invalid) {
        const refused = await stack().api<ErrorBody>("POST", `/api/workflows/${workflowId}/schedules`, body);
        expect(refused.status, JSON.stringify(body)).toBe(422);
        expect(refused.body.error.issues?.[0]?.path, JSON.stringify(body)).toEqual(path);
      }
      const badPatch = await stack().api<ErrorBody>("PATCH", `/api/schedules/${schedule.id}`, {
        timezone: "Nowhere/Special",
      });
      expect(badPatch.status).toBe(422);
      expect(badPatch.body.error.issues?.[0]?.path).toEqual(["body", "timezone"]);

      const disabled = await stack().api<ScheduleBody>("PATCH", `/api/schedules/${schedule.id}`, {
        enabled: false,
      });
      expect(disabled.body).toMatchObject({ enabled: false, nextOccurrenceAt: null });
      const moved = await stack().api<ScheduleBody>("PATCH", `/api/schedules/${schedule.id}`, {
        enabled: true,
        cron: "30 6 * * *",
        timezone: "UTC",
      });
      expect(moved.body.nextOccurrenceAt).toMatch(/T06:30:00\.000Z$/);

      expect((await stack().api("DELETE", `/api/schedules/${schedule.id}`)).status).toBe(204);
      expect((await stack().api("GET", `/api/schedules/${schedule.id}`)).status).toBe(404);
      expect((await stack().api("DELETE", `/api/schedules/${schedule.id}`)).status).toBe(404);
    });

    it("starts one run per occurrence of a per-minute schedule over 5 minutes, each succeeding", async () => {
      const workflowId = await createWorkflow(greeting("hello"));
      const { schedule, first } = await everyMinute(workflowId);
      for (let minute = 0; minute < 5; minute++) {
        if (minute > 0) await stack().engine.clock.advance(MINUTE);
        const report = await tick();
        expect(report.started.filter((s) => s.scheduleId === schedule.id)).toHaveLength(1);
        await stack().engine.settle();
      }
      const started = await scheduledRuns(schedule.id);
      expect(started.map((run) => run.occurrence)).toEqual(
        [0, 1, 2, 3, 4].map((i) => new Date(first + i * MINUTE).toISOString()),
      );
      for (const run of started) {
        expect(run.trigger).toBe("schedule");
        const detail = await getRun(run.id);
        expect(detail.status).toBe("succeeded");
        expect(detail.output).toEqual({ text: "hello Ada" });
      }
      const after = await getSchedule(schedule.id);
      expect(after).toMatchObject({
        lastOccurrenceAt: new Date(first + 4 * MINUTE).toISOString(),
        nextOccurrenceAt: new Date(first + 5 * MINUTE).toISOString(),
        lastRunId: started.at(-1)?.id,
        lastError: null,
      });
    });

    it("starts each occurrence once when two ticks run at once, and again after a restart", async () => {
      const workflowId = await createWorkflow(greeting("twice?"));
      const { schedule, first } = await everyMinute(workflowId);
      const [a, b] = await Promise.all([tick(), tick()]);
      const mine = (report: typeof a) => report.started.filter((s) => s.scheduleId === schedule.id);
      expect([...mine(a), ...mine(b)]).toHaveLength(1);

      // A tick that did its work but whose advance is lost (a crash before the schedule was
      // saved, or a stale replica) meets the occurrence's run key: the same run comes back.
      const { workflowSchedules } = await import("@/server/db/schema");
      const { eq } = await import("drizzle-orm");
      await (await db())
        .update(workflowSchedules)
        .set({ nextOccurrenceAt: new Date(first), lastOccurrenceAt: null })
        .where(eq(workflowSchedules.id, schedule.id));
      // The restart: the database handle is closed and opened again.
      const { closeDb } = await import("@/server/db/client");
      await closeDb();
      const again = await tick();
      expect(mine(again)).toEqual([expect.objectContaining({ replayed: true })]);

      await stack().engine.clock.advance(MINUTE);
      const [c, d] = await Promise.all([tick(), tick()]);
      expect([...mine(c), ...mine(d)]).toHaveLength(1);
      await closeDb();
      expect(mine(await tick())).toEqual([]);
      await stack().engine.settle();

      const started = await scheduledRuns(schedule.id);
      expect(started.map((run) => run.occurrence)).toEqual([
        new Date(first).toISOString(),
        new Date(first + MINUTE).toISOString(),
      ]);
      for (const run of started) expect((await getRun(run.id)).status).toBe("succeeded");
    });

    it("after 10 minutes of downtime runs no missed occurrence with skip, and only the newest with run_once", async () => {
      const workflowId = await createWorkflow(greeting("back"));
      const skip = await createSchedule(workflowId, { cron: "* * * * *", input: { name: "Ada" } });
      const runOnce = await createSchedule(workflowId, {
        cron: "* * * * *",
        input: { name: "Bo" },
        catchUp: "run_once",
      });
      const first = await alignToEngine([skip.id, runOnce.id]);
      await tick();
      await stack().engine.clock.advance(10 * MINUTE);
      const report = await tick();
      await stack().engine.settle();
      const at = (minutes: number) => new Date(first + minutes * MINUTE).toISOString();

      // Seen 5 s after 10:00, the occurrences at 9:00 and 10:00 are on time (2-minute grace);
      // 1:00 to 8:00 were missed.
      expect((await scheduledRuns(skip.id)).map((run) => run.occurrence)).toEqual([at(0), at(9), at(10)]);
      expect((await scheduledRuns(runOnce.id)).map((run) => run.occurrence)).toEqual([
        at(0),
        at(8),
        at(9),
        at(10),
      ]);
      expect(report.missed).toEqual(expect.arrayContaining([skip.id, runOnce.id]));
      expect(await getSchedule(runOnce.id)).toMatchObject({
        lastOccurrenceAt: at(10),
        nextOccurrenceAt: at(11),
      });
    });

    it("starts nothing for a disabled schedule or a deleted workflow", async () => {
      const kept = await createWorkflow(greeting("kept"));
      const deleted = await createWorkflow(greeting("deleted"));
      const { schedule: disabled } = await everyMinute(kept, { enabled: false });
      const orphan = await createSchedule(deleted, { cron: "* * * * *", input: { name: "Cy" } });
      const paused = await createSchedule(kept, { cron: "* * * * *", input: { name: "Di" } });
      expect((await stack().api("PATCH", `/api/schedules/${paused.id}`, { enabled: false })).status).toBe(
        200,
      );
      expect((await stack().api("DELETE", `/api/workflows/${deleted}`)).status).toBe(204);
      await stack().engine.clock.advance(MINUTE);
      for (let i = 0; i < 3; i++) {
        await tick();
        await stack().engine.clock.advance(MINUTE);
      }
      for (const id of [disabled.id, orphan.id, paused.id]) expect(await scheduledRuns(id)).toEqual([]);
      expect((await stack().api("GET", `/api/schedules/${orphan.id}`)).status).toBe(404);
    });

    it("runs the version that is current when the occurrence comes, and records an input that no longer fits", async () => {
      const workflowId = await createWorkflow(greeting("v1"), { inputSchema: nameSchema });
      const { schedule, first } = await everyMinute(workflowId);
      await tick();
      await saveVersion(workflowId, greeting("v2"));
      await stack().engine.clock.advance(MINUTE);
      await tick();
      await stack().engine.settle();
      const [one, two] = await scheduledRuns(schedule.id);
      expect(one && (await getRun(one.id))).toMatchObject({ version: 1, output: { text: "v1 Ada" } });
      expect(two && (await getRun(two.id))).toMatchObject({ version: 2, output: { text: "v2 Ada" } });

      // Version 3 requires an `age` the schedule's input does not have.
      const saved = await stack().api("PUT", `/api/workflows/${workflowId}`, {
        graph: greeting("v3"),
        inputSchema: {
          ...nameSchema,
          properties: { ...nameSchema.properties, age: { type: "number" } },
          required: ["name", "age"],
        },
      });
      expect(saved.status).toBe(200);
      await stack().engine.clock.advance(MINUTE);
      const report = await tick();
      expect(report.failed.map((f) => f.scheduleId)).toEqual([schedule.id]);
      const failed = await getSchedule(schedule.id);
      expect(failed.lastError).toContain("age");
      expect(failed.lastOccurrenceAt).toBe(new Date(first + 2 * MINUTE).toISOString());
      expect(failed.nextOccurrenceAt).toBe(new Date(first + 3 * MINUTE).toISOString());
      // Advanced: the same tick again retries nothing.
      expect((await tick()).failed.filter((f) => f.scheduleId === schedule.id)).toEqual([]);
      expect(await scheduledRuns(schedule.id)).toHaveLength(2);
    });

    it("reads the cron in the schedule's time zone across a daylight saving change", async () => {
      const workflowId = await createWorkflow(greeting("morning"));
      const schedule = await createSchedule(workflowId, {
        cron: "0 9 * * *",
        timezone: "America/New_York",
        input: { name: "Ed" },
        catchUp: "run_once",
      });
      const next = new Date(schedule.nextOccurrenceAt ?? "");
      // 09:00 New York is 14:00 UTC in winter (EST) and 13:00 UTC in summer (EDT).
      const winter = next.getUTCMonth() >= 10 || next.getUTCMonth() <= 1;
      if (winter) expect(next.getUTCHours()).toBe(14);
      // The first Monday after the US spring change of next year, at 09:00 EDT = 13:00 UTC.
      const { nextOccurrence, cronOf } = await import("@/server/schedules/schedule-cron");
      const cron = cronOf("0 9 * * *", "America/New_York");
      const year = next.getUTCFullYear() + (next.getUTCMonth() >= 2 ? 1 : 0);
      const before = nextOccurrence(cron, new Date(`${year}-03-01T00:00:00Z`));
      expect(before?.getUTCHours()).toBe(14);
      const summerDay = nextOccurrence(cron, new Date(`${year}-03-20T00:00:00Z`));
      expect(summerDay?.toISOString()).toBe(`${year}-03-20T13:00:00.000Z`);
      // A tick 30 s after that instant starts exactly that occurrence (the missed ones before it
      // lie outside the catch-up window).
      const report = await tick(new Date(Date.parse(`${year}-03-20T13:00:30Z`)));
      expect(report.started.filter((s) => s.scheduleId === schedule.id).map((s) => s.occurrence)).toEqual([
        `${year}-03-20T13:00:00.000Z`,
      ]);
      expect(await getSchedule(schedule.id)).toMatchObject({
        lastOccurrenceAt: `${year}-03-20T13:00:00.000Z`,
        nextOccurrenceAt: `${year}-03-21T13:00:00.000Z`,
      });
      await stack().engine.settle();
    });

    it("answers 401 to a tick without the cron secret, and a report with it", async () => {
      const call = (authorization?: string) =>
        fetch(`${stack().app.url}/api/cron/schedules`, { headers: authorization ? { authorization } : {} });
      const none = await call();
      expect(none.status).toBe(401);
      expect(none.headers.get("www-authenticate")).toContain("Bearer");
      expect((await call(`Bearer ${CRON_SECRET}x`)).status).toBe(401);
      expect((await call(CRON_SECRET)).status).toBe(401);
      const ok = await call(`Bearer ${CRON_SECRET}`);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ examined: expect.any(Number), started: expect.any(Array) });
    });
  });
}
