import { getEnv, InvalidEnvError } from "./lib/env";

/**
 * Start-up on Node. Configuration is validated first: a bad or missing variable
 * stops the server, naming the variable, instead of serving errors (or worse,
 * serving without sign-in). Everything else is imported only afterwards,
 * because those modules read the configuration as they load. The embedded
 * database is opened, migrated and seeded early so the first request does not
 * pay PGlite's start-up, and closed on SIGINT/SIGTERM before the process exits.
 */
export async function registerNode(): Promise<void> {
  let env: ReturnType<typeof getEnv>;
  try {
    env = getEnv();
  } catch (error) {
    if (!(error instanceof InvalidEnvError)) throw error;
    console.error(`Stepwise refuses to start. ${error.message}`);
    process.exit(1);
  }
  // Before anything that could start a span: the one tracer provider, or none (OTEL_TRACES_EXPORTER).
  const { registerTelemetry } = await import("./server/telemetry/register-telemetry");
  registerTelemetry();
  const { logger } = await import("./lib/logger");
  const { closeDatabaseOnShutdown } = await import("./server/db/close-on-shutdown");
  closeDatabaseOnShutdown({
    log: {
      info: (message) => logger.info(message),
      error: (message, error) => logger.error({ err: error }, message),
    },
  });
  const { exitWithLauncher } = await import("./server/lifecycle/watch-launcher");
  exitWithLauncher(env.STEPWISE_LAUNCHER_PID);
  const { chooseDriver } = await import("./server/db/drivers");
  const driver = chooseDriver(env);
  if (driver.driver === "pglite") {
    const { ensureLocalWorkspace } = await import("./server/workspaces/ensure-local-workspace");
    const { DataDirLockedError } = await import("./server/db/pglite-lock");
    try {
      await ensureLocalWorkspace();
    } catch (error) {
      // Another process has the embedded database open: serving would only answer 503s.
      if (!(error instanceof DataDirLockedError)) throw error;
      console.error(`Stepwise refuses to start. ${error.message}`);
      process.exit(1);
    }
  }
  logger.info({ driver: driver.driver, nodeEnv: env.NODE_ENV }, "stepwise ready");
}
