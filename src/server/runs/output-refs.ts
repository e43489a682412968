import { and, eq, inArray } from "drizzle-orm";
import { newId } from "@/lib/ids";
import type { DatabaseOrTransaction } from "../db/client";
import { stepOutputs } from "../db/schema";

/**
 * Outputs above this size are stored out of line: the step row, the run events
 * and Inngest's memoized state carry `{ $ref: "out_…", sizeBytes }` instead.
 * Inngest allows 4 MB per step result and 32 MB per run, so inline outputs
 * stay far from both; downstream nodes and the API resolve references
 * transparently.
 */
export const OUTPUT_INLINE_LIMIT_BYTES = 256 * 1024;

export type OutputRef = { $ref: string; sizeBytes: number };

export function isOutputRef(value: unknown): value is OutputRef {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { $ref?: unknown }).$ref === "string" &&
    (value as { $ref: string }).$ref.startsWith("out_") &&
    Object.keys(value).length === 2
  );
}

/**
 * Outputs this small stay inline even once a run's inline budget is spent: a reference
 * (`{"$ref":"out_…","sizeBytes":…}`) is about as large, so storing them would save nothing.
 */
export const OUTPUT_ALWAYS_INLINE_BYTES = 128;

/**
 * Keeps a small output as it is; stores a large one and returns its reference. `inlineAllowed`
 * is the run's inline budget speaking (see inline-state-budget.ts): once it says no, every output
 * but the tiniest goes out of line.
 */
export async function storeOutput(
  db: DatabaseOrTransaction,
  owner: { runId: string; workspaceId: string; nodeId: string },
  output: { value: unknown; sizeBytes: number },
  inlineAllowed: (sizeBytes: number) => boolean = () => true,
): Promise<unknown> {
  if (output.sizeBytes <= OUTPUT_ALWAYS_INLINE_BYTES) return output.value;
  if (output.sizeBytes <= OUTPUT_INLINE_LIMIT_BYTES && inlineAllowed(output.sizeBytes)) return output.value;
  const id = newId("stepOutput");
  await db.insert(stepOutputs).values({ id, ...owner, data: output.value, sizeBytes: output.sizeBytes });
  return { $ref: id, sizeBytes: output.sizeBytes } satisfies OutputRef;
}

/**
 * Replaces references among `values` (top-level only: outputs are stored whole)
 * with the data they point at, loading all of them in one query. Only the
 * caller's workspace's outputs resolve.
 */
export async function resolveOutputRefs<T>(
  db: DatabaseOrTransaction,
  workspaceId: string,
  values: Record<string, T>,
): Promise<Record<string, T | unknown>> {
  const ids = Object.values(values).flatMap((value) => (isOutputRef(value) ? [value.$ref] : []));
  if (ids.length === 0) return values;
  const rows = await db
    .select({ id: stepOutputs.id, data: stepOutputs.data })
    .from(stepOutputs)
    .where(and(eq(stepOutputs.workspaceId, workspaceId), inArray(stepOutputs.id, ids)));
  const byId = new Map(rows.map((row) => [row.id, row.data]));
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [
      key,
      isOutputRef(value) ? (byId.get(value.$ref) ?? null) : value,
    ]),
  );
}
