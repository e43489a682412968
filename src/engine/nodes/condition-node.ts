import { isTruthy } from "../expressions/truthiness";
import { CONDITION_NODE } from "./catalog/condition";
import type { NodeDefinition } from "./node-definition";
import { evaluateField } from "./shared";

/** The output of a condition node; the planner follows the edge whose sourceHandle is `String(result)`. */
export type ConditionOutput = { result: boolean };

/** condition: `{ result }` is the JSONata truthiness (`$boolean`) of the expression. */
export const conditionNode: NodeDefinition<"condition"> = {
  ...CONDITION_NODE,
  sideEffect: "none",
  execute: async (config, ctx): Promise<ConditionOutput> => ({
    result: isTruthy(await evaluateField("expression", config.expression, ctx.scope)),
  }),
};
