import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { keepSynced, type SyncResult, syncApp } from "./app-sync";
import { type RetryBackoff, resolveBackoff } from "./backoff";
import { createManualClock, createRealClock, type EngineClock } from "./clock";
import { ConcurrencyLimiter } from "./concurrency";
import { EventIntake } from "./event-intake";
import { EventStore } from "./event-store";
import { Executor } from "./executor";
import { type Journal, memoryJournal } from "./journal";
import { LIMITS } from "./limits";
import { RealtimeHub } from "./realtime-hub";
import { FunctionRegistry } from "./registry";
import { restoreState } from "./restore";
import { createRouter } from "./routes";
import { type Run, snapshotRun } from "./run-state";
import { openSqliteJournal } from "./sqlite-journal";
import type { EngineLogger, EngineMode, LocalEvent, LocalRun, RunStatus } from "./types";
import { Waits } from "./waits";
import { WorkTracker } from "./work-tracker";

export type LocalEngineOptions = {
  /** Port to listen on; 0 picks a free one. Default 8288 (the dev server's). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** "manual": timers fire only on `clock.advance()` / `drain()`. Default "real". */
  clock?: "real" | "manual";
  /** Start time of the manual clock (epoch ms). Default: now. */
  startTime?: number;
  /** "checkpoint" (default, as production) sends `ctx.fn_id` so the SDK checkpoints. */
  mode?: EngineMode;
  /** Serve URLs synced at start, retried until they answer, then re-synced periodically. */
  appUrls?: string[];
  /** Re-sync period for `appUrls`; 0 disables. Default 5000. */
  resyncIntervalMs?: number;
  /** Delay between sync attempts while an app in `appUrls` does not answer. Default 1000. */
  syncRetryMs?: number;
  /** Sign calls like Inngest Cloud, for apps running in cloud mode. */
  signingKey?: string;
  /**
   * Delay before retry `attempt` (1-based) when the app sends no retry-after.
   * Default `"inngest"`: Inngest's table (15 s, 30 s, 1 m … 2 h, + 0–30 s
   * jitter); `"fast"`: 1 s doubling to 1 min (tests; the launcher and CLI pick it from
   * LOCAL_ENGINE_FAST_RETRIES). A function replaces both.
   */
  retryBackoff?: "inngest" | "fast" | RetryBackoff;
  /** Largest accepted event (JSON bytes). Default 512 KB (Inngest's); 256 KB is the free plan's. */
  maxEventBytes?: number;
  /** HMAC secret for realtime tokens. Default: random per engine. */
  realtimeSecret?: string;
  /** Where to log. Default: warnings and errors to the console; `false`: silent. */
  logger?: EngineLogger | false;
  /**
   * Keep the engine's state in `<dataDir>/engine.sqlite` so runs survive a
   * restart (kill -9 included); one engine per directory. Default: memory only.
   */
  dataDir?: string;
  /** Finished runs kept (oldest dropped first). Default 10000 in memory, 1000 with `dataDir`. */
  maxRuns?: number;
  /** Events kept (oldest dropped first). Default 50000 in memory, 10000 with `dataDir`. */
  maxEvents?: number;
};

export type LocalEngineClock = Pick<EngineClock, "kind" | "now" | "advance" | "pending" | "nextAt">;

export type RunFilter = { functionId?: string; eventId?: string; status?: RunStatus };

export type LocalEngine = {
  /** Base URL for the SDK (`baseUrl` / INNGEST_BASE_URL), e.g. http://127.0.0.1:8288 */
  readonly url: string;
  readonly port: number;
  readonly mode: EngineMode;
  readonly clock: LocalEngineClock;
  /** The data directory when the engine is durable. */
  readonly dataDir?: string;
  close(): Promise<void>;
  /** Resolves when no call, request or queued work is in flight (pending timers allowed). */
  settle(): Promise<void>;
  /** Settle, fire the next timer, repeat until no timer is left. Throws after `maxTimers` (default 1000). */
  drain(options?: { maxTimers?: number }): Promise<void>;
  syncApp(serveUrl: string): Promise<SyncResult>;
  sendEvent(events: unknown): Promise<{ ids: string[] }>;
  getRun(runId: string): LocalRun | undefined;
  listRuns(filter?: RunFilter): LocalRun[];
  cancelRun(runId: string): boolean;
  listEvents(): LocalEvent[];
  listFunctions(): { id: string; name: string; appId: string; url: string }[];
};

export async function createLocalEngine(options: LocalEngineOptions = {}): Promise<LocalEngine> {
  const logger = resolveLogger(options.logger);
  const tracker = new WorkTracker();
  const settle = () => tracker.idle();
  const journal = options.dataDir ? openSqliteJournal(options.dataDir) : undefined;
  try {
    return await startEngine(options, { logger, tracker, settle, journal });
  } catch (err) {
    journal?.close();
    throw err;
  }
}

async function startEngine(
  options: LocalEngineOptions,
  base: {
    logger: EngineLogger;
    tracker: WorkTracker;
    settle: () => Promise<void>;
    journal: ReturnType<typeof openSqliteJournal> | undefined;
  },
): Promise<LocalEngine> {
  const { logger, tracker, settle } = base;
  const journal: Journal = base.journal ?? memoryJournal;
  const durable = base.journal !== undefined;
  const maxRuns = options.maxRuns ?? (durable ? 1_000 : 10_000);
  const maxEvents = options.maxEvents ?? (durable ? 10_000 : 50_000);
  const rawClock =
    options.clock === "manual"
      ? createManualClock(options.startTime ?? Date.now(), settle)
      : createRealClock();
  // Whatever a timer sets off (a wake-up, a retry, a timeout) commits as one transaction.
  const clock = durable ? withJournal(rawClock, journal) : rawClock;
  const mode = options.mode ?? "checkpoint";
  const registry = new FunctionRegistry(logger, journal);
  const store = new EventStore(maxEvents, journal);
  const syncDeps = { registry, now: () => clock.now(), signingKey: options.signingKey };

  const executor = new Executor({
    registry,
    clock,
    tracker,
    limiter: new ConcurrencyLimiter(),
    logger,
    mode,
    signingKey: options.signingKey,
    backoff: resolveBackoff(options.retryBackoff),
    resync: (serveUrl) => syncApp(serveUrl, syncDeps),
    onRunStarted: (run) =>
      logger.info(`[inngest-local] run ${run.id} started: ${run.functionId} (${run.event.name})`),
    onRunFinished: (run) => onRunFinished(run),
    journal,
  });
  const waits = new Waits({
    clock,
    logger,
    registry,
    executor,
    recordEvent: (p) => store.record(p, clock.now()),
    linkRun: (event, runId) => store.linkRun(event, runId),
    journal,
  });
  executor.waits = waits;
  const intake = new EventIntake({ store, registry, executor, waits, clock, logger, journal });

  const onRunFinished = (run: Run) => {
    const took = (run.endedAt ?? clock.now()) - run.startedAt;
    const why = run.error ? `: ${run.error.message}` : "";
    logger.info(
      `[inngest-local] run ${run.id} ${run.status.toLowerCase()} in ${took} ms: ${run.functionId}${why}`,
    );
    waits.onRunFinished(run);
    emitLifecycleEvents(intake, run);
    pruneFinishedRuns(executor.runs, maxRuns, journal);
  };

  const realtimeSecret = options.realtimeSecret ?? randomBytes(32).toString("hex");
  const hub = new RealtimeHub(realtimeSecret, () => clock.now());
  const router = createRouter({
    intake,
    executor,
    registry,
    store,
    hub,
    realtimeSecret,
    signingKey: options.signingKey,
    clock,
    tracker,
    maxEventBytes: options.maxEventBytes ?? LIMITS.eventBytes,
  });
  const server = http.createServer((req, res) => void router(req, res));
  server.on("upgrade", (req, socket, head) => {
    if (!hub.handleUpgrade(req, socket, head)) socket.destroy();
  });

  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8288, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  if (base.journal) {
    // After listen: resumed calls may checkpoint back to this server at once.
    const loaded = base.journal.load({ maxRuns, maxEvents, now: clock.now() });
    const restored = journal.atomic(() =>
      restoreState(loaded, { registry, store, intake, executor, waits, journal, clock }),
    );
    logger.info(
      `[inngest-local] ${base.journal.file}: ${restored.runs} runs restored, ${restored.resumed} resumed`,
    );
  }
  const urlHost = host === "0.0.0.0" || host === "::" ? "localhost" : host.includes(":") ? `[${host}]` : host;

  const intervalMs = options.resyncIntervalMs ?? 5_000;
  const stopSyncing = (options.appUrls ?? []).map((serveUrl) =>
    keepSynced(serveUrl, { ...syncDeps, logger, intervalMs, retryMs: options.syncRetryMs ?? 1_000 }),
  );

  const runs = () => [...executor.runs.values()].map(snapshotRun);

  return {
    url: `http://${urlHost}:${port}`,
    port,
    mode,
    dataDir: options.dataDir,
    clock: {
      kind: clock.kind,
      now: () => clock.now(),
      advance: (ms) => clock.advance(ms),
      pending: () => clock.pending(),
      nextAt: () => clock.nextAt(),
    },
    async close() {
      executor.stop();
      for (const stop of stopSyncing) stop();
      clock.dispose();
      await hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      journal.close();
    },
    settle,
    async drain({ maxTimers = 1_000 } = {}) {
      await settle();
      for (let fired = 0; clock.pending() > 0; fired++) {
        if (fired >= maxTimers) {
          throw new Error(
            `drain(): ${clock.pending()} timers still pending after firing ${maxTimers}; is a run looping?`,
          );
        }
        await clock.fireNext();
        await settle();
      }
    },
    syncApp: (serveUrl) => syncApp(serveUrl, syncDeps),
    sendEvent: async (events) => ({ ids: intake.send(events) }),
    getRun: (runId) => {
      const run = executor.runs.get(runId);
      return run ? snapshotRun(run) : undefined;
    },
    listRuns: (filter = {}) =>
      runs().filter(
        (run) =>
          (!filter.functionId || run.functionId === filter.functionId) &&
          (!filter.eventId || run.eventId === filter.eventId) &&
          (!filter.status || run.status === filter.status),
      ),
    cancelRun: (runId) => executor.cancel(runId),
    listEvents: () => structuredClone(store.list()),
    listFunctions: () => registry.functions().map(({ id, name, appId, url }) => ({ id, name, appId, url })),
  };
}

/**
 * Inngest emits these when a run ends; `onFailure` handlers trigger on
 * `inngest/function.failed` (matched by `event.data.function_id`).
 */
function emitLifecycleEvents(intake: EventIntake, run: Run) {
  const base = { function_id: run.functionId, run_id: run.id, event: run.event };
  if (run.status === "Failed") {
    intake.emitInternal(
      { name: "inngest/function.failed", data: { ...base, error: run.error } },
      run.functionId,
    );
  } else if (run.status === "Cancelled") {
    intake.emitInternal(
      { name: "inngest/function.cancelled", data: { ...base, error: run.error } },
      run.functionId,
    );
  }
  const result = run.status === "Completed" ? { result: run.output ?? null } : { error: run.error };
  intake.emitInternal({ name: "inngest/function.finished", data: { ...base, ...result } }, run.functionId);
}

/** Pruned per finished run at most, so one finish never turns into a long delete. */
const PRUNE_BATCH = 100;

/** Drop the oldest finished runs beyond `max` from memory and the store; running runs always stay. */
function pruneFinishedRuns(runs: Map<string, Run>, max: number, journal: Journal) {
  if (runs.size <= max) return;
  const dropped: string[] = [];
  for (const [id, run] of runs) {
    if (runs.size <= max || dropped.length >= PRUNE_BATCH) break;
    if (run.status === "Running") continue;
    runs.delete(id);
    dropped.push(id);
  }
  if (dropped.length > 0) journal.deleteRuns(dropped);
}

function withJournal(clock: EngineClock, journal: Journal): EngineClock {
  return { ...clock, setTimer: (at, fn) => clock.setTimer(at, () => journal.atomic(fn)) };
}

function resolveLogger(logger: EngineLogger | false | undefined): EngineLogger {
  if (logger === false) return { info: () => {}, warn: () => {}, error: () => {} };
  return logger ?? { info: () => {}, warn: (m) => console.warn(m), error: (m) => console.error(m) };
}
