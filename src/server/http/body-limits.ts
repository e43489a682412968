/**
 * Limits every JSON body is held to before it is parsed, so hostile input costs O(size) and
 * answers 4xx before any work.
 */

/** The largest body any route takes; graphs with many nodes are the biggest legitimate bodies (~100 KB). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The deepest nesting of arrays and objects a body may have. A workflow graph nests about 10 deep
 * (graph → nodes → node → data → config → …), a run input or an input JSON Schema rarely past 20;
 * 64 leaves room for both while keeping every recursive walk after parsing (zod, our validators,
 * jsonb in PostgreSQL) far from a stack overflow, which 10,000 levels of `[` in 20 KB reach.
 */
export const MAX_JSON_DEPTH = 64;
