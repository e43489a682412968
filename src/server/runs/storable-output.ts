import { NodeExecutionError } from "@/engine";

/**
 * Largest node output at all. Outputs above OUTPUT_INLINE_LIMIT_BYTES are kept
 * out of line (see output-refs.ts), so this bounds the database row and the API
 * answer, not Inngest's state.
 */
export const MAX_NODE_OUTPUT_BYTES = 16 * 1024 * 1024;

/**
 * `\u0000` and a lone surrogate's `\udXXX` as JSON.stringify writes them (it escapes exactly
 * these; a paired surrogate is written as itself), and only where the backslash is not itself
 * escaped: `\\u0000` is the text "\u0000", which stays as it is.
 */
const UNSTORABLE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/g;

/**
 * Makes a node's output safe to store and memoize: U+0000 and unpaired surrogates
 * (which Postgres cannot hold in jsonb, and which fetched bodies and string slicing
 * can produce) become U+FFFD, and an output over the size limit fails the node
 * without a retry, since running it again would produce the same output. Returns
 * the output and its serialized size.
 */
export function storableOutput(output: unknown): { value: unknown; sizeBytes: number } {
  const json = JSON.stringify(output ?? null);
  const sizeBytes = Buffer.byteLength(json);
  if (sizeBytes > MAX_NODE_OUTPUT_BYTES) {
    throw new NodeExecutionError(
      `The node's output is ${sizeBytes} bytes; the limit is ${MAX_NODE_OUTPUT_BYTES} bytes. Return less data (a transform can pick fields).`,
      { code: "output_too_large", retriable: false },
    );
  }
  UNSTORABLE_ESCAPE.lastIndex = 0;
  const value = UNSTORABLE_ESCAPE.test(json)
    ? JSON.parse(json.replace(UNSTORABLE_ESCAPE, "$1\\ufffd"))
    : (output ?? null);
  return { value, sizeBytes };
}
