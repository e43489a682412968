import { VisionConfigSchema } from "../llm/llm-config";
import { DEFAULT_HANDLES, type NodeCatalogEntry } from "./node-catalog-entry";

export const VISION_NODE: NodeCatalogEntry<"vision"> = {
  type: "vision",
  title: "Vision",
  description: "Sends one image and a prompt to a vision model.",
  icon: "image",
  configSchema: VisionConfigSchema,
  defaultConfig: {
    provider: "openai",
    model: "gpt-4o-mini",
    prompt: "Describe this image.",
    image: "{{ input.imageUrl }}",
  },
  inputs: DEFAULT_HANDLES,
  outputs: DEFAULT_HANDLES,
};
