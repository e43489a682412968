import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { createLocalEngine, type LocalEngine } from "../../inngest/local";
import { type AppServer, startAppServer } from "./app-server";
import { createTestDatabase, type TestDatabase, type TestDriver } from "./test-database";

/**
 * The whole stack in one test file: a cloned database, the local engine on a
 * random port with a manual clock, and the app's real route handlers served over
 * HTTP. The app reads its configuration at import, so env is set before the app
 * modules load (each test file runs in its own process).
 */
export type Stack = {
  engine: LocalEngine;
  app: AppServer;
  database: TestDatabase;
  /**
   * Stops the engine as a crash would (calls to the app in flight are abandoned) and opens its data
   * directory again on the same port, where it resumes every run. Only with `durable: true`.
   */
  restartEngine: () => Promise<void>;
  /** Closes the engine (and removes its data directory). */
  close: () => Promise<void>;
  /** Calls an app route and parses the JSON answer. */
  api: <T = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ) => Promise<{ status: number; body: T; headers: Headers }>;
};

/** The rate-limit classes raised for test suites (see docs/PRODUCTION_READINESS.md for the real defaults). */
export const TEST_RATE_LIMITS = [
  "RATE_LIMIT_API_KEY",
  "RATE_LIMIT_SESSION",
  "RATE_LIMIT_AUTH_FAILURE",
  "RATE_LIMIT_WEBHOOK",
] as const;

export type StackOptions = {
  driver: TestDriver;
  mode?: "classic" | "checkpoint";
  /** The engine keeps its state in a data directory, so `restartEngine()` can resume runs. */
  durable?: boolean;
};

export async function startStack(options: StackOptions): Promise<Stack> {
  const database = await createTestDatabase(options.driver);
  const dataDir = options.durable ? mkdtempSync(path.join(tmpdir(), "stack-engine-")) : undefined;
  const engineOptions = {
    clock: "manual" as const,
    mode: options.mode ?? "checkpoint",
    logger: false as const,
    // Suites assert on retried runs within one advance; limits.test.ts covers Inngest's table.
    retryBackoff: "fast" as const,
    ...(dataDir !== undefined && { dataDir }),
  };
  let engine = await createLocalEngine({ port: 0, ...engineOptions });
  process.env.DATABASE_URL = database.url;
  process.env.INNGEST_DEV = engine.url;
  process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? "silent";
  // Suites send hundreds of requests a minute as one user; a file that tests the limits sets its own.
  for (const name of TEST_RATE_LIMITS) process.env[name] ??= "100000/1m";
  const app = await startAppServer();
  // The app's public origin is where this server listens (read lazily, on the first request).
  process.env.APP_URL = app.url;
  await engine.syncApp(`${app.url}/api/inngest`);

  const api: Stack["api"] = async (method, path, body) => {
    const response = await fetch(`${app.url}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : null) as never,
      headers: response.headers,
    };
  };
  const restartEngine = async () => {
    if (dataDir === undefined) throw new Error("restartEngine() needs a stack started with durable: true");
    const { port } = engine;
    const stoppedAt = engine.clock.now();
    await engine.close();
    engine = await createLocalEngine({ ...engineOptions, port, startTime: stoppedAt });
  };
  return {
    get engine() {
      return engine;
    },
    app,
    database,
    api,
    restartEngine,
    close: async () => {
      await engine.close();
      if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function stopStack(stack: Stack | undefined): Promise<void> {
  if (!stack) return;
  await stack.close();
  await stack.app.close();
  const { closeDb } = await import("@/server/db/client");
  await closeDb();
  await stack.database.drop();
}

/** beforeAll/afterAll wiring; the returned getter is valid inside tests. */
export function useStack(options: StackOptions): () => Stack {
  let stack: Stack | undefined;
  beforeAll(async () => {
    stack = await startStack(options);
  });
  afterAll(async () => {
    await stopStack(stack);
  });
  return () => {
    if (!stack) throw new Error("stack not started");
    return stack;
  };
}
