import { HTTP_NODE } from "../catalog/http";
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyFor } from "../idempotency-key";
import type { NodeDefinition } from "../node-definition";
import { isNodeExecutionError, NodeExecutionError } from "../node-execution-error";
import { buildRequest, truncate } from "./build-request";
import { parseRetryAfter, readBody } from "./read-response";

/** The output of an http node. `headers` has lower-case names. */
export type HttpOutput = { status: number; headers: Record<string, string>; body: unknown };

/**
 * http: one request through `deps.fetch`, bounded by `timeoutMs` (covering headers and body).
 * With `failOnHttpError` (default) a 4xx/5xx throws: 5xx, 408 and 429 are retriable (429/503 carry
 * `retryAfterMs` from Retry-After), other 4xx are not. With it off, every status is returned as output.
 * An `Idempotency-Key` derived from run and node is sent unless the config sets one.
 */
export const httpNode: NodeDefinition<"http"> = {
  ...HTTP_NODE,
  sideEffect: "external",
  execute: async (config, ctx): Promise<HttpOutput> => {
    const { url, init } = await buildRequest(config, ctx.scope);
    // Every attempt sends the same key, so a provider that honours it drops a retry's duplicate.
    if (!init.headers.has(IDEMPOTENCY_KEY_HEADER)) {
      init.headers.set(IDEMPOTENCY_KEY_HEADER, idempotencyKeyFor(ctx.runId, ctx.node.id));
    }
    const target = `${init.method} ${url.origin}${url.pathname}`;
    const signal = AbortSignal.timeout(config.timeoutMs);
    let output: HttpOutput;
    try {
      const response = await ctx.deps.fetch(url, { ...init, signal });
      output = {
        status: response.status,
        headers: Object.fromEntries(response.headers.entries()),
        body: await readBody(response),
      };
      if (config.failOnHttpError && response.status >= 400) {
        throw statusError(
          output,
          target,
          parseRetryAfter(response.headers.get("retry-after"), ctx.deps.now()),
        );
      }
    } catch (thrown) {
      throw classifyFailure(thrown, signal, config.timeoutMs, target);
    }
    return output;
  },
};

function statusError(
  output: HttpOutput,
  target: string,
  retryAfterMs: number | undefined,
): NodeExecutionError {
  const { status } = output;
  const retriable = status >= 500 || status === 408 || status === 429;
  const preview = typeof output.body === "string" ? truncate(output.body, 1000) : output.body;
  return new NodeExecutionError(`HTTP ${status} from ${target}`, {
    code: "http_status",
    retriable,
    details: { status, body: preview },
    ...(retriable && retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/** Timeouts and network failures are worth retrying; our own errors keep their classification. */
function classifyFailure(thrown: unknown, signal: AbortSignal, timeoutMs: number, target: string): unknown {
  if (isNodeExecutionError(thrown)) return thrown;
  if (signal.aborted) {
    return new NodeExecutionError(`Request timed out after ${timeoutMs} ms: ${target}`, {
      code: "timeout",
      retriable: true,
      cause: thrown,
    });
  }
  return new NodeExecutionError(`Request failed: ${target}: ${describe(thrown)}`, {
    code: "network_error",
    retriable: true,
    cause: thrown,
  });
}

/** undici hides the useful part ("ECONNREFUSED …") in `cause`. */
function describe(thrown: unknown): string {
  if (!(thrown instanceof Error)) return String(thrown);
  const cause = thrown.cause instanceof Error ? `: ${thrown.cause.message}` : "";
  return `${thrown.message}${cause}`;
}
