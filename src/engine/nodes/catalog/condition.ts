import { CONDITION_HANDLES } from "../../graph/branch-handles";
import { ConditionConfigSchema } from "../configs";
import { DEFAULT_HANDLES, type NodeCatalogEntry } from "./node-catalog-entry";

export const CONDITION_NODE: NodeCatalogEntry<"condition"> = {
  type: "condition",
  title: "Condition",
  description: "Follows the true or false branch depending on an expression.",
  icon: "git-branch",
  configSchema: ConditionConfigSchema,
  defaultConfig: { expression: "true" },
  inputs: DEFAULT_HANDLES,
  outputs: CONDITION_HANDLES.map((id) => ({ id, label: id })),
};
