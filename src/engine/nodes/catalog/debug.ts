import { DebugConfigSchema } from "../configs";
import { DEFAULT_HANDLES, type NodeCatalogEntry } from "./node-catalog-entry";

export const DEBUG_NODE: NodeCatalogEntry<"debug"> = {
  type: "debug",
  title: "Debug",
  description: "Logs a value (by default every upstream output) and passes it on.",
  icon: "bug",
  configSchema: DebugConfigSchema,
  defaultConfig: {},
  inputs: DEFAULT_HANDLES,
  outputs: DEFAULT_HANDLES,
};
