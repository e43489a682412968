"use client";

import { useId, useState } from "react";
import { InputFieldRow } from "./input-field-row";
import {
  type InputField,
  type InputSchemaList,
  listProblems,
  listToSchema,
  newField,
  parseSchemaText,
  schemaToList,
} from "./input-schema-fields";
import { routeInputSchemaIssues } from "./issue-routing";
import "./config-panel.css";

export type InputSchemaEditorProps = {
  /** The workflow's run-input JSON Schema; null accepts any input. */
  value: Record<string, unknown> | null;
  issues: { path: (string | number)[]; message: string }[];
  onChange(value: Record<string, unknown> | null): void;
};

const EMPTY_LIST: InputSchemaList = { fields: [], rootExtra: {}, orphanRequired: [] };

type Derived = { list: InputSchemaList | null; reason: string | null; text: string };

function derive(value: Record<string, unknown> | null): Derived {
  const text = value === null ? "" : JSON.stringify(value, null, 2);
  if (value === null) return { list: EMPTY_LIST, reason: null, text };
  const result = schemaToList(value);
  return result.ok ? { list: result.list, reason: null, text } : { list: null, reason: result.reason, text };
}

/**
 * The run input of a workflow as a list of top-level fields, with a JSON view for anything the list
 * cannot show. Keys the list does not know are carried through, and a schema the list cannot show at all
 * opens in the JSON view.
 */
export function InputSchemaEditor({ value, issues, onChange }: InputSchemaEditorProps) {
  const baseId = useId();
  const [initial] = useState(() => derive(value));
  const [list, setList] = useState<InputSchemaList | null>(initial.list);
  const [reason, setReason] = useState<string | null>(initial.reason);
  const [text, setText] = useState(initial.text);
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [mode, setMode] = useState<"list" | "json">(initial.list === null ? "json" : "list");
  const [seen, setSeen] = useState(() => JSON.stringify(value));

  const current = JSON.stringify(value);
  if (current !== seen) {
    // Changed outside this editor (undo, import): show the new schema.
    const next = derive(value);
    setSeen(current);
    setList(next.list);
    setReason(next.reason);
    setText(next.text);
    setJsonError(null);
    if (next.list === null) setMode("json");
  }

  const emit = (next: Record<string, unknown> | null) => {
    setSeen(JSON.stringify(next));
    onChange(next);
  };
  const editList = (next: InputSchemaList, asNull = false) => {
    setList(next);
    const schema = asNull ? null : listToSchema(next);
    setText(schema === null ? "" : JSON.stringify(schema, null, 2));
    emit(schema);
  };
  const editField = (index: number, patch: Partial<InputField>) => {
    if (list === null) return;
    editList({
      ...list,
      fields: list.fields.map((field, at) => (at === index ? { ...field, ...patch } : field)),
    });
  };

  const toJson = () => {
    setText(value === null ? "" : JSON.stringify(value, null, 2));
    setJsonError(null);
    setMode("json");
  };
  const toList = () => {
    const next = derive(value);
    setList(next.list);
    setReason(next.reason);
    if (next.list !== null) setMode("list");
  };
  const typedJson = (next: string) => {
    setText(next);
    const parsed = parseSchemaText(next);
    if (!parsed.ok) {
      setJsonError(parsed.error);
      return;
    }
    setJsonError(null);
    const derived = derive(parsed.value);
    setList(derived.list);
    setReason(derived.reason);
    emit(parsed.value);
  };

  const routed = routeInputSchemaIssues(issues);
  const problems = list === null ? new Map<number, string>() : listProblems(list);
  const jsonId = `${baseId}-json`;

  return (
    <section className="input-schema-editor" aria-label="Run input">
      <header className="config-panel-head input-schema-head">
        <h2>Run input</h2>
        {mode === "list" ? (
          <button type="button" onClick={toJson}>
            Edit as JSON
          </button>
        ) : (
          <button type="button" onClick={toList} disabled={jsonError !== null}>
            Edit as list
          </button>
        )}
      </header>

      {routed.general.length > 0 && (
        <ul className="config-issues" aria-label="Input schema issues">
          {routed.general.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}

      {mode === "json" ? (
        <div className={`config-field${jsonError ? " has-error" : ""}`}>
          <label htmlFor={jsonId}>Input schema (JSON)</label>
          <textarea
            id={jsonId}
            className="config-json"
            rows={12}
            spellCheck={false}
            value={text}
            placeholder="Empty: any input"
            aria-invalid={jsonError !== null || undefined}
            aria-describedby={`${jsonId}-help${jsonError ? ` ${jsonId}-error` : ""}`}
            onChange={(event) => typedJson(event.target.value)}
          />
          <p id={`${jsonId}-help`} className="config-help">
            A JSON Schema for the input of a run. Empty or <code>null</code>: any input.
            {reason && ` The list view cannot show this schema: ${reason}.`}
          </p>
          {jsonError && (
            <p id={`${jsonId}-error`} className="config-error">
              {jsonError}
            </p>
          )}
        </div>
      ) : (
        <>
          {value === null ? (
            <p className="config-help input-schema-any">Any input: runs accept any JSON object.</p>
          ) : (
            list?.fields.length === 0 && <p className="config-help">No fields: any object is accepted.</p>
          )}
          {list?.fields.map((field, index) => (
            <InputFieldRow
              // Index keys: a rename must not remount the row under the cursor.
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
              key={index}
              field={field}
              rowId={`${baseId}-field-${index}`}
              errors={[
                ...(problems.has(index) ? [problems.get(index) as string] : []),
                ...(routed.byField.get(field.name) ?? []),
              ]}
              onEdit={(patch) => editField(index, patch)}
              onRemove={() => editList({ ...list, fields: list.fields.filter((_, at) => at !== index) })}
            />
          ))}
          <div className="input-schema-actions">
            <button
              type="button"
              onClick={() => {
                const base = list ?? EMPTY_LIST;
                editList({ ...base, fields: [...base.fields, newField(base)] });
              }}
            >
              Add field
            </button>
            {value !== null && (
              <button type="button" onClick={() => editList(EMPTY_LIST, true)}>
                Accept any input
              </button>
            )}
          </div>
        </>
      )}
    </section>
  );
}
