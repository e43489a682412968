import { isNodeType, NODE_CATALOG, NodeSettingsSchema } from "@/engine/catalog";
import { liveIssues, type NodeIssue } from "./issue-routing";
import { describeFields, type FieldDescriptor, fieldsFromValue, inputJsonSchemaOf } from "./schema-fields";

/** Labels that stay unambiguous next to config fields of the same name (http's own timeoutMs). */
const SETTINGS_LABELS: Record<string, string> = {
  retries: "Retries",
  backoffMs: "Retry backoff (ms)",
  timeoutMs: "Attempt timeout (ms)",
  continueOnError: "Continue on error",
};

const SETTINGS_HELP: Record<string, string> = {
  retries: "Retries after the first attempt (0 = never). Empty: the run's default.",
  backoffMs: "Delay before the first retry; doubles on each further retry.",
  timeoutMs: "Upper bound for one attempt.",
  continueOnError: "When the node fails for good, the run goes on and ends partial.",
};

/** The settings form, from the same schema the server checks `data.settings` with. */
export const SETTINGS_FIELDS: readonly FieldDescriptor[] = describeFields(NodeSettingsSchema).map(
  (field) => ({
    ...field,
    label: SETTINGS_LABELS[field.name] ?? field.label,
    description: field.description ?? SETTINGS_HELP[field.name],
  }),
);

export type NodeForm = {
  fields: FieldDescriptor[];
  /** True when the fields were guessed from the config because the schema gave none. */
  fallback: boolean;
};

/** The config form of a node type; an unknown type or an unconvertible schema shows the config's own keys. */
export function nodeFormOf(type: string, config: Record<string, unknown>): NodeForm {
  if (!isNodeType(type)) return { fields: fieldsFromValue(config), fallback: true };
  const schema = NODE_CATALOG[type].configSchema;
  const fallback = inputJsonSchemaOf(schema) === null;
  return { fields: describeFields(schema, config), fallback };
}

/** The live check of a config against its catalog schema, paths relative to the config. */
export function configIssues(type: string, config: Record<string, unknown>): NodeIssue[] {
  return isNodeType(type) ? liveIssues(NODE_CATALOG[type].configSchema, config) : [];
}

/** The live check of a node's settings, paths relative to the settings. */
export function settingsIssues(settings: Record<string, unknown>): NodeIssue[] {
  return liveIssues(NodeSettingsSchema, settings);
}
