import { getEnv } from "./lib/env";
import { logger } from "./lib/logger";
import { chooseDriver } from "./server/db/drivers";
import { ensureLocalWorkspace } from "./server/workspaces/ensure-local-workspace";

/**
 * Start-up on Node: configuration is validated first, so a bad or missing
 * variable stops the server with its name instead of failing the first request;
 * the embedded database is opened, migrated and seeded early so the first
 * request does not pay PGlite's start-up.
 */
export async function registerNode(): Promise<void> {
  const env = getEnv();
  const driver = chooseDriver(env);
  if (driver.driver === "pglite") await ensureLocalWorkspace();
  logger.info({ driver: driver.driver, nodeEnv: env.NODE_ENV }, "stepwise ready");
}
