import { z } from "zod";
import { templateField } from "../config-fields";
import { HttpConfigSchema } from "../http/http-config";
import { jsonSchemaField, modelChoiceFields } from "../llm/llm-config";
import { SqlConfigSchema } from "../sql/sql-config";
import { SubworkflowConfigSchema } from "../subworkflow-config";

/** Tool names as OpenAI and Gemini both accept them. */
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** Reserved: with `jsonSchema`, the model hands in its final answer through this tool. */
export const FINAL_ANSWER_TOOL = "final_answer";
/** More tools than this crowd the model's context and are a config mistake more often than not. */
export const MAX_AGENT_TOOLS = 64;

/** What every tool tells the model: its name, what it does, and the JSON Schema of its arguments. */
const toolFields = {
  name: z.string().regex(TOOL_NAME, "Tool name: letters, digits, _ and - only (max 64)"),
  description: z.string().min(1, "Tool description is required").max(4_000),
  inputSchema: jsonSchemaField().default({ type: "object", properties: {} }),
  /** The run waits for a person to allow or deny each call of this tool. */
  requiresApproval: z.boolean().default(false),
};

/**
 * An inline HTTP request; its templates see the run scope plus `args` (the tool call's arguments),
 * e.g. `"url": "https://api.example.com/items/{{ args.id }}"`. Runs through the http node's executor.
 */
const HttpToolSchema = z.object({ kind: z.literal("http"), ...toolFields, request: HttpConfigSchema });

/** An inline SQL statement (params are templates over the scope plus `args`), with the sql node's guards. */
const SqlToolSchema = z.object({ kind: z.literal("sql"), ...toolFields, query: SqlConfigSchema });

/**
 * Tools of a remote MCP server over Streamable HTTP. `tools` names which of the server's tools the
 * agent may call (its list is read at run start; name, description and schema come from the server).
 * `credential` names a workspace credential whose secret is sent as a bearer token.
 */
const McpToolSchema = z.object({
  kind: z.literal("mcp"),
  url: z
    .string()
    .url()
    .max(2_048)
    .refine((value) => /^https?:\/\//i.test(value), "MCP server URL must use http: or https:"),
  credential: modelChoiceFields.credential,
  tools: z.array(z.string().regex(TOOL_NAME, "Tool name: letters, digits, _ and - only")).min(1).max(64),
  requiresApproval: z.boolean().default(false),
});

/**
 * Another workflow of the workspace, run as a child run with the call's arguments as its input:
 * `version` pins one, else the version current when the agent's run started. Its output (or why it
 * failed) is the tool's result.
 */
const WorkflowToolSchema = z.object({
  kind: z.literal("workflow"),
  ...toolFields,
  workflowId: SubworkflowConfigSchema.shape.workflowId,
  version: SubworkflowConfigSchema.shape.version,
});

export const AgentToolSchema = z.discriminatedUnion("kind", [
  HttpToolSchema,
  SqlToolSchema,
  McpToolSchema,
  WorkflowToolSchema,
]);
export type AgentToolConfig = z.output<typeof AgentToolSchema>;

export const AGENT_LIMIT_NAMES = [
  "maxTurns",
  "maxToolCalls",
  "maxTokens",
  "maxCostUsd",
  "timeoutMs",
] as const;
export type AgentLimitName = (typeof AGENT_LIMIT_NAMES)[number];

/** Bounds of one agent node's loop. Tokens and cost are totals over every model turn. */
const LimitsSchema = z.object({
  maxTurns: z.number().int().min(1).max(100).default(10),
  maxToolCalls: z.number().int().min(0).max(500).default(50),
  maxTokens: z.number().int().min(1).max(100_000_000).optional(),
  maxCostUsd: z.number().positive().max(10_000).optional(),
  /** Wall clock from the agent's start; waits for approvals count. At most 7 days. */
  timeoutMs: z
    .number()
    .int()
    .min(1_000)
    .max(7 * 24 * 3_600_000)
    .default(15 * 60_000),
});

/**
 * agent: a model that calls tools in a loop — model turn → tool calls → results → next turn — until it
 * answers, or a limit ends it (`onLimit`: fail naming the limit, or finish with what it has).
 */
export const AgentConfigSchema = z
  .object({
    ...modelChoiceFields,
    system: templateField().optional(),
    task: templateField().min(1, "Task is required"),
    temperature: z.number().min(0).max(2).optional(),
    tools: z.array(AgentToolSchema).max(MAX_AGENT_TOOLS).default([]),
    limits: LimitsSchema.default({
      maxTurns: 10,
      maxToolCalls: 50,
      timeoutMs: 15 * 60_000,
    }),
    onLimit: z.enum(["fail", "finish"]).default("fail"),
    /** A structured final answer: the model hands it in through the `final_answer` tool. */
    jsonSchema: jsonSchemaField().optional(),
    /** One model turn's timeout. */
    turnTimeoutMs: z.number().int().min(1).max(600_000).default(120_000),
  })
  .superRefine((config, ctx) => {
    // The model tells tools apart by name only; two with one name would be a coin toss.
    const seen = new Set<string>();
    config.tools.forEach((tool, index) => {
      const names = tool.kind === "mcp" ? tool.tools : [tool.name];
      for (const name of names) {
        const problem =
          name === FINAL_ANSWER_TOOL
            ? `"${FINAL_ANSWER_TOOL}" is reserved for the structured final answer`
            : seen.has(name)
              ? `Two tools are named "${name}"`
              : undefined;
        if (problem !== undefined) ctx.addIssue({ code: "custom", path: ["tools", index], message: problem });
        seen.add(name);
      }
    });
  });

export type AgentConfig = z.output<typeof AgentConfigSchema>;
