import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { hasSigningKey } from "./api-auth";
import type { EngineClock } from "./clock";
import type { EventIntake } from "./event-intake";
import type { EventStore } from "./event-store";
import type { Executor } from "./executor";
import { HttpError, readJson, sendJson } from "./http-util";
import { eventTooLargeError } from "./limits";
import { handlePublish } from "./publish-route";
import type { RealtimeHub } from "./realtime-hub";
import { grantsFromRequest, mintToken } from "./realtime-token";
import { FunctionConfigListSchema, type FunctionRegistry } from "./registry";
import { envelope, isUlid, restEvent, restRun } from "./rest-views";
import { snapshotRun } from "./run-state";
import type { OutgoingOp } from "./types";
import type { WorkTracker } from "./work-tracker";

/**
 * The engine's HTTP surface: the APIs the SDK calls (events, register,
 * checkpoint, realtime, state fetch) plus a small read API for tests, scripts
 * and the local UI.
 */

export type RouteDeps = {
  intake: EventIntake;
  executor: Executor;
  registry: FunctionRegistry;
  store: EventStore;
  hub: RealtimeHub;
  realtimeSecret: string;
  /** When set, the API answers only requests that carry it (see `Auth`). */
  signingKey?: string;
  clock: EngineClock;
  tracker: WorkTracker;
  /** Largest accepted event in JSON bytes (`LIMITS.eventBytes` unless configured). */
  maxEventBytes: number;
};

type Params = Record<string, string>;
type Handler = (req: IncomingMessage, res: ServerResponse, params: Params, url: URL) => Promise<void> | void;
/**
 * Who may call a route. Inngest's `inngest start` puts its whole API (REST,
 * checkpoint, realtime, registration) behind `authn.SigningKeyMiddleware` when
 * it has a signing key, and Inngest Cloud always does: "key" routes answer 401
 * without it. "open": the event API (event keys are not checked here), health
 * and the `/dev` info page. The realtime publish route checks its own (a
 * subscription token is refused there; see publish-route.ts).
 */
type Auth = "key" | "open" | "self";
type Route = { method: string; pattern: RegExp; keys: string[]; handler: Handler; auth: Auth };

const RegisterBodySchema = z.looseObject({
  url: z.string(),
  appName: z.string(),
  functions: FunctionConfigListSchema,
});
const CheckpointBodySchema = z.looseObject({
  qi_id: z.string().optional(),
  steps: z.array(z.unknown()).default([]),
});

function route(method: string, path: string, handler: Handler, auth: Auth = "key"): Route {
  const keys: string[] = [];
  const pattern = new RegExp(
    `^${path.replace(/:(\w+)/g, (_, key: string) => {
      keys.push(key);
      return "([^/]+)";
    })}/?$`,
  );
  return { method, pattern, keys, handler, auth };
}

export function createRouter(d: RouteDeps) {
  const runOr404 = (runId: string) => {
    const run = d.executor.runs.get(runId);
    if (!run) throw new HttpError(404, `Run ${runId} not found`);
    return run;
  };
  // As Inngest: 400 for an id that is not a ULID; an unknown run is a 500 on
  // GET (its trace reader finds no row) and a 404 on DELETE.
  const ulidParam = (value: string | undefined, what: "run" | "event") => {
    if (!value || !isUlid(value)) throw new HttpError(400, `Invalid ${what} ID: ${value ?? ""}`);
    return value.toUpperCase();
  };
  const runForApi = (value: string | undefined, unknownStatus: number) => {
    const runId = ulidParam(value, "run");
    const run = d.executor.runs.get(runId);
    if (!run) throw new HttpError(unknownStatus, `Unable to load function run: ${value}`);
    return run;
  };
  const now = () => d.clock.now();
  /** `WriteCachedResponse`: the envelope plus the max-age Inngest sets on these reads. */
  const sendCached = (res: ServerResponse, data: unknown, seconds: number) =>
    sendJson(res, 200, envelope(data, now(), seconds), { "cache-control": `private, max-age=${seconds}` });

  const routes: Route[] = [
    route("GET", "/", (_req, res) => sendJson(res, 200, { status: "ok", engine: "inngest-local" }), "open"),
    route("GET", "/health", (_req, res) => sendJson(res, 200, { status: "ok" }), "open"),
    route(
      "GET",
      "/dev",
      (_req, res) =>
        sendJson(res, 200, {
          version: "inngest-local",
          authed: false,
          startOpts: { autodiscover: false, urls: d.registry.apps().map((app) => app.url) },
          functions: d.registry
            .functions()
            .map(({ id, name, appId, triggers }) => ({ id, name, appId, triggers })),
          handlers: [],
        }),
      "open",
    ),

    route(
      "POST",
      "/e/:eventKey",
      async (req, res) => {
        const seed = req.headers["x-inngest-event-id-seed"];
        const input = await readJson(req);
        const tooLarge = eventTooLargeError(Array.isArray(input) ? input : [input], d.maxEventBytes);
        // Inngest's event API answers 400 with the ids it accepted (none here) and the reason.
        if (tooLarge) return sendJson(res, 400, { ids: [], status: 400, error: tooLarge });
        const ids = d.intake.send(input, typeof seed === "string" ? seed : undefined);
        sendJson(res, 200, { ids, status: 200 });
      },
      "open",
    ),

    route("POST", "/fn/register", async (req, res) => {
      const body = RegisterBodySchema.safeParse(await readJson(req));
      if (!body.success) throw new HttpError(400, `Invalid register body: ${body.error.message}`);
      d.registry.register(body.data.appName, body.data.url, body.data.functions, d.clock.now());
      sendJson(res, 200, { ok: true, modified: true });
    }),

    route("POST", "/v1/checkpoint/:runId/async", async (req, res, params) => {
      const body = CheckpointBodySchema.safeParse(await readJson(req));
      if (!body.success) throw new HttpError(400, `Invalid checkpoint body: ${body.error.message}`);
      const ops = body.data.steps.filter(
        (op): op is OutgoingOp => !!op && typeof op === "object" && "op" in op,
      );
      const { status, message } = d.executor.acceptCheckpoint(params.runId ?? "", body.data.qi_id, ops);
      sendJson(res, status, status === 200 ? {} : { error: message ?? "stale or unknown run", status });
    }),
    route("POST", "/v1/checkpoint", notSupported("Durable Endpoints (sync checkpointing)")),
    route("POST", "/v1/checkpoint/:runId/steps", notSupported("Durable Endpoints (sync checkpointing)")),

    route("GET", "/v0/runs/:runId/actions", (_req, res, params) =>
      sendJson(res, 200, Object.fromEntries(runOr404(params.runId ?? "").state)),
    ),
    route("GET", "/v0/runs/:runId/batch", (_req, res, params) =>
      sendJson(res, 200, runOr404(params.runId ?? "").events),
    ),

    route(
      "POST",
      "/v1/realtime/publish",
      (req, res, _params, url) => handlePublish(req, res, url, d),
      "self",
    ),
    // Minted only for the signing key (Inngest's `PostCreateJWT` uses its AuthFinder,
    // never a token), and answered 201 as Inngest does.
    route("POST", "/v1/realtime/token", async (req, res) => {
      const grants = grantsFromRequest(await readJson(req));
      if (!grants)
        throw new HttpError(400, "Expected [{ channel, name?, topics?, kind }] with at least one channel");
      sendJson(res, 201, { jwt: mintToken(grants, d.realtimeSecret, d.clock.now()) });
    }),

    route("POST", "/v1/runs/:runId/metadata", (_req, res) => sendJson(res, 200, {})),
    route("GET", "/v1/runs", (_req, res, _params, url) => {
      const status = url.searchParams.get("status");
      const runs = [...d.executor.runs.values()]
        .map(snapshotRun)
        .filter((run) => !status || run.status === status);
      sendJson(res, 200, envelope(runs.map(restRun), now()));
    }),
    route("GET", "/v1/runs/:runId", (_req, res, params) => {
      const run = runForApi(params.runId, 500);
      sendCached(res, restRun(snapshotRun(run)), 3);
    }),
    route("DELETE", "/v1/runs/:runId", (_req, res, params) => {
      const run = runForApi(params.runId, 404);
      d.executor.cancel(run.id);
      sendJson(res, 200, envelope(restRun(snapshotRun(run)), now()));
    }),
    route("GET", "/v1/events", (_req, res, _params, url) => {
      const name = url.searchParams.get("name");
      const events = d.store.list().filter((event) => !name || event.payload.name === name);
      // Inngest answers at most `limit` (newest first); without it, everything, as before.
      const limit = Number(url.searchParams.get("limit"));
      const listed = Number.isInteger(limit) && limit > 0 ? events.slice(-limit).reverse() : events;
      sendJson(res, 200, envelope(listed.map(restEvent), now()));
    }),
    route("GET", "/v1/events/:eventId", (_req, res, params) => {
      const event = d.store.byInternalId(ulidParam(params.eventId, "event"));
      if (!event) throw new HttpError(404, "Event not found");
      sendCached(res, restEvent(event), 5);
    }),
    // Keyed by the internal id `POST /e` answered; an unknown event has no runs.
    route("GET", "/v1/events/:eventId/runs", (_req, res, params) => {
      const event = d.store.byInternalId(ulidParam(params.eventId, "event"));
      const runs = (event?.runIds ?? []).flatMap((id) => {
        const run = d.executor.runs.get(id);
        return run ? [restRun(snapshotRun(run))] : [];
      });
      sendCached(res, runs, 15);
    }),
  ];

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const done = d.tracker.begin();
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (req.method === "OPTIONS") {
        // No CORS: any web page a developer opens could otherwise read or cancel local runs.
        res.writeHead(204);
        return void res.end();
      }
      for (const candidate of routes) {
        const match = candidate.method === req.method ? candidate.pattern.exec(url.pathname) : null;
        if (!match) continue;
        if (candidate.auth === "key" && !hasSigningKey(req, d.signingKey))
          throw new HttpError(401, "Authentication failed");
        const params: Params = {};
        candidate.keys.forEach((key, i) => {
          params[key] = decodeURIComponent(match[i + 1] ?? "");
        });
        return await candidate.handler(req, res, params, url);
      }
      throw new HttpError(404, `No route for ${req.method} ${url.pathname}`);
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500;
      if (!res.headersSent) sendJson(res, status, { error: (err as Error).message, status });
      else res.end();
    } finally {
      done();
    }
  };
}

function notSupported(what: string): Handler {
  return (_req, res) =>
    sendJson(res, 501, { error: `${what} is not supported by the local engine`, status: 501 });
}
