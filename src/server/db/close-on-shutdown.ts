import { constants } from "node:os";
import { shutdownDb } from "./client";

/**
 * Closes the database before the server process exits on SIGINT/SIGTERM, so
 * PGlite is shut down cleanly (and its lock released) and pools end politely.
 *
 * Next owns these signals: `next start` and `next dev`'s server process run a
 * handler that closes the HTTP server, then calls `process.exit(130|143)`
 * synchronously, which would cut an async close short. So after a signal the
 * database is closed inside `process.exit` itself: the exit waits (bounded)
 * for the close, then happens with the same code. When nothing else handles the
 * signal, or the host takes too long to exit (a long-lived stream keeping
 * `server.close()` open), this closes the database and exits on its own.
 *
 * `next dev` also runs a parent CLI that SIGKILLs its server process 100 ms
 * after forwarding the signal unless NEXT_EXIT_TIMEOUT_MS is raised: the
 * launcher must set it (see inngest/local/with-app.ts).
 */

type Options = {
  /** How long the host may take to exit by itself after a signal before this exits for it. */
  graceMs?: number;
  /** The longest the close may hold up the exit. */
  closeBoundMs?: number;
  log?: ShutdownLog;
};

type ShutdownLog = { info: (message: string) => void; error: (message: string, error?: unknown) => void };

const consoleLog: ShutdownLog = {
  info: (message) => console.log(message),
  error: (message, error) => console.error(message, error ?? ""),
};

const INSTALLED = Symbol.for("stepwise.database.closeOnShutdown");
const SIGNALS = ["SIGINT", "SIGTERM"] as const;

export function closeDatabaseOnShutdown(options: Options = {}): void {
  const scope = globalThis as { [INSTALLED]?: true };
  if (scope[INSTALLED]) return; // once per process, however many bundles load this
  scope[INSTALLED] = true;
  const graceMs = options.graceMs ?? 5000;
  const closeBoundMs = options.closeBoundMs ?? 5000;
  const log = options.log ?? consoleLog;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    const started = performance.now();
    closing ??= bounded(shutdownDb(), closeBoundMs).then(
      (finished) => {
        if (finished) log.info(`database closed in ${Math.round(performance.now() - started)} ms`);
        else log.error(`the database did not close within ${closeBoundMs} ms; exiting anyway`);
      },
      (error: unknown) => log.error("closing the database failed", error),
    );
    return closing;
  };

  const realExit = process.exit.bind(process);
  let exitCode: number | undefined;
  const exitAfterClose = (code: number) => {
    if (exitCode !== undefined) return; // an exit is already on its way
    exitCode = code;
    void close().finally(() => realExit(code));
  };

  let signalled = false;
  const onSignal = (signal: (typeof SIGNALS)[number]) => {
    if (signalled) return; // a repeated signal (the shell and Next's CLI both send one)
    signalled = true;
    process.exit = ((code?: number | string | null) => {
      exitAfterClose(typeof code === "number" ? code : Number(code ?? process.exitCode ?? 0) || 0);
    }) as typeof process.exit;
    const signalCode = 128 + constants.signals[signal];
    // Nobody else listens (NEXT_MANUAL_SIG_HANDLE, or another host): this handler is the one that exits.
    const alone = process.listenerCount(signal) === 1;
    setTimeout(() => exitAfterClose(signalCode), alone ? 0 : graceMs);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

async function bounded(work: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
