import { z } from "zod";
import { hasTemplateExpressions, parseTemplate } from "../../expressions/parse-template";
import { checkHttpUrl, templateField, templateFieldProblem } from "../config-fields";
import { LLM_PROVIDERS } from "./llm-client";

/** Credential names as `POST /api/credentials` accepts them. */
const CREDENTIAL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A JSON Schema for structured output. The root must describe an object (OpenAI's structured outputs
 * refuse anything else) and the schema must be one the engine can check answers against.
 */
export function jsonSchemaField() {
  return z.record(z.string(), z.unknown()).superRefine((schema, ctx) => {
    if (schema.type !== "object") {
      ctx.addIssue({ code: "custom", path: ["type"], message: 'The root schema must have "type": "object"' });
      return;
    }
    const problem = compileJsonSchema(schema).problem;
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
  });
}

/** A zod schema for a JSON Schema, or why it cannot be used. */
export function compileJsonSchema(schema: Record<string, unknown>): { schema?: z.ZodType; problem?: string } {
  try {
    return { schema: z.fromJSONSchema(schema) };
  } catch (thrown) {
    return {
      problem: `Unsupported JSON Schema: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
    };
  }
}

/** Which model answers, and with whose key: the same for llm, vision and agent nodes. */
export const modelChoiceFields = {
  provider: z.enum(LLM_PROVIDERS).default("openai"),
  model: templateField().min(1, "Model is required"),
  credential: z.string().regex(CREDENTIAL_NAME, "letters, digits, _ and - only (max 64)").optional(),
};

/** The fields llm and vision nodes share. `model` is a template so one workflow can serve several models. */
const modelCallFields = {
  ...modelChoiceFields,
  system: templateField().optional(),
  prompt: templateField().min(1, "Prompt is required"),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().min(1).max(1_000_000).optional(),
  jsonSchema: jsonSchemaField().optional(),
  timeoutMs: z.number().int().min(1).max(600_000).default(60_000),
};

/** llm: one model call; `{ text }` or, with `jsonSchema`, `{ object }`. */
export const LlmConfigSchema = z.object(modelCallFields);

/** vision: like llm, with one image (http(s) or data URL, templated) sent alongside the prompt. */
export const VisionConfigSchema = z.object({ ...modelCallFields, image: imageTemplateField() });

export type LlmConfig = z.output<typeof LlmConfigSchema>;
export type VisionConfig = z.output<typeof VisionConfigSchema>;

/** Null when `value` is an http(s) URL or a base64 image data URL, otherwise why not. */
export function checkImageUrl(value: string): string | null {
  if (value.startsWith("data:")) {
    return /^data:image\/[A-Za-z0-9.+-]+;base64,[A-Za-z0-9+/=\s]+$/.test(value)
      ? null
      : "A data URL must be data:image/<type>;base64,<data>";
  }
  return checkHttpUrl(value) === null ? null : "Image must be an http(s) URL or a data:image/… URL";
}

function imageTemplateField() {
  return z
    .string()
    .min(1, "Image is required")
    .max(256 * 1024)
    .superRefine((value, ctx) => {
      const problem = checkImageTemplate(value);
      if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
    });
}

/** A literal image is checked fully; a templated one as far as its literal prefix allows, and again when run. */
function checkImageTemplate(value: string): string | null {
  if (value === "") return null; // reported once, by min(1)
  if (!hasTemplateExpressions(value)) return checkImageUrl(value);
  const syntax = templateFieldProblem(value);
  if (syntax !== null) return syntax;
  const first = parseTemplate(value)[0];
  const scheme = first?.kind === "text" ? /^([a-z][a-z0-9+.-]*):/i.exec(first.value)?.[1] : undefined;
  if (scheme !== undefined && !["http", "https", "data"].includes(scheme.toLowerCase())) {
    return "Image must be an http(s) URL or a data:image/… URL";
  }
  return null;
}
