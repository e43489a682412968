import { TRANSFORM_NODE } from "./catalog/transform";
import type { NodeDefinition } from "./node-definition";
import { evaluateField } from "./shared";

/** transform: the value of a JSONata expression; nothing matched (`undefined`) becomes null. */
export const transformNode: NodeDefinition<"transform"> = {
  ...TRANSFORM_NODE,
  sideEffect: "none",
  execute: async (config, ctx) => (await evaluateField("expression", config.expression, ctx.scope)) ?? null,
};
