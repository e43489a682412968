import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { bearerToken, hasSigningKey } from "./api-auth";
import { HttpError, parseJsonLoose, readBody, sendJson } from "./http-util";
import { LIMITS, truncateUtf8 } from "./limits";
import { verifyToken } from "./realtime-token";
import type { RouteDeps } from "./routes";

/**
 * `POST /v1/realtime/publish?channel=&topic=&run_id=`. The SDK sends JSON
 * data, but a string payload goes out raw (not JSON-quoted), so the body is
 * parsed as JSON when it is JSON and kept as text otherwise. A `text/stream`
 * body (a ReadableStream payload) becomes datastream-start / chunk* /
 * datastream-end messages, as Inngest sends them.
 *
 * Auth as Inngest's `PostPublish` (pkg/execution/realtime/api.go, with
 * `realtimeAuthMW`): a subscription token (the bearer, or `?token=` when there
 * is no bearer) never publishes (401); otherwise the signing key is required
 * when the engine has one.
 */
export async function handlePublish(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  d: Pick<RouteDeps, "hub" | "executor" | "realtimeSecret" | "signingKey" | "clock">,
): Promise<void> {
  const token = bearerToken(req) || (url.searchParams.get("token") ?? "");
  if (verifyToken(token, d.realtimeSecret, d.clock.now()))
    throw new HttpError(401, "Not authenticated for publishing");
  if (!hasSigningKey(req, d.signingKey)) throw new HttpError(401, "Not authenticated");
  const channel = url.searchParams.get("channel") ?? "";
  const topics = url.searchParams.getAll("topic");
  if (!channel || topics.length === 0) throw new HttpError(400, "channel and topic are required");
  const runId = url.searchParams.get("run_id") ?? undefined;
  const base = { channel, run_id: runId, fn_id: runId ? d.executor.runs.get(runId)?.functionId : undefined };

  if ((req.headers["content-type"] ?? "").startsWith("text/stream")) {
    const streamId = randomUUID();
    for (const topic of topics) d.hub.publish({ ...base, topic, kind: "datastream-start", data: streamId });
    for await (const chunk of req) {
      const data = Buffer.isBuffer(chunk) ? chunk.toString("utf8") : String(chunk);
      for (const topic of topics) d.hub.publish({ ...base, topic, kind: "chunk", data, stream_id: streamId });
    }
    for (const topic of topics) d.hub.publish({ ...base, topic, kind: "datastream-end", data: streamId });
    return sendJson(res, 200, {});
  }

  // Inngest reads at most 512 KB; a cut JSON body is no longer JSON and goes out as a string.
  const text = truncateUtf8(await readBody(req), LIMITS.publishBytes);
  const data = text === "" ? null : parseJsonLoose(text);
  for (const topic of topics) d.hub.publish({ ...base, topic, kind: "data", data });
  sendJson(res, 200, {});
}
