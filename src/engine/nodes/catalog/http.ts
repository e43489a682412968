import { HttpConfigSchema } from "../configs";
import { DEFAULT_HANDLES, type NodeCatalogEntry } from "./node-catalog-entry";

export const HTTP_NODE: NodeCatalogEntry<"http"> = {
  type: "http",
  title: "HTTP request",
  description: "Sends one HTTP request; url, headers and body are templates.",
  icon: "globe",
  configSchema: HttpConfigSchema,
  defaultConfig: { method: "GET", url: "https://example.com" },
  inputs: DEFAULT_HANDLES,
  outputs: DEFAULT_HANDLES,
};
