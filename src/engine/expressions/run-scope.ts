/**
 * What expressions and templates can see: the run input, the outputs of completed upstream nodes,
 * by node id (`nodes.fetch.body`; ids with "-" need backticks: nodes.`my-node`), and, when a node
 * executes, facts about the app itself (`app.url`: its public origin, e.g. for a workflow that
 * calls the app's own API).
 */
export type RunScope = { input: unknown; nodes: Record<string, unknown>; app?: { url: string } };
