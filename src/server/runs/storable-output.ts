import { NodeExecutionError } from "@/engine";

/**
 * Largest node output stored inline. Inngest caps a step's result at 4 MB and a
 * run's state at 32 MB; keeping each node well under that leaves room for the
 * rest of the run. (Larger outputs stored out of line are a later addition.)
 */
export const MAX_NODE_OUTPUT_BYTES = 1024 * 1024;

/**
 * Makes a node's output safe to store and memoize: U+0000 (which Postgres
 * cannot hold in jsonb, and which fetched bodies can contain) becomes U+FFFD,
 * and an output over the size limit fails the node without a retry, since
 * running it again would produce the same output.
 */
export function storableOutput(output: unknown): unknown {
  const json = JSON.stringify(output ?? null);
  const size = Buffer.byteLength(json);
  if (size > MAX_NODE_OUTPUT_BYTES) {
    throw new NodeExecutionError(
      `The node's output is ${size} bytes; the limit is ${MAX_NODE_OUTPUT_BYTES} bytes. Return less data (a transform can pick fields).`,
      { code: "output_too_large", retriable: false },
    );
  }
  return json.includes("\\u0000") ? JSON.parse(json.replaceAll("\\u0000", "\\ufffd")) : output;
}
