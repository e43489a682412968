"use client";

import { useId, useMemo, useState } from "react";
import { isNodeType, NODE_CATALOG, NodeIdSchema } from "@/engine/catalog";
import { ConfigField } from "./config-field";
import { type NodeIssue, routeIssues } from "./issue-routing";
import { configIssues, nodeFormOf, SETTINGS_FIELDS, settingsIssues } from "./node-form";
import { isRecord, withKey } from "./schema-fields";
import "./config-panel.css";

export type NodeConfigPanelProps = {
  node: { id: string; type: string; data: Record<string, unknown> };
  /** The server's draft issues for this node, paths relative to the node. */
  issues: NodeIssue[];
  onChange(data: Record<string, unknown>): void;
  onRename(newId: string): void;
};

/**
 * The selected node's form: id, label, one field per config key of its catalog schema and the execution
 * settings. Every edit goes straight to `onChange`, valid or not: the draft is lenient and the server
 * answers with issues, which show on the field they name next to the live check's.
 */
export function NodeConfigPanel({ node, issues, onChange, onRename }: NodeConfigPanelProps) {
  const baseId = useId();
  const entry = isNodeType(node.type) ? NODE_CATALOG[node.type] : undefined;
  const config = isRecord(node.data.config) ? node.data.config : {};
  const settings = isRecord(node.data.settings) ? node.data.settings : {};
  const label = typeof node.data.label === "string" ? node.data.label : "";

  const form = useMemo(() => nodeFormOf(node.type, config), [node.type, config]);
  const routed = routeIssues({
    fields: form.fields.map((field) => field.name),
    serverIssues: issues,
    clientIssues: configIssues(node.type, config),
    settingsFields: SETTINGS_FIELDS.map((field) => field.name),
    settingsIssues: settingsIssues(settings),
  });
  const settingsInvalid =
    routed.bySetting.size > 0 ||
    issues.some((issue) => issue.path[0] === "data" && issue.path[1] === "settings");

  const setConfig = (key: string, value: unknown) =>
    onChange(withKey(node.data, "config", withKey(config, key, value)));
  const setSetting = (key: string, value: unknown) => {
    const next = withKey(settings, key, value);
    onChange(withKey(node.data, "settings", Object.keys(next).length > 0 ? next : undefined));
  };

  return (
    <section className="config-panel" aria-label={`Configure ${node.id}`}>
      <header className="config-panel-head">
        <h2>{entry?.title ?? node.type}</h2>
        <p className="config-help">{entry?.description ?? `Unknown node type "${node.type}".`}</p>
        {form.fallback && (
          <p className="config-help">
            This node's config could not be turned into a form; its keys are shown as-is.
          </p>
        )}
      </header>

      {routed.general.length > 0 && (
        <ul className="config-issues" aria-label="Node issues">
          {routed.general.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}

      <NodeIdField key={node.id} id={node.id} inputId={`${baseId}-id`} onRename={onRename} />

      <div className="config-field">
        <label htmlFor={`${baseId}-label`}>Label</label>
        <input
          id={`${baseId}-label`}
          type="text"
          value={label}
          maxLength={200}
          placeholder={entry?.title}
          onChange={(event) =>
            onChange(withKey(node.data, "label", event.target.value === "" ? undefined : event.target.value))
          }
        />
      </div>

      <fieldset className="config-section">
        <legend>Config</legend>
        {form.fields.length === 0 && <p className="config-help">This node has nothing to configure.</p>}
        {form.fields.map((field) => (
          <ConfigField
            key={field.name}
            field={field}
            value={config[field.name]}
            errors={routed.byField.get(field.name) ?? []}
            inputId={`${baseId}-config-${field.name}`}
            onValue={(coerced) => setConfig(field.name, "value" in coerced ? coerced.value : undefined)}
          />
        ))}
      </fieldset>

      <details className="config-section config-settings" open={settingsInvalid || undefined}>
        <summary>Settings</summary>
        <div className="config-settings-body">
          <p className="config-help">How this node runs: retries, timeouts and what happens when it fails.</p>
          {SETTINGS_FIELDS.map((field) => (
            <ConfigField
              key={field.name}
              field={field}
              value={settings[field.name]}
              errors={routed.bySetting.get(field.name) ?? []}
              inputId={`${baseId}-setting-${field.name}`}
              onValue={(coerced) => setSetting(field.name, "value" in coerced ? coerced.value : undefined)}
            />
          ))}
        </div>
      </details>
    </section>
  );
}

/** The node id, applied on blur or Enter once it is valid; Escape goes back to the current id. */
function NodeIdField({
  id,
  inputId,
  onRename,
}: {
  id: string;
  inputId: string;
  onRename(newId: string): void;
}) {
  const [draft, setDraft] = useState(id);
  const checked = NodeIdSchema.safeParse(draft);
  const error = checked.success ? null : (checked.error.issues[0]?.message ?? "Invalid node id");
  const errorId = `${inputId}-error`;
  const helpId = `${inputId}-help`;
  const apply = () => {
    if (error === null && draft !== id) onRename(draft);
  };
  return (
    <div className={`config-field${error ? " has-error" : ""}`}>
      <label htmlFor={inputId}>Node id</label>
      <input
        id={inputId}
        type="text"
        value={draft}
        spellCheck={false}
        autoComplete="off"
        aria-invalid={error !== null || undefined}
        aria-describedby={error ? `${helpId} ${errorId}` : helpId}
        onChange={(event) => setDraft(event.target.value)}
        onBlur={apply}
        onKeyDown={(event) => {
          if (event.key === "Enter") apply();
          if (event.key === "Escape") setDraft(id);
        }}
      />
      <p id={helpId} className="config-help">
        Templates refer to this node as <code>nodes.{id}</code>. Letters, digits, _ and -.
      </p>
      {error && (
        <p id={errorId} className="config-error">
          {error}
        </p>
      )}
    </div>
  );
}
