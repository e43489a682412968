import { TextConfigSchema } from "./configs";
import type { NodeDefinition } from "./node-definition";
import { renderField } from "./shared";

/** text: renders its template against the scope → `{ text }`. */
export const textNode: NodeDefinition<"text"> = {
  type: "text",
  title: "Text",
  configSchema: TextConfigSchema,
  defaultConfig: { template: "" },
  sideEffect: "none",
  execute: async (config, ctx) => ({ text: await renderField("template", config.template, ctx.scope) }),
};
