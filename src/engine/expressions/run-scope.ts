/**
 * What expressions and templates can see: the run input and the outputs of completed upstream nodes,
 * by node id (`nodes.fetch.body`; ids with "-" need backticks: nodes.`my-node`).
 */
export type RunScope = { input: unknown; nodes: Record<string, unknown> };
