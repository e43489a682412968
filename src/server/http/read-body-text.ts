import { AppError } from "@/lib/errors";

const tooLarge = (limit: number) => new AppError("payload_too_large", `Request body exceeds ${limit} bytes`);

/**
 * The body as UTF-8 text, counting bytes while they arrive: a body that lies about (or omits)
 * its Content-Length is cut off at the limit instead of being buffered whole.
 */
export async function readBodyText(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) throw tooLarge(limit);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    // Fatal: bytes that are not UTF-8 (a lone surrogate among them) are refused, not replaced.
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("invalid_json", "Request body is not valid UTF-8");
  }
}
