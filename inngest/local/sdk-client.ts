import { parseRetryAfter } from "./duration";
import { parseJsonLoose } from "./http-util";
import { signRequest } from "./signing";
import type { OutgoingOp, SerializedError } from "./types";

/**
 * One call to the app's serve endpoint and the decoding of its answer:
 * 200 = function finished, 206 = ops, 500 = retriable error, 400 (or
 * `x-inngest-no-retry: true`) = final error. A 201 is a streamed answer whose
 * body ends with the real `{ status, headers, body }`.
 */

export type SdkAnswer =
  | { kind: "complete"; data: unknown; version?: number }
  | { kind: "ops"; ops: OutgoingOp[]; retryAfterMs?: number; version?: number }
  | {
      kind: "error";
      error: SerializedError;
      retriable: boolean;
      retryAfterMs?: number;
      /** The SDK does not know this function: the app needs a re-sync. */
      unknownFunction: boolean;
      version?: number;
    };

export type SdkCall = {
  url: string;
  stepId: string;
  body: unknown;
  /** `body` already serialised (the caller measured it). */
  text: string;
  signingKey?: string;
  now: number;
};

export async function callSdk({
  url,
  stepId,
  body,
  text: payload,
  signingKey,
  now,
}: SdkCall): Promise<SdkAnswer> {
  const target = new URL(url);
  target.searchParams.set("stepId", stepId);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-inngest-server-kind": "dev",
    "user-agent": "inngest-local",
  };
  // The SDK ignores signatures in dev mode and requires one in cloud mode.
  headers["x-inngest-signature"] = signingKey ? signRequest(body, signingKey) : "";

  let res: Response;
  let text: string;
  try {
    res = await fetch(target, { method: "POST", headers, body: payload });
    text = await res.text();
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
    return {
      kind: "error",
      retriable: true,
      unknownFunction: false,
      error: { name: "Error", message: `Could not reach the app at ${target.origin}: ${cause}` },
    };
  }

  let status = res.status;
  let header = (name: string): string | null => res.headers.get(name);
  if (status === 201) {
    const inner = parseStreamed(text);
    if (inner) {
      status = inner.status;
      text = inner.body;
      header = (name) => inner.headers[name] ?? inner.headers[name.toLowerCase()] ?? null;
    }
  }

  const versionHeader = Number(header("x-inngest-req-version"));
  const version = Number.isFinite(versionHeader) && versionHeader > 0 ? versionHeader : undefined;
  const retryAfterMs = parseRetryAfter(header("retry-after"), now);
  const noRetry = header("x-inngest-no-retry") === "true";
  const parsed = parseJsonLoose(text);

  if (status === 200) return { kind: "complete", data: text === "" ? null : parsed, version };
  if (status === 206) {
    const ops = Array.isArray(parsed) ? parsed : [parsed];
    return { kind: "ops", ops: ops.filter(isOp), retryAfterMs, version };
  }

  const error = toSerializedError(parsed, status);
  return {
    kind: "error",
    error,
    retriable: !noRetry && status !== 400,
    retryAfterMs,
    unknownFunction: /was not found in this app|Could not find function/.test(error.message),
    version,
  };
}

function parseStreamed(
  text: string,
): { status: number; body: string; headers: Record<string, string> } | undefined {
  const parsed = parseJsonLoose(text.trim());
  if (!parsed || typeof parsed !== "object") return undefined;
  const { status, body, headers } = parsed as Record<string, unknown>;
  if (typeof status !== "number") return undefined;
  return {
    status,
    body: typeof body === "string" ? body : JSON.stringify(body ?? null),
    headers: headers && typeof headers === "object" ? (headers as Record<string, string>) : {},
  };
}

function isOp(value: unknown): value is OutgoingOp {
  return (
    !!value &&
    typeof value === "object" &&
    typeof (value as OutgoingOp).id === "string" &&
    typeof (value as OutgoingOp).op === "string"
  );
}

/** Normalise whatever an error answer carried into `{ name, message, … }`. */
export function toSerializedError(value: unknown, status?: number): SerializedError {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const message =
      typeof record.message === "string"
        ? record.message
        : typeof record.error === "string"
          ? record.error
          : JSON.stringify(value);
    return { ...record, name: typeof record.name === "string" ? record.name : "Error", message };
  }
  const text = typeof value === "string" && value ? value : `HTTP ${status ?? "error"}`;
  return { name: "Error", message: text };
}
