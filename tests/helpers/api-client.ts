import type { Stack } from "./stack";

export type ApiAnswer<T> = { status: number; body: T; headers: Headers };

/**
 * Calls /api/v1 the way a program does: `Authorization: Bearer <key>` (or any
 * raw Authorization value, or none), extra headers, and no redirect following,
 * so a 3xx would show up as itself.
 */
export async function callWithKey<T = unknown>(
  stack: Stack,
  authorization: string | null,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (authorization !== null) headers.authorization = authorization;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${stack.app.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    redirect: "manual",
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T, headers: response.headers };
}

export type CreatedKey = { id: string; secret: string; prefix: string; scopes: string[] };

/** Creates a key the way a person does, through the session route (the local admin in tests). */
export async function createKeyViaSession(
  stack: Stack,
  scopes: string[],
  extra: Record<string, unknown> = {},
): Promise<CreatedKey> {
  const created = await stack.api<CreatedKey>("POST", "/api/api-keys", {
    name: "test key",
    scopes,
    ...extra,
  });
  if (created.status !== 201)
    throw new Error(`key creation answered ${created.status}: ${JSON.stringify(created.body)}`);
  return created.body;
}
