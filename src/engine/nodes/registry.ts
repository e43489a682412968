import { agentNode } from "./agent/agent-node";
import { approvalNode } from "./approval-node";
import { conditionNode } from "./condition-node";
import { debugNode } from "./debug-node";
import { delayNode } from "./delay-node";
import { httpNode } from "./http/http-node";
import { llmNode } from "./llm/llm-node";
import { visionNode } from "./llm/vision-node";
import type { NodeDefinition, SideEffectClass } from "./node-definition";
import { isNodeType, type NodeType } from "./node-types";
import { sqlNode } from "./sql/sql-node";
import { subworkflowNode } from "./subworkflow-node";
import { textNode } from "./text-node";
import { transformNode } from "./transform-node";

/** Every node type's definition. The mapped type makes a missing or mismatched entry a compile error. */
export const nodeRegistry: { readonly [T in NodeType]: NodeDefinition<T> } = {
  text: textNode,
  transform: transformNode,
  condition: conditionNode,
  delay: delayNode,
  http: httpNode,
  debug: debugNode,
  approval: approvalNode,
  subworkflow: subworkflowNode,
  llm: llmNode,
  vision: visionNode,
  sql: sqlNode,
  agent: agentNode,
};

/** How a node's side effects must be treated; an unknown type is assumed to talk to the outside world. */
export function sideEffectOf(node: { type: string }): SideEffectClass {
  return isNodeType(node.type) ? nodeRegistry[node.type].sideEffect : "external";
}
