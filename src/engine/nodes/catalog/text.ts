import { TextConfigSchema } from "../configs";
import { DEFAULT_HANDLES, type NodeCatalogEntry } from "./node-catalog-entry";

export const TEXT_NODE: NodeCatalogEntry<"text"> = {
  type: "text",
  title: "Text",
  description: "Renders a template over the run input and upstream outputs into `{ text }`.",
  icon: "text",
  configSchema: TextConfigSchema,
  defaultConfig: { template: "Hello {{ input.name }}" },
  inputs: DEFAULT_HANDLES,
  outputs: DEFAULT_HANDLES,
};
