import { afterAll, beforeAll } from "vitest";
import { createLocalEngine, type LocalEngine } from "../../inngest/local";
import { withDeadline } from "../../src/lib/deadline";
import type { ClerkTestKeys } from "./clerk-tokens";
import { type NextServer, startNextServer } from "./next-server";
import { createTestDatabase, type TestDatabase, type TestDriver } from "./test-database";

/**
 * The app as it runs for real, for one test file: the test build under
 * `next start` (proxy.ts and all), on a cloned PGlite database and the local
 * engine. `STEPWISE_EMBEDDED=1` because `next start` runs with
 * NODE_ENV=production, which otherwise demands the hosted services.
 */

/** Origins whose session tokens the app accepts (CLERK_AUTHORIZED_PARTIES). */
export const AUTHORIZED_PARTIES = ["https://app.stepwise.test", "http://localhost:3000"] as const;

export type NextAppOptions = {
  /** Turns sign-in on with these keys; without them the app runs in local mode. */
  clerk?: Pick<ClerkTestKeys, "jwtKey" | "publishableKey" | "secretKey">;
  env?: Record<string, string>;
  /** PostgreSQL lets the test process read and write the app's database while the server runs; PGlite cannot. */
  driver?: TestDriver;
};

export type CallOptions = {
  body?: unknown;
  /** Sent as `Authorization: Bearer …`. */
  bearer?: string;
  /** Sent as the `__session` cookie with `__client_uat` = `clientUat` (Clerk's browser transport). */
  sessionCookie?: { token: string; clientUat: number };
  headers?: Record<string, string>;
};

export type CallResult<T> = { status: number; body: T; text: string; headers: Headers };

export type NextApp = {
  url: string;
  server: NextServer;
  engine: LocalEngine;
  database: TestDatabase;
  /** One request, never following redirects, so a 3xx shows up as such. */
  call: <T = unknown>(method: string, path: string, options?: CallOptions) => Promise<CallResult<T>>;
};

function clerkEnv(clerk: NonNullable<NextAppOptions["clerk"]>): Record<string, string> {
  return {
    NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: clerk.publishableKey,
    CLERK_SECRET_KEY: clerk.secretKey,
    CLERK_JWT_KEY: clerk.jwtKey,
    CLERK_AUTHORIZED_PARTIES: AUTHORIZED_PARTIES.join(","),
  };
}

/**
 * Each phase of the start is bounded and named: a start that hangs fails with the phase it hung
 * in well before the hook's own timeout (180 s), which names none. Seen twice under a full suite:
 * a beforeAll of this helper timed out with no other clue.
 */
const PHASE_LIMIT_MS = { database: 30_000, engine: 15_000, server: 110_000, cleanup: 10_000 };

async function phase<T>(name: keyof typeof PHASE_LIMIT_MS, work: Promise<T>): Promise<T> {
  const limit = PHASE_LIMIT_MS[name];
  return withDeadline(work, limit, () => new Error(`starting the app: ${name} took over ${limit} ms`));
}

async function startNextApp(options: NextAppOptions): Promise<NextApp> {
  const database = await phase("database", createTestDatabase(options.driver ?? "pglite"));
  const engine = await phase(
    "engine",
    createLocalEngine({ port: 0, clock: "manual", logger: false, retryBackoff: "fast" }),
  );
  let server: NextServer;
  try {
    // startNextServer bounds each attempt (30 s to answer, 10 s to stop; 3 attempts for a taken port).
    server = await phase(
      "server",
      startNextServer({
        env: {
          DATABASE_URL: database.url,
          INNGEST_DEV: engine.url,
          STEPWISE_EMBEDDED: "1",
          LOG_LEVEL: "silent",
          ...(options.clerk && clerkEnv(options.clerk)),
          ...options.env,
        },
      }),
    );
  } catch (error) {
    // The cleanup must not hide why the start failed.
    await phase("cleanup", engine.close()).catch(() => {});
    await phase("cleanup", database.drop()).catch(() => {});
    throw error;
  }

  const call: NextApp["call"] = async (method, path, callOptions = {}) => {
    const headers: Record<string, string> = { ...callOptions.headers };
    if (callOptions.body !== undefined) headers["content-type"] = "application/json";
    if (callOptions.bearer) headers.authorization = `Bearer ${callOptions.bearer}`;
    if (callOptions.sessionCookie) {
      const { token, clientUat } = callOptions.sessionCookie;
      headers.cookie = `__session=${token}; __client_uat=${clientUat}`;
    }
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers,
      body: callOptions.body === undefined ? undefined : JSON.stringify(callOptions.body),
      redirect: "manual",
    });
    const text = await response.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    return { status: response.status, body: body as never, text, headers: response.headers };
  };

  return { url: server.url, server, engine, database, call };
}

async function stopNextApp(app: NextApp): Promise<void> {
  await app.server.stop();
  await app.engine.close();
  await app.database.drop();
}

/** beforeAll/afterAll wiring (the server stops even when tests fail); the getter is valid inside tests. */
export function useNextApp(options: NextAppOptions | (() => Promise<NextAppOptions>)): () => NextApp {
  let app: NextApp | undefined;
  beforeAll(async () => {
    app = await startNextApp(typeof options === "function" ? await options() : options);
  });
  afterAll(async () => {
    if (app) await stopNextApp(app);
  });
  return () => {
    if (!app) throw new Error("the Next app did not start; see the beforeAll error");
    return app;
  };
}
