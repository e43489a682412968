import { TransformConfigSchema } from "../configs";
import { DEFAULT_HANDLES, type NodeCatalogEntry } from "./node-catalog-entry";

export const TRANSFORM_NODE: NodeCatalogEntry<"transform"> = {
  type: "transform",
  title: "Transform",
  description: "Computes a value with a JSONata expression over the run input and upstream outputs.",
  icon: "braces",
  configSchema: TransformConfigSchema,
  defaultConfig: { expression: "input" },
  inputs: DEFAULT_HANDLES,
  outputs: DEFAULT_HANDLES,
};
