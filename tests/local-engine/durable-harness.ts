import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Inngest, type InngestFunction } from "inngest";
import {
  createLocalEngine,
  type EngineMode,
  type LocalEngine,
  type LocalEngineOptions,
} from "../../inngest/local";
import { serveApp, type TestClient } from "./harness";

/**
 * A durable engine (`dataDir`) plus the real SDK serve handler, with
 * `restart()`: the engine stops and a new one opens the same directory on
 * the same port (the SDK's base URL), its manual clock where the old one
 * stopped, plus `downForMs` of time that passed while it was down.
 */

const silent = { info() {}, warn() {}, error() {}, debug() {} };

export type DurableHarness = {
  readonly engine: LocalEngine;
  inngest: TestClient;
  dataDir: string;
  restart(options?: { downForMs?: number }): Promise<void>;
  close(): Promise<void>;
};

export function tempDataDir(): string {
  return mkdtempSync(path.join(tmpdir(), "engine-store-"));
}

export async function startDurable(
  mode: EngineMode,
  define: (inngest: TestClient) => InngestFunction.Any[],
  options: LocalEngineOptions = {},
): Promise<DurableHarness> {
  const dataDir = options.dataDir ?? tempDataDir();
  const base = {
    clock: "manual" as const,
    mode,
    logger: false as const,
    retryBackoff: "fast" as const,
    dataDir,
    ...options,
  };
  let engine = await createLocalEngine({ port: 0, ...base });
  const inngest = new Inngest({ id: "durable", isDev: true, baseUrl: engine.url, logger: silent });
  const app = await serveApp(inngest, define(inngest));
  await engine.syncApp(app.url);

  return {
    get engine() {
      return engine;
    },
    inngest,
    dataDir,
    async restart({ downForMs = 0 } = {}) {
      const { port } = engine;
      const stoppedAt = engine.clock.now();
      await engine.close();
      engine = await createLocalEngine({ ...base, port, startTime: stoppedAt + downForMs });
      // No re-sync: the registry comes back from the store.
      await engine.settle();
    },
    async close() {
      await engine.close();
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Send one event and return the single run it started. */
export async function triggerRun(h: DurableHarness, name: string, data: Record<string, unknown> = {}) {
  const { ids } = await h.inngest.send({ name, data });
  const run = h.engine.listRuns({ eventId: ids[0] })[0];
  if (!run) throw new Error(`no run for ${name}`);
  return run.runId;
}
