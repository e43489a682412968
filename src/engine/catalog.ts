/**
 * The browser's entry into the engine: the node catalog and the graph schemas, without executors,
 * JSONata or any server module (a test walks this file's imports). Pages and client components import
 * this, never `@/engine`, whose index also exports the executors and the evaluator.
 */

export { BRANCH_HANDLES, CONDITION_HANDLES } from "./graph/branch-handles";
export { type NodeSettings, NodeSettingsSchema } from "./graph/node-settings";
export {
  GRAPH_LIMITS,
  NODE_ID_PATTERN,
  NodeIdSchema,
  type WorkflowEdge,
  WorkflowEdgeSchema,
  type WorkflowGraph,
  type WorkflowGraphInput,
  WorkflowGraphSchema,
  type WorkflowNode,
  type WorkflowNodeOf,
  WorkflowNodeSchema,
} from "./graph/schema";
export { APPROVAL_DECISIONS, type ApprovalDecision } from "./nodes/approval-config";
export { DEFAULT_HANDLES, NODE_CATALOG, type NodeCatalogEntry, type NodeHandle } from "./nodes/catalog";
export {
  DEBUG_LEVELS,
  HTTP_METHODS,
  NODE_CONFIG_SCHEMAS,
  type NodeConfigInputMap,
  type NodeConfigMap,
} from "./nodes/configs";
export { MAX_DELAY_MS, parseDuration } from "./nodes/duration";
export { LLM_PROVIDERS, type LlmProvider } from "./nodes/llm/llm-client";
export { isNodeType, NODE_TYPES, type NodeType } from "./nodes/node-types";
