import { NodeExecutionError } from "@/engine";

/**
 * Largest node output at all. Outputs above OUTPUT_INLINE_LIMIT_BYTES are kept
 * out of line (see output-refs.ts), so this bounds the database row and the API
 * answer, not Inngest's state.
 */
export const MAX_NODE_OUTPUT_BYTES = 16 * 1024 * 1024;

/**
 * Makes a node's output safe to store and memoize: U+0000 (which Postgres
 * cannot hold in jsonb, and which fetched bodies can contain) becomes U+FFFD,
 * and an output over the size limit fails the node without a retry, since
 * running it again would produce the same output. Returns the output and its
 * serialized size.
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
  const value = json.includes("\\u0000")
    ? JSON.parse(json.replaceAll("\\u0000", "\\ufffd"))
    : (output ?? null);
  return { value, sizeBytes };
}
