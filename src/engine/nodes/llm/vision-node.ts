import type { NodeDefinition } from "../node-definition";
import { NodeExecutionError } from "../node-execution-error";
import { renderField } from "../shared";
import { callModel } from "./call-model";
import { checkImageUrl, VisionConfigSchema } from "./llm-config";

/** vision: one image (an http(s) or data URL, templated) and a prompt → the same output as llm. */
export const visionNode: NodeDefinition<"vision"> = {
  type: "vision",
  title: "Vision",
  configSchema: VisionConfigSchema,
  defaultConfig: {
    provider: "openai",
    model: "gpt-4o-mini",
    prompt: "Describe this image.",
    image: "{{ input.imageUrl }}",
  },
  sideEffect: "external",
  execute: async (config, ctx) => {
    const image = (await renderField("image", config.image, ctx.scope)).trim();
    // Templates can produce anything; only a URL the providers accept may leave.
    const problem = checkImageUrl(image);
    if (problem !== null) {
      const shown = image.length > 100 ? `${image.slice(0, 100)}…` : image;
      throw new NodeExecutionError(`config.image: ${problem} after rendering: "${shown}"`, {
        code: "invalid_image",
        retriable: false,
      });
    }
    return callModel(config, ctx, [image]);
  },
};
