import type { NodeType } from "../node-types";
import { AGENT_NODE } from "./agent";
import { APPROVAL_NODE } from "./approval";
import { CONDITION_NODE } from "./condition";
import { DEBUG_NODE } from "./debug";
import { DELAY_NODE } from "./delay";
import { HTTP_NODE } from "./http";
import { LLM_NODE } from "./llm";
import type { NodeCatalogEntry } from "./node-catalog-entry";
import { SQL_NODE } from "./sql";
import { SUBWORKFLOW_NODE } from "./subworkflow";
import { TEXT_NODE } from "./text";
import { TRANSFORM_NODE } from "./transform";
import { VISION_NODE } from "./vision";

/**
 * What the editor shows for every node type. The mapped type makes a missing node type a compile
 * error; the executor registry spreads these entries, so palette, validation and execution agree.
 */
export const NODE_CATALOG: { readonly [T in NodeType]: NodeCatalogEntry<T> } = {
  text: TEXT_NODE,
  transform: TRANSFORM_NODE,
  condition: CONDITION_NODE,
  delay: DELAY_NODE,
  http: HTTP_NODE,
  debug: DEBUG_NODE,
  approval: APPROVAL_NODE,
  subworkflow: SUBWORKFLOW_NODE,
  llm: LLM_NODE,
  vision: VISION_NODE,
  sql: SQL_NODE,
  agent: AGENT_NODE,
};

export { DEFAULT_HANDLES, type NodeCatalogEntry, type NodeHandle } from "./node-catalog-entry";
