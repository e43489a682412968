import { getEnv, inngestBaseUrl, inngestDevMode } from "@/lib/env";

/**
 * What the reconciler asks Inngest: does a function run still exist, and which
 * function runs did an event start. Answers are taken as Inngest gives them
 * (REST v1, `{ data, metadata }`), including its rough edges: an id that is not
 * one of its ULIDs answers 400, an unknown run answers 500 (which an outage
 * also could), and reads are cached for a few seconds. So an answer is only ever
 * "live", "ended" or "no such run" when it says so unambiguously; everything else
 * is "unverifiable" and the reconciler leaves the run alone this time.
 */

/** Statuses Inngest reports for a function run that can still make progress. */
const LIVE_STATUSES = new Set(["Running", "Queued", "Paused", "Waiting", "Sleeping"]);

export type FunctionRunState =
  | { kind: "live"; status: string }
  | { kind: "ended"; status: string }
  | { kind: "missing" }
  | { kind: "unverifiable"; reason: string };

export type EventRuns =
  | { kind: "runs"; runs: { id: string; status: string }[] }
  | { kind: "unverifiable"; reason: string };

export type InngestRunsApi = {
  functionRun(executionId: string): Promise<FunctionRunState>;
  eventRuns(eventId: string): Promise<EventRuns>;
  /** Whether the API answers an authenticated read (readiness): reachable, and the key accepted. */
  reachable(): Promise<boolean>;
};

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/i;

export function createInngestRunsApi(
  options: { baseUrl?: string; signingKey?: string; timeoutMs?: number; fetch?: typeof fetch } = {},
): InngestRunsApi {
  const env = getEnv();
  const base =
    options.baseUrl ?? inngestBaseUrl(env) ?? (inngestDevMode(env) ? undefined : "https://api.inngest.com");
  const signingKey = options.signingKey ?? env.INNGEST_SIGNING_KEY;
  const timeoutMs = options.timeoutMs ?? env.INNGEST_API_TIMEOUT_MS;
  const doFetch = options.fetch ?? fetch;

  const get = async (path: string): Promise<{ status: number; body: unknown } | { error: string }> => {
    if (!base) return { error: "no Inngest API base URL is configured" };
    try {
      const response = await doFetch(new URL(path, base), {
        headers: signingKey ? { authorization: `Bearer ${signingKey}` } : {},
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = null;
      }
      return { status: response.status, body };
    } catch (error) {
      const reason = error instanceof Error && error.name === "TimeoutError" ? "timed out" : "unreachable";
      return { error: `Inngest's API ${reason}` };
    }
  };

  return {
    async functionRun(executionId) {
      // Inngest would answer 400 anyway; not asking saves a call and says why.
      if (!ULID.test(executionId)) return { kind: "unverifiable", reason: "not an Inngest run id" };
      const answer = await get(`/v1/runs/${encodeURIComponent(executionId)}`);
      if ("error" in answer) return { kind: "unverifiable", reason: answer.error };
      if (answer.status === 200) {
        const status = readStatus(answer.body);
        if (!status) return { kind: "unverifiable", reason: "unexpected answer from Inngest" };
        return LIVE_STATUSES.has(status) ? { kind: "live", status } : { kind: "ended", status };
      }
      if (answer.status === 404 || answer.status === 500) {
        // 500 is how Inngest answers for a run it does not know; callers confirm it another way.
        return { kind: "missing" };
      }
      return { kind: "unverifiable", reason: `Inngest answered ${answer.status}` };
    },

    async reachable() {
      const answer = await get("/v1/events?limit=1");
      return !("error" in answer) && answer.status === 200;
    },

    async eventRuns(eventId) {
      if (!ULID.test(eventId)) return { kind: "unverifiable", reason: "not an Inngest event id" };
      const answer = await get(`/v1/events/${encodeURIComponent(eventId)}/runs`);
      if ("error" in answer) return { kind: "unverifiable", reason: answer.error };
      if (answer.status !== 200) return { kind: "unverifiable", reason: `Inngest answered ${answer.status}` };
      const data = (answer.body as { data?: unknown } | null)?.data;
      if (!Array.isArray(data)) return { kind: "unverifiable", reason: "unexpected answer from Inngest" };
      const runs = data.flatMap((run) => {
        const id = (run as { run_id?: unknown }).run_id;
        const status = (run as { status?: unknown }).status;
        return typeof id === "string" && typeof status === "string" ? [{ id, status }] : [];
      });
      return { kind: "runs", runs };
    },
  };
}

export function isLiveFunctionRunStatus(status: string): boolean {
  return LIVE_STATUSES.has(status);
}

function readStatus(body: unknown): string | undefined {
  const status = (body as { data?: { status?: unknown } } | null)?.data?.status;
  return typeof status === "string" ? status : undefined;
}
