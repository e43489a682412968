import { VISION_NODE } from "../catalog/vision";
import type { NodeDefinition } from "../node-definition";
import { NodeExecutionError } from "../node-execution-error";
import { renderField } from "../shared";
import { callModel } from "./call-model";
import { checkImageUrl } from "./llm-config";

/** vision: one image (an http(s) or data URL, templated) and a prompt → the same output as llm. */
export const visionNode: NodeDefinition<"vision"> = {
  ...VISION_NODE,
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
