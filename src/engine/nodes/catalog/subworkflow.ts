import { SubworkflowConfigSchema } from "../subworkflow-config";
import { DEFAULT_HANDLES, type NodeCatalogEntry } from "./node-catalog-entry";

export const SUBWORKFLOW_NODE: NodeCatalogEntry<"subworkflow"> = {
  type: "subworkflow",
  title: "Sub-workflow",
  description: "Runs another workflow of this workspace as a child run and outputs its output.",
  icon: "workflow",
  configSchema: SubworkflowConfigSchema,
  defaultConfig: { workflowId: "wf_example" },
  inputs: DEFAULT_HANDLES,
  outputs: DEFAULT_HANDLES,
};
