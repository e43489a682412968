import { DEBUG_NODE } from "./catalog/debug";
import type { NodeDefinition } from "./node-definition";
import { renderField } from "./shared";

/**
 * debug: logs a value through `deps.log` and passes it on as `{ value }`. Without a `value` template it
 * dumps every upstream output (`scope.nodes`), which is what one usually wants while building a flow.
 */
export const debugNode: NodeDefinition<"debug"> = {
  ...DEBUG_NODE,
  sideEffect: "none",
  execute: async (config, ctx) => {
    const value =
      config.value === undefined ? ctx.scope.nodes : await renderField("value", config.value, ctx.scope);
    const name = ctx.node.data.label ?? ctx.node.id;
    ctx.deps.log({ level: config.level, message: `debug: ${name}`, data: { nodeId: ctx.node.id, value } });
    return { value };
  },
};
