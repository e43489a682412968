import { TEXT_NODE } from "./catalog/text";
import type { NodeDefinition } from "./node-definition";
import { renderField } from "./shared";

/** text: renders its template against the scope → `{ text }`. */
export const textNode: NodeDefinition<"text"> = {
  ...TEXT_NODE,
  sideEffect: "none",
  execute: async (config, ctx) => ({ text: await renderField("template", config.template, ctx.scope) }),
};
