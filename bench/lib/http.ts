import { Agent, request } from "undici";

/**
 * The benchmarks' HTTP client: undici with kept-alive connections (enough for
 * 50 concurrent requests), lighter per request than `fetch`, so the client
 * process costs the machine as little as it can.
 */
const agent = new Agent({ connections: 64, keepAliveTimeout: 30_000, pipelining: 1 });

export type HttpResult<T> = { status: number; body: T; text: string };

export async function httpJson<T = unknown>(
  method: "GET" | "POST" | "PUT" | "DELETE",
  url: string,
  options: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await request(url, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    dispatcher: agent,
    headersTimeout: options.timeoutMs ?? 60_000,
    bodyTimeout: options.timeoutMs ?? 60_000,
  });
  const text = await response.body.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  return { status: response.statusCode, body: body as T, text };
}

export async function closeHttp(): Promise<void> {
  await agent.close();
}
