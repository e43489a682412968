import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeDb, type Database, getDb } from "@/server/db/client";
import { observeQueries } from "@/server/db/query-observer";
import { runEvents, runSteps, runs } from "@/server/db/schema";
import { writeRecordsBeforeAnswer, writeRecordsBeforeCheckpoints } from "@/server/runs/step-record-barrier";
import { holdPureStepRecord, writeStepRecords } from "@/server/runs/step-record-journal";
import { edge, node } from "../fixtures/graphs";
import { createTestWorkspace, startRunningRun } from "../helpers/running-run";

// Before the imports above load: the Inngest client (imported with the journal) reads the env once.
vi.hoisted(() => {
  process.env.DATABASE_URL = "pglite:memory";
  process.env.LOG_LEVEL = "silent";
});

/**
 * The step journal (issue 14): nodes without side effects leave their records to be written
 * together, and nothing that tells Inngest those steps finished — a checkpoint call, an answer of
 * /api/inngest — leaves before the records are written. Real statements on PGlite; the only
 * stand-ins are the outbound fetch and the handler whose ordering against the write is checked.
 */
describe("the step journal of nodes without side effects", () => {
  let db: Database;
  const workspaceId = "ws_journal";

  beforeAll(async () => {
    db = await getDb();
    await createTestWorkspace(db, workspaceId);
  });

  afterAll(async () => {
    await closeDb();
  });

  /** A running run of a chain a → b → c of text nodes, with its pending step rows. */
  const runningRun = () =>
    startRunningRun(db, workspaceId, {
      nodes: ["a", "b", "c"].map((id) => node(id, "text", { template: id })),
      edges: [edge("a", "b"), edge("b", "c")],
    });

  const hold = (runId: string, nodeId: string, onDb: Database = db) =>
    holdPureStepRecord(
      onDb,
      { runId, workspaceId },
      { nodeId, attempt: 0, output: { text: nodeId }, logs: [], durationMs: 3 },
    );

  const stepsOf = async (runId: string) =>
    Object.fromEntries(
      (
        await db
          .select({ nodeId: runSteps.nodeId, status: runSteps.status, output: runSteps.output })
          .from(runSteps)
          .where(eq(runSteps.runId, runId))
      ).map((row) => [row.nodeId, row]),
    );

  const stepEventsOf = async (runId: string) =>
    (
      await db
        .select({ seq: runEvents.seq, type: runEvents.type, nodeId: runEvents.nodeId })
        .from(runEvents)
        .where(and(eq(runEvents.runId, runId)))
        .orderBy(asc(runEvents.seq))
    ).filter((event) => event.type.startsWith("step."));

  it("writes the held records of a run in one statement, events in the order the nodes finished", async () => {
    const runId = await runningRun();
    for (const nodeId of ["a", "b", "c"]) hold(runId, nodeId);
    expect((await stepsOf(runId)).a?.status).toBe("pending");

    const statements: string[] = [];
    const stop = observeQueries((sql) => statements.push(sql));
    try {
      await writeStepRecords(runId);
    } finally {
      stop();
    }
    expect(statements).toHaveLength(1);

    const steps = await stepsOf(runId);
    for (const nodeId of ["a", "b", "c"])
      expect(steps[nodeId]).toMatchObject({ status: "succeeded", output: { text: nodeId } });
    expect((await stepEventsOf(runId)).map((event) => `${event.type}:${event.nodeId}`)).toEqual([
      "step.started:a",
      "step.completed:a",
      "step.started:b",
      "step.completed:b",
      "step.started:c",
      "step.completed:c",
    ]);
    const [run] = await db.select().from(runs).where(eq(runs.id, runId));
    expect(run?.nodesSucceeded).toBe(3);
  });

  it("lets a checkpoint call leave only after the held records are written; other calls do not wait", async () => {
    const runId = await runningRun();
    hold(runId, "a");
    const seenAtCall: Record<string, string | undefined> = {};
    const fetch = writeRecordsBeforeCheckpoints(
      () =>
        (async (input: string) => {
          seenAtCall[input] = (await stepsOf(runId)).a?.status;
          return new Response("{}");
        }) as unknown as typeof globalThis.fetch,
    );

    await fetch("http://engine.test/v1/realtime/publish?channel=run");
    await fetch("http://engine.test/v1/checkpoint/01ABC/async");
    expect(seenAtCall).toEqual({
      "http://engine.test/v1/realtime/publish?channel=run": "pending",
      "http://engine.test/v1/checkpoint/01ABC/async": "succeeded",
    });
  });

  it("holds an answer of /api/inngest until the records are written, and fails it while they cannot be", async () => {
    const runId = await runningRun();
    let databaseDown = true;
    // The same database, refusing statements while it is "down" (the journal writes through it).
    const flaky = new Proxy(db, {
      get: (target, property, receiver) =>
        property === "execute" && databaseDown
          ? () => Promise.reject(new Error("connection refused"))
          : Reflect.get(target, property, receiver),
    });
    hold(runId, "a", flaky);
    const answer = writeRecordsBeforeAnswer(async () => new Response("ops", { status: 206 }));

    await expect(answer()).rejects.toThrow("connection refused");
    expect((await stepsOf(runId)).a?.status).toBe("pending");

    databaseDown = false;
    expect((await answer()).status).toBe(206);
    expect((await stepsOf(runId)).a).toMatchObject({ status: "succeeded", output: { text: "a" } });
  });

  it("drops the records of a run cancelled meanwhile, and of nodes that finish after that", async () => {
    const runId = await runningRun();
    hold(runId, "a");
    await db.update(runs).set({ status: "cancelled" }).where(eq(runs.id, runId));
    await writeStepRecords(runId);
    hold(runId, "b");
    await writeStepRecords(runId);

    const steps = await stepsOf(runId);
    expect([steps.a?.status, steps.b?.status]).toEqual(["pending", "pending"]);
    expect(await stepEventsOf(runId)).toEqual([]);
  });

  it("keeps a stored success when a duplicate attempt of the node is written later", async () => {
    const runId = await runningRun();
    hold(runId, "a");
    await writeStepRecords(runId);
    holdPureStepRecord(
      db,
      { runId, workspaceId },
      { nodeId: "a", attempt: 1, output: { text: "again" }, logs: [], durationMs: 1 },
    );
    await writeStepRecords(runId);

    expect((await stepsOf(runId)).a?.output).toEqual({ text: "a" });
    expect((await stepEventsOf(runId)).map((event) => event.type)).toEqual([
      "step.started",
      "step.completed",
    ]);
  });
});
