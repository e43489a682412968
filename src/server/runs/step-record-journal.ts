import { logger } from "@/lib/logger";
import type { Database } from "../db/client";
import { publishRunEvents } from "./publish-run-events";
import { type PureStepRecord, recordPureStepsSucceeded } from "./record-step";
import { registerStepRecordFlush } from "./step-record-barrier";

/**
 * Write-behind for nodes without side effects. Such a node's step returns its output at once and
 * leaves its record (start, logs, success) here; the records of a run are written together, one
 * statement for many nodes, a few milliseconds later. Writing every node by itself was most of
 * what a node cost beyond a bare Inngest step (bench/node-cost.ts).
 *
 * Nothing is lost, because the records are written before anyone relies on them:
 * - before Inngest learns that those steps finished (step-record-barrier.ts: checkpoint calls and
 *   the answers of /api/inngest wait for the journal). A crash before that loses the steps too:
 *   Inngest runs them again and they leave their records again;
 * - before any other write for the same run in this process (a node with side effects starting, a
 *   failure, a wait, the end of the run): `writeStepRecords(runId)` first, so event seqs follow the
 *   order in which nodes finished.
 * A record waits at most GATHER_MS (the run view's delay); BATCH_MAX records go at once.
 *
 * A write that finds the run over (cancelled meanwhile) drops the records. The pure nodes still
 * running meanwhile are harmless — they change nothing outside the run — and the run stops at its
 * next node with side effects, its next wait or its end, each of which checks the run first. (Under
 * Inngest's parallel steps a node may also run again after its run succeeded; it must not fail then.)
 */

const GATHER_MS = 20;
const BATCH_MAX = 25;
const RETRY_MS = 1_000;

type HeldRecord = Omit<PureStepRecord, "finishedAgoMs"> & { finishedAt: number };

type RunJournal = {
  db: Database;
  workspaceId: string;
  /** By node: a later attempt of the same node replaces an earlier one. In the order nodes finished. */
  held: Map<string, HeldRecord>;
  writing?: Promise<void>;
  timer?: ReturnType<typeof setTimeout>;
};

// One journal per process across Next's bundles (the barrier and the node steps may load this file
// in different ones).
const JOURNALS_KEY = Symbol.for("stepwise.step-records.journals");

function journals(): Map<string, RunJournal> {
  const scope = globalThis as { [JOURNALS_KEY]?: Map<string, RunJournal> };
  scope[JOURNALS_KEY] ??= new Map();
  return scope[JOURNALS_KEY];
}

/** Holds the record of one finished attempt of a node without side effects, to be written soon. */
export function holdPureStepRecord(
  db: Database,
  run: { runId: string; workspaceId: string },
  record: Omit<HeldRecord, "finishedAt">,
): void {
  const all = journals();
  let journal = all.get(run.runId);
  if (!journal) {
    journal = { db, workspaceId: run.workspaceId, held: new Map() };
    all.set(run.runId, journal);
  }
  journal.held.delete(record.nodeId);
  journal.held.set(record.nodeId, { ...record, finishedAt: performance.now() });
  writeLater(run.runId, journal, journal.held.size >= BATCH_MAX ? 0 : GATHER_MS);
}

/** Writes what is held for one run (waiting for a write under way); rejects if it cannot be written. */
export async function writeStepRecords(runId: string): Promise<void> {
  for (;;) {
    const journal = journals().get(runId);
    if (!journal) return;
    if (journal.writing) {
      await journal.writing.catch(() => {});
      continue;
    }
    if (journal.held.size === 0) {
      forget(runId, journal);
      return;
    }
    const writing = write(runId, journal);
    journal.writing = writing;
    try {
      await writing;
    } finally {
      journal.writing = undefined;
    }
  }
}

/** Writes everything held in this process; rejects with the first failure after trying every run. */
export async function writeAllStepRecords(): Promise<void> {
  const results = await Promise.allSettled([...journals().keys()].map((runId) => writeStepRecords(runId)));
  const failed = results.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
}

registerStepRecordFlush(writeAllStepRecords);

async function write(runId: string, journal: RunJournal): Promise<void> {
  clearTimeout(journal.timer);
  journal.timer = undefined;
  const batch = [...journal.held.values()];
  journal.held.clear();
  const now = performance.now();
  try {
    const events = await recordPureStepsSucceeded(
      journal.db,
      { runId, workspaceId: journal.workspaceId },
      batch.map(({ finishedAt, ...record }) => ({ ...record, finishedAgoMs: now - finishedAt })),
    );
    publishRunEvents(events);
  } catch (error) {
    // Held again, ahead of what arrived meanwhile (unless a later attempt of the same node did).
    const arrived = [...journal.held.values()];
    journal.held.clear();
    for (const record of [
      ...batch.filter((held) => !arrived.some((a) => a.nodeId === held.nodeId)),
      ...arrived,
    ])
      journal.held.set(record.nodeId, record);
    writeLater(runId, journal, RETRY_MS);
    throw error;
  }
}

function writeLater(runId: string, journal: RunJournal, delayMs: number): void {
  if (journal.timer && delayMs > 0) return;
  clearTimeout(journal.timer);
  journal.timer = setTimeout(() => {
    journal.timer = undefined;
    writeStepRecords(runId).catch((error: unknown) => {
      logger.warn({ runId, err: error }, "could not write held step records; retrying");
    });
  }, delayMs);
  journal.timer.unref?.();
}

function forget(runId: string, journal: RunJournal): void {
  if (journal.held.size > 0 || journal.writing) return;
  clearTimeout(journal.timer);
  if (journals().get(runId) === journal) journals().delete(runId);
}
