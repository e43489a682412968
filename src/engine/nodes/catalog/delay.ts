import { DelayConfigSchema } from "../configs";
import { DEFAULT_HANDLES, type NodeCatalogEntry } from "./node-catalog-entry";

export const DELAY_NODE: NodeCatalogEntry<"delay"> = {
  type: "delay",
  title: "Delay",
  description: "Waits durably for a duration (up to 7 days) before going on.",
  icon: "clock",
  configSchema: DelayConfigSchema,
  defaultConfig: { duration: "1m" },
  inputs: DEFAULT_HANDLES,
  outputs: DEFAULT_HANDLES,
};
