import http from "node:http";
import type { AddressInfo } from "node:net";
import { Inngest, type InngestFunction } from "inngest";
import { serve } from "inngest/node";
import {
  createLocalEngine,
  type EngineMode,
  type LocalEngine,
  type LocalEngineOptions,
} from "../../inngest/local";

/**
 * Conformance harness: a local engine plus the real SDK serve handler
 * (`inngest/node`) on a random port, synced in band like the dev server does.
 */

export const MODES: EngineMode[] = ["classic", "checkpoint"];

const silent = { info() {}, warn() {}, error() {}, debug() {} };

const makeClient = (baseUrl: string) =>
  new Inngest({ id: "conformance", isDev: true, baseUrl, logger: silent });

/** The concrete client type, so handlers (e.g. onFailure) infer their arguments. */
export type TestClient = ReturnType<typeof makeClient>;

export type Harness = {
  engine: LocalEngine;
  inngest: TestClient;
  appUrl: string;
  /** Calls the engine made to the app (POSTs), in order, as `stepId` values. */
  calls: string[];
  close(): Promise<void>;
};

export async function startHarness(
  mode: EngineMode,
  define: (inngest: TestClient) => InngestFunction.Any[],
  options: LocalEngineOptions & { streaming?: boolean } = {},
): Promise<Harness> {
  const { streaming, ...engineOptions } = options;
  const engine = await createLocalEngine({
    port: 0,
    clock: "manual",
    mode,
    logger: false,
    retryBackoff: "fast",
    ...engineOptions,
  });
  const inngest = makeClient(engine.url);
  const app = await serveApp(inngest, define(inngest), 0, streaming);
  await engine.syncApp(app.url);
  return {
    engine,
    inngest,
    appUrl: app.url,
    calls: app.calls,
    async close() {
      await engine.close();
      await app.close();
    },
  };
}

export async function serveApp(
  client: Inngest.Any,
  functions: InngestFunction.Any[],
  port = 0,
  streaming = false,
) {
  const handler = serve({ client, functions, streaming });
  const calls: string[] = [];
  const server = http.createServer((req, res) => {
    if (req.method === "POST")
      calls.push(new URL(req.url ?? "/", "http://x").searchParams.get("stepId") ?? "");
    return handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/api/inngest`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Send one event and return the single run it started. */
export async function trigger(h: Harness, name: string, data: Record<string, unknown> = {}) {
  const { ids } = await h.inngest.send({ name, data });
  const runs = h.engine.listRuns({ eventId: ids[0] });
  const run = runs[0];
  if (runs.length !== 1 || !run) throw new Error(`expected one run for ${name}, got ${runs.length}`);
  return run.runId;
}

/** A port that was free a moment ago (for apps that start after the engine). */
export async function freePort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
