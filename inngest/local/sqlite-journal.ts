import path from "node:path";
import Database from "better-sqlite3";
import { lockDataDir } from "./data-dir-lock";
import type {
  Journal,
  LoadedRun,
  LoadedState,
  OpDetail,
  PersistedApp,
  PersistedCall,
  PersistedRun,
  PersistedStep,
} from "./journal";
import { SCHEMA, SCHEMA_VERSION } from "./sqlite-schema";
import type { LocalEvent } from "./types";

/**
 * The durable journal: `<dataDir>/engine.sqlite` through better-sqlite3,
 * whose synchronous API lets each engine transition write its rows before
 * the engine answers anyone.
 *
 * journal_mode=WAL + synchronous=NORMAL: a commit is written to the WAL file
 * (the OS has it) before `atomic()` returns, so kill -9 of the engine never
 * loses an acknowledged write. NORMAL skips the fsync per commit; a power
 * loss or OS crash may roll back the last commits (never corrupt the file).
 * FULL would fsync every commit: several ms each on ordinary disks, for a
 * dev engine.
 *
 * locking_mode=EXCLUSIVE keeps SQLite's file lock for the engine's life: a
 * second process that slips past the PID lock still cannot write.
 */

export const STORE_FILE = "engine.sqlite";

/** Rows deleted per statement when trimming: small batches keep each write short. */
const TRIM_BATCH = 200;

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
const parse = <T>(text: unknown): T | undefined =>
  typeof text === "string" ? (JSON.parse(text) as T) : undefined;

export type SqliteJournal = Journal & {
  readonly file: string;
  load(limits: { maxRuns: number; maxEvents: number; now: number }): LoadedState;
};

export function openSqliteJournal(dataDir: string): SqliteJournal {
  const releaseLock = lockDataDir(dataDir);
  const file = path.join(path.resolve(dataDir), STORE_FILE);
  let db: Database.Database;
  try {
    db = new Database(file, { timeout: 0 });
    db.pragma("locking_mode = EXCLUSIVE");
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.exec(SCHEMA);
    // Take the exclusive lock now rather than at the first write.
    db.exec("BEGIN EXCLUSIVE; COMMIT");
    const version = db.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get();
    if (version === undefined) {
      db.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?)").run(String(SCHEMA_VERSION));
    } else if (version !== String(SCHEMA_VERSION)) {
      throw new Error(
        `${file} has schema ${version}; this engine reads ${SCHEMA_VERSION}. Use a new data dir.`,
      );
    }
  } catch (err) {
    releaseLock();
    if ((err as { code?: string }).code === "SQLITE_BUSY") {
      throw new Error(`The local engine's store ${file} is locked by another process`);
    }
    throw err;
  }
  return createJournal(db, file, releaseLock);
}

function createJournal(db: Database.Database, file: string, releaseLock: () => void): SqliteJournal {
  const q = {
    app: db.prepare(
      `INSERT INTO apps (app_id, url, configs, synced_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (app_id) DO UPDATE SET url = excluded.url, configs = excluded.configs, synced_at = excluded.synced_at`,
    ),
    event: db.prepare(
      `INSERT INTO events (internal_id, user_id, payload, received_at, run_ids, deduplicated) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (internal_id) DO UPDATE SET run_ids = excluded.run_ids`,
    ),
    deleteEvent: db.prepare("DELETE FROM events WHERE internal_id = ?"),
    idem: db.prepare(
      "INSERT INTO idempotency_keys (key, expires_at) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at",
    ),
    trimIdem: db.prepare(
      `DELETE FROM idempotency_keys WHERE key IN
       (SELECT key FROM idempotency_keys WHERE expires_at <= ? ORDER BY expires_at LIMIT ${TRIM_BATCH})`,
    ),
    run: db.prepare(
      `INSERT INTO runs (run_id, function_id, app_id, event_id, event, events, status, output, error,
         started_at, ended_at, version, parent_run_id, parent_step_id)
       VALUES (@id, @functionId, @appId, @eventId, @event, @events, @status, @output, @error,
         @startedAt, @endedAt, @version, @parentRunId, @parentStepId)
       ON CONFLICT (run_id) DO UPDATE SET status = excluded.status, output = excluded.output,
         error = excluded.error, ended_at = excluded.ended_at, version = excluded.version`,
    ),
    step: db.prepare(
      `INSERT INTO steps (run_id, step_id, seq, memo, history) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (run_id, step_id) DO UPDATE SET seq = coalesce(excluded.seq, seq),
         memo = coalesce(excluded.memo, memo), history = excluded.history`,
    ),
    op: db.prepare(
      "INSERT INTO ops (run_id, step_id, detail) VALUES (?, ?, ?) ON CONFLICT (run_id, step_id) DO UPDATE SET detail = excluded.detail",
    ),
    deleteOp: db.prepare("DELETE FROM ops WHERE run_id = ? AND step_id = ?"),
    call: db.prepare(
      "INSERT OR REPLACE INTO calls (call_id, run_id, step_id, attempt, disable_immediate, due_at) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    deleteCall: db.prepare("DELETE FROM calls WHERE call_id = ?"),
    deleteRunOps: db.prepare("DELETE FROM ops WHERE run_id = ?"),
    deleteRunCalls: db.prepare("DELETE FROM calls WHERE run_id = ?"),
    deleteRunSteps: db.prepare("DELETE FROM steps WHERE run_id = ?"),
    deleteRun: db.prepare("DELETE FROM runs WHERE run_id = ?"),
  };

  let depth = 0;
  let closed = false;
  // After close() (engine shutting down) late answers must not write.
  const write =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A) => {
      if (!closed) fn(...args);
    };

  const saveRun = write((run: PersistedRun) => {
    q.run.run({
      id: run.id,
      functionId: run.functionId,
      appId: run.appId,
      eventId: run.eventId,
      event: json(run.event),
      events: json(run.events),
      status: run.status,
      output: json(run.output),
      error: json(run.error),
      startedAt: run.startedAt,
      endedAt: run.endedAt ?? null,
      version: run.version,
      parentRunId: run.parent?.runId ?? null,
      parentStepId: run.parent?.stepId ?? null,
    });
  });

  const journal: SqliteJournal = {
    durable: true,
    file,
    atomic(fn) {
      if (closed || depth > 0) return fn();
      depth++;
      db.exec("BEGIN IMMEDIATE");
      try {
        return fn();
      } finally {
        // Commit even when `fn` threw: memory already holds what ran, and the
        // store must match it, not an older state.
        depth--;
        db.exec("COMMIT");
      }
    },
    saveApp: write((app: PersistedApp) => {
      q.app.run(app.appId, app.url, JSON.stringify(app.configs), app.syncedAt);
    }),
    saveEvent: write((event: LocalEvent) => {
      const userId = !event.deduplicated && event.payload.id !== event.internalId ? event.payload.id : null;
      q.event.run(
        event.internalId,
        userId,
        JSON.stringify(event.payload),
        event.receivedAt,
        JSON.stringify(event.runIds),
        event.deduplicated ? 1 : 0,
      );
    }),
    deleteEvents: write((ids: string[]) => {
      for (const id of ids) q.deleteEvent.run(id);
    }),
    saveIdempotencyKey: write((key: string, expiresAt: number, now: number) => {
      q.idem.run(key, expiresAt);
      q.trimIdem.run(now);
    }),
    saveRun,
    finishRun: write((run: PersistedRun) => {
      saveRun(run);
      q.deleteRunOps.run(run.id);
      q.deleteRunCalls.run(run.id);
    }),
    saveStep: write((runId: string, step: PersistedStep) => {
      // The output lives in `memo`; the history row keeps the rest.
      const { output: _output, ...history } = step.history;
      q.step.run(runId, step.stepId, step.seq ?? null, json(step.memo), JSON.stringify(history));
    }),
    saveOp: write((runId: string, stepId: string, detail: OpDetail) => {
      q.op.run(runId, stepId, JSON.stringify(detail));
    }),
    deleteOp: write((runId: string, stepId: string) => {
      q.deleteOp.run(runId, stepId);
    }),
    saveCall: write((call: PersistedCall) => {
      q.call.run(
        call.callId,
        call.runId,
        call.stepId,
        call.attempt,
        call.disableImmediate ? 1 : 0,
        call.dueAt,
      );
    }),
    deleteCall: write((callId: string) => {
      q.deleteCall.run(callId);
    }),
    deleteRuns: write((ids: string[]) => {
      for (const id of ids) {
        q.deleteRunSteps.run(id);
        q.deleteRunOps.run(id);
        q.deleteRunCalls.run(id);
        q.deleteRun.run(id);
      }
    }),
    load: (limits) => loadState(db, limits),
    close() {
      if (closed) return;
      closed = true;
      db.close();
      releaseLock();
    },
  };
  return journal;
}

type Row = Record<string, unknown>;

/**
 * Read back what a restart needs: every running run, the newest `maxRuns`
 * finished ones and the newest `maxEvents` events. Older rows (left by an
 * engine with larger bounds) are trimmed here, once, in small batches.
 */
function loadState(
  db: Database.Database,
  limits: { maxRuns: number; maxEvents: number; now: number },
): LoadedState {
  trimBeyond(
    db,
    `SELECT run_id FROM runs WHERE ended_at IS NOT NULL ORDER BY ended_at DESC, run_id DESC LIMIT -1 OFFSET ?`,
    limits.maxRuns,
    (ids) => {
      for (const table of ["steps", "ops", "calls", "runs"]) {
        db.prepare(`DELETE FROM ${table} WHERE run_id IN (${ids.map(() => "?").join(",")})`).run(...ids);
      }
    },
  );
  trimBeyond(
    db,
    "SELECT internal_id FROM events ORDER BY seq DESC LIMIT -1 OFFSET ?",
    limits.maxEvents,
    (ids) =>
      db.prepare(`DELETE FROM events WHERE internal_id IN (${ids.map(() => "?").join(",")})`).run(...ids),
  );
  db.prepare("DELETE FROM idempotency_keys WHERE expires_at <= ?").run(limits.now);

  const apps = (db.prepare("SELECT * FROM apps ORDER BY synced_at").all() as Row[]).map((row) => ({
    appId: String(row.app_id),
    url: String(row.url),
    configs: parse<PersistedApp["configs"]>(row.configs) ?? [],
    syncedAt: Number(row.synced_at),
  }));
  const events = (db.prepare("SELECT * FROM events ORDER BY seq").all() as Row[]).map(
    (row): LocalEvent => ({
      internalId: String(row.internal_id),
      payload: parse(row.payload) as LocalEvent["payload"],
      receivedAt: Number(row.received_at),
      runIds: parse(row.run_ids) ?? [],
      deduplicated: row.deduplicated === 1,
    }),
  );
  const idempotencyKeys = (db.prepare("SELECT key, expires_at FROM idempotency_keys").all() as Row[]).map(
    (row): [string, number] => [String(row.key), Number(row.expires_at)],
  );

  const stepsOf = db.prepare("SELECT * FROM steps WHERE run_id = ? ORDER BY rowid");
  const opsOf = db.prepare("SELECT * FROM ops WHERE run_id = ?");
  const callsOf = db.prepare("SELECT * FROM calls WHERE run_id = ? ORDER BY due_at");
  const runs = (db.prepare("SELECT * FROM runs ORDER BY run_id").all() as Row[]).map(
    (row): LoadedRun => ({
      run: toRun(row),
      steps: (stepsOf.all(row.run_id) as Row[]).map((step) => ({
        stepId: String(step.step_id),
        seq: typeof step.seq === "number" ? step.seq : undefined,
        memo: parse(step.memo),
        history: parse(step.history) as PersistedStep["history"],
      })),
      ops: (opsOf.all(row.run_id) as Row[]).map((op) => ({
        stepId: String(op.step_id),
        detail: parse(op.detail) as OpDetail,
      })),
      calls: (callsOf.all(row.run_id) as Row[]).map((call) => ({
        callId: String(call.call_id),
        runId: String(call.run_id),
        stepId: String(call.step_id),
        attempt: Number(call.attempt),
        disableImmediate: call.disable_immediate === 1,
        dueAt: Number(call.due_at),
      })),
    }),
  );
  return { apps, events, idempotencyKeys, runs };
}

function toRun(row: Row): PersistedRun {
  return {
    id: String(row.run_id),
    functionId: String(row.function_id),
    appId: String(row.app_id),
    eventId: String(row.event_id),
    event: parse(row.event) as PersistedRun["event"],
    events: parse(row.events) ?? [],
    status: row.status as PersistedRun["status"],
    output: parse(row.output),
    error: parse(row.error),
    startedAt: Number(row.started_at),
    endedAt: typeof row.ended_at === "number" ? row.ended_at : undefined,
    version: Number(row.version),
    parent:
      typeof row.parent_run_id === "string"
        ? { runId: row.parent_run_id, stepId: String(row.parent_step_id) }
        : undefined,
  };
}

/** Delete, in batches, the rows a keyset query lists beyond the first `keep`. */
function trimBeyond(db: Database.Database, select: string, keep: number, remove: (ids: string[]) => void) {
  const page = db.prepare(`${select.replace("LIMIT -1", `LIMIT ${TRIM_BATCH}`)}`).pluck();
  for (;;) {
    const ids = page.all(keep) as string[];
    if (ids.length === 0) return;
    db.transaction(() => remove(ids))();
  }
}
