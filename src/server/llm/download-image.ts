import type { Experimental_DownloadFunction } from "ai";
import { NodeExecutionError } from "@/engine";

/** Larger images are refused: providers cap inline images around 20 MB anyway. */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

/**
 * Fetches image URLs the model cannot take by reference, through the fetch workflow nodes get (so the
 * egress guard applies to user-supplied image URLs too) and within the node's time budget. URLs the
 * model reads itself are left alone.
 */
export function imageDownloader(fetchImpl: typeof fetch, signal: AbortSignal): Experimental_DownloadFunction {
  return (requests) =>
    Promise.all(
      requests.map(({ url, isUrlSupportedByModel }) =>
        isUrlSupportedByModel ? null : downloadImage(fetchImpl, url, signal),
      ),
    );
}

async function downloadImage(fetchImpl: typeof fetch, url: URL, signal: AbortSignal) {
  const where = `${url.origin}${url.pathname}`;
  const response = await fetchImpl(url, { signal });
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    const status = response.status;
    throw new NodeExecutionError(`config.image: downloading ${where} answered ${status}`, {
      code: "image_download_failed",
      retriable: status === 408 || status === 429 || status >= 500,
      details: { status },
    });
  }
  return {
    data: await readCapped(response, where),
    mediaType: response.headers.get("content-type") ?? undefined,
  };
}

async function readCapped(response: Response, where: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  if (reader === undefined) return new Uint8Array();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_IMAGE_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new NodeExecutionError(`config.image: ${where} is larger than ${MAX_IMAGE_BYTES} bytes`, {
        code: "image_too_large",
        retriable: false,
      });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
