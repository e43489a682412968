import { z } from "zod";
import { AgentConfigSchema } from "./agent/agent-config";
import { ApprovalConfigSchema } from "./approval-config";
import { expressionField, templateField } from "./config-fields";
import { parseDuration } from "./duration";
import { HttpConfigSchema } from "./http/http-config";
import { LlmConfigSchema, VisionConfigSchema } from "./llm/llm-config";
import type { NodeType } from "./node-types";
import { SqlConfigSchema } from "./sql/sql-config";
import { SubworkflowConfigSchema } from "./subworkflow-config";

export { HTTP_METHODS, HttpConfigSchema } from "./http/http-config";

/** text: renders a template into `{ text }`. */
/** text: an empty template renders nothing, which is never what the author meant. */
export const TextConfigSchema = z.object({
  template: templateField().refine((value) => value.length > 0, "Template is required"),
});

/** transform: the value of a JSONata expression over the scope. */
export const TransformConfigSchema = z.object({ expression: expressionField() });

/** condition: `{ result }` is the truthiness of the expression; outgoing edges use handles "true"/"false". */
export const ConditionConfigSchema = z.object({ expression: expressionField() });

/** delay: a durable sleep of "30s" | "5m" | "1h" | "2d" | milliseconds, at most 7 days. */
export const DelayConfigSchema = z.object({
  duration: z.union([z.string(), z.number()]).superRefine((value, ctx) => {
    const parsed = parseDuration(value);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.message });
  }),
});

export const DEBUG_LEVELS = ["debug", "info", "warn"] as const;

/** debug: logs a rendered value (default: all upstream outputs) and passes it on as `{ value }`. */
export const DebugConfigSchema = z.object({
  value: templateField().optional(),
  level: z.enum(DEBUG_LEVELS).default("info"),
});

/** The config schema of every node type; `satisfies` keeps this exhaustive. */
export const NODE_CONFIG_SCHEMAS = {
  text: TextConfigSchema,
  transform: TransformConfigSchema,
  condition: ConditionConfigSchema,
  delay: DelayConfigSchema,
  http: HttpConfigSchema,
  debug: DebugConfigSchema,
  approval: ApprovalConfigSchema,
  subworkflow: SubworkflowConfigSchema,
  llm: LlmConfigSchema,
  vision: VisionConfigSchema,
  sql: SqlConfigSchema,
  agent: AgentConfigSchema,
} as const satisfies Record<NodeType, z.ZodType>;

/** Parsed (defaults applied) config per node type. */
export type NodeConfigMap = { [T in NodeType]: z.output<(typeof NODE_CONFIG_SCHEMAS)[T]> };
/** Config per node type as stored or sent (defaults optional). */
export type NodeConfigInputMap = { [T in NodeType]: z.input<(typeof NODE_CONFIG_SCHEMAS)[T]> };
export type TextConfig = NodeConfigMap["text"];
export type TransformConfig = NodeConfigMap["transform"];
export type ConditionConfig = NodeConfigMap["condition"];
export type DelayConfig = NodeConfigMap["delay"];
export type HttpConfig = NodeConfigMap["http"];
export type DebugConfig = NodeConfigMap["debug"];
export type ApprovalConfig = NodeConfigMap["approval"];
export type SubworkflowConfig = NodeConfigMap["subworkflow"];
export type LlmConfig = NodeConfigMap["llm"];
export type VisionConfig = NodeConfigMap["vision"];
export type SqlConfig = NodeConfigMap["sql"];
export type AgentConfig = NodeConfigMap["agent"];
