import { NodeExecutionError } from "../node-execution-error";

/** Responses above this are refused: outputs are persisted and replayed with every later step. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * Reads the body up to {@link MAX_RESPONSE_BYTES}. JSON content types are parsed (falling back to
 * text when the server lied); an empty body is "" (or null for JSON).
 */
export async function readBody(response: Response): Promise<unknown> {
  const text = await readText(response);
  if (!isJsonContentType(response.headers.get("content-type"))) return text;
  if (text.trim() === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function readText(response: Response): Promise<string> {
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new NodeExecutionError(`Response body is larger than ${MAX_RESPONSE_BYTES} bytes`, {
        code: "response_too_large",
        retriable: false,
        details: { status: response.status },
      });
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

function isJsonContentType(contentType: string | null): boolean {
  if (contentType === null) return false;
  const mediaType = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return mediaType === "application/json" || mediaType.endsWith("+json");
}

/**
 * Parses a Retry-After header: delay-seconds or an HTTP date (relative to `now`). Returns milliseconds,
 * never negative, or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}
