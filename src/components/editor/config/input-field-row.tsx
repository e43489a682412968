"use client";

import { useState } from "react";
import {
  INPUT_FIELD_TYPES,
  type InputField,
  type InputFieldType,
  parseEnumText,
} from "./input-schema-fields";

/** One top-level run-input field: name, type, required, description and, for text, its allowed values. */
export function InputFieldRow({
  field,
  rowId,
  errors,
  onEdit,
  onRemove,
}: {
  field: InputField;
  rowId: string;
  errors: readonly string[];
  onEdit(patch: Partial<InputField>): void;
  onRemove(): void;
}) {
  const [enumText, setEnumText] = useState(field.enumValues.join(", "));
  const [enumSeen, setEnumSeen] = useState(field.enumValues.join(","));
  if (field.enumValues.join(",") !== enumSeen) {
    setEnumSeen(field.enumValues.join(","));
    if (parseEnumText(enumText).join(",") !== field.enumValues.join(","))
      setEnumText(field.enumValues.join(", "));
  }
  const errorId = `${rowId}-error`;
  const invalid = errors.length > 0;
  const name = field.name || "unnamed field";
  const extraKeys = Object.keys(field.extra);
  return (
    <fieldset className={`config-section input-schema-field${invalid ? " has-error" : ""}`}>
      <legend>{name}</legend>
      <div className="input-schema-grid">
        <div className="config-field">
          <label htmlFor={`${rowId}-name`}>Name</label>
          <input
            id={`${rowId}-name`}
            type="text"
            value={field.name}
            spellCheck={false}
            autoComplete="off"
            aria-invalid={invalid || undefined}
            aria-describedby={invalid ? errorId : undefined}
            onChange={(event) => onEdit({ name: event.target.value })}
          />
        </div>
        <div className="config-field">
          <label htmlFor={`${rowId}-type`}>Type</label>
          <select
            id={`${rowId}-type`}
            value={field.type}
            onChange={(event) => onEdit({ type: event.target.value as InputFieldType })}
          >
            {INPUT_FIELD_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </div>
        <div className="config-field config-field-boolean">
          <label htmlFor={`${rowId}-required`}>Required</label>
          <input
            id={`${rowId}-required`}
            type="checkbox"
            checked={field.required}
            onChange={(event) => onEdit({ required: event.target.checked })}
          />
        </div>
      </div>
      <div className="config-field">
        <label htmlFor={`${rowId}-description`}>Description</label>
        <input
          id={`${rowId}-description`}
          type="text"
          value={field.description}
          onChange={(event) => onEdit({ description: event.target.value })}
        />
      </div>
      {field.type === "string" && !("enum" in field.extra) && (
        <div className="config-field">
          <label htmlFor={`${rowId}-enum`}>Allowed values</label>
          <input
            id={`${rowId}-enum`}
            type="text"
            value={enumText}
            placeholder="Any text"
            aria-describedby={`${rowId}-enum-help`}
            onChange={(event) => {
              setEnumText(event.target.value);
              onEdit({ enumValues: parseEnumText(event.target.value) });
            }}
          />
          <p id={`${rowId}-enum-help`} className="config-help">
            Comma-separated; empty for any text.
          </p>
        </div>
      )}
      {extraKeys.length > 0 && (
        <p className="config-help">Also: {extraKeys.join(", ")} (kept; edit as JSON to change).</p>
      )}
      {invalid && (
        <ul id={errorId} className="config-error">
          {errors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
      <button type="button" className="input-schema-remove" onClick={onRemove}>
        Remove {name}
      </button>
    </fieldset>
  );
}
