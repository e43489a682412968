import { TransformConfigSchema } from "./configs";
import type { NodeDefinition } from "./node-definition";
import { evaluateField } from "./shared";

/** transform: the value of a JSONata expression; nothing matched (`undefined`) becomes null. */
export const transformNode: NodeDefinition<"transform"> = {
  type: "transform",
  title: "Transform",
  configSchema: TransformConfigSchema,
  defaultConfig: { expression: "input" },
  sideEffect: "none",
  execute: async (config, ctx) => (await evaluateField("expression", config.expression, ctx.scope)) ?? null,
};
