/**
 * Stepwise's pure workflow engine: graph schema and validation, the planner, JSONata templates and
 * expressions, the node registry with its executors, and the orchestration loop over an abstract
 * step runner. No framework, database or environment access; side effects come in as parameters.
 */

export {
  checkExpressionSyntax,
  type EvaluateOptions,
  EXPRESSION_LIMITS,
  evaluateExpression,
} from "./expressions/evaluate-expression";
export { ExpressionError } from "./expressions/expression-error";
export { LinearRegExp } from "./expressions/linear-regex";
export { hasTemplateExpressions, parseTemplate, type TemplateSegment } from "./expressions/parse-template";
export { checkTemplateSyntax, renderTemplate } from "./expressions/render-template";
export type { RunScope } from "./expressions/run-scope";
export { isTruthy } from "./expressions/truthiness";
export { BRANCH_HANDLES, takenHandle } from "./graph/branch-handles";
export { CONDITION_HANDLES } from "./graph/check-edges";
export { type GraphIndex, indexGraph } from "./graph/graph-index";
export { formatPath, type GraphIssue, type GraphIssueCode } from "./graph/graph-issue";
export { type NodeSettings, NodeSettingsSchema, retryDelayMs } from "./graph/node-settings";
export {
  GRAPH_LIMITS,
  NODE_ID_PATTERN,
  NODE_TYPES,
  type NodeType,
  type WorkflowEdge,
  WorkflowEdgeSchema,
  type WorkflowGraph,
  type WorkflowGraphInput,
  WorkflowGraphSchema,
  type WorkflowNode,
  type WorkflowNodeOf,
  WorkflowNodeSchema,
} from "./graph/schema";
export { subgraph } from "./graph/subgraph";
export { type ValidateGraphOptions, type ValidateGraphResult, validateGraph } from "./graph/validate-graph";
export {
  AGENT_LIMIT_NAMES,
  type AgentConfig,
  AgentConfigSchema,
  type AgentLimitName,
  type AgentToolConfig,
  FINAL_ANSWER_TOOL,
} from "./nodes/agent/agent-config";
export type {
  AgentEffects,
  AgentOutcome,
  AgentOutput,
  AgentSetup,
  AgentToolDescriptor,
  AgentToolInvocation,
  AgentTurnRecord,
} from "./nodes/agent/agent-effects";
export type {
  AgentMessage,
  AgentModel,
  AgentModelCall,
  AgentToolCall,
  AgentToolResult,
  AgentToolSpec,
  AgentTurnHooks,
  AgentTurnRequest,
  AgentTurnResult,
} from "./nodes/agent/agent-model";
export {
  agentApprovalRequestIdFor,
  agentApprovalWaitIdFor,
  agentStartIdFor,
  agentToolIdFor,
  agentTurnIdFor,
} from "./nodes/agent/agent-steps";
export {
  APPROVAL_DECISIONS,
  type ApprovalDecision,
  type ApprovalOutput,
  approvalTimeoutMsOf,
  MAX_APPROVAL_TIMEOUT_MS,
} from "./nodes/approval-config";
export { DEFAULT_HANDLES, NODE_CATALOG, type NodeCatalogEntry, type NodeHandle } from "./nodes/catalog";
export type { ConditionOutput } from "./nodes/condition-node";
export {
  type ApprovalConfig,
  type ConditionConfig,
  DEBUG_LEVELS,
  type DebugConfig,
  type DelayConfig,
  HTTP_METHODS,
  type HttpConfig,
  type LlmConfig,
  NODE_CONFIG_SCHEMAS,
  type NodeConfigInputMap,
  type NodeConfigMap,
  type SubworkflowConfig,
  type TextConfig,
  type TransformConfig,
  type VisionConfig,
} from "./nodes/configs";
export { delayMsOf } from "./nodes/delay-node";
export { MAX_DELAY_MS, parseDuration } from "./nodes/duration";
export { executeNode } from "./nodes/execute-node";
export type { HttpOutput } from "./nodes/http/http-node";
export { MAX_RESPONSE_BYTES, parseRetryAfter } from "./nodes/http/read-response";
export { IDEMPOTENCY_KEY_HEADER, idempotencyKeyFor } from "./nodes/idempotency-key";
export type { LlmOutput } from "./nodes/llm/call-model";
export {
  LLM_PROVIDERS,
  type LlmClient,
  type LlmContentPart,
  type LlmJsonSchema,
  type LlmMessage,
  type LlmProvider,
  type LlmRequest,
  type LlmResult,
  type LlmUsage,
} from "./nodes/llm/llm-client";
export { checkImageUrl } from "./nodes/llm/llm-config";
export { estimateCostUsd } from "./nodes/llm/pricing";
export type {
  NodeContext,
  NodeDefinition,
  NodeDeps,
  NodeUsage,
  SideEffectClass,
} from "./nodes/node-definition";
export { isNodeExecutionError, NodeExecutionError } from "./nodes/node-execution-error";
export { isNodeType } from "./nodes/node-types";
export { nodeRegistry, sideEffectOf } from "./nodes/registry";
export type {
  SqlClient,
  SqlField,
  SqlParam,
  SqlPlanEntry,
  SqlRequest,
  SqlResult,
  SqlScalar,
  SqlStatementClass,
} from "./nodes/sql/sql-client";
export { MAX_SQL_PARAMS, MAX_SQL_ROWS } from "./nodes/sql/sql-config";
export { MAX_SUBWORKFLOW_DEPTH } from "./nodes/subworkflow-config";
export { subworkflowInputOf } from "./nodes/subworkflow-node";
export { type Plan, type PlanState, planNext } from "./run/plan-next";
export { countRunSteps, MAX_RUN_STEPS, STEPS_PER_NODE, stepsOfNode } from "./run/run-steps";
export {
  type ApprovalTicket,
  approvalRequestIdFor,
  approvalWaitIdFor,
  delayStartIdFor,
  type InvokeResult,
  type NodeEffects,
  subrunIdFor,
  subrunStartIdFor,
} from "./run/run-wait-nodes";
export { type FailedNode, type RunOutcome, type RunWorkflowArgs, runWorkflow } from "./run/run-workflow";
export {
  type ChildRunRef,
  type EventWait,
  type ReceivedEvent,
  type StepRunner,
  sleepIdFor,
  stepIdFor,
} from "./run/step-runner";
