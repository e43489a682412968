"use client";

import { useState } from "react";
import { type Coerced, type FieldDescriptor, fromInputText, toInputText } from "./schema-fields";

type ConfigFieldProps = {
  field: FieldDescriptor;
  value: unknown;
  /** Messages for this field: the live check's and the server's. */
  errors: readonly string[];
  /** Unique per panel: the input's id and its help/error ids derive from it. */
  inputId: string;
  onValue(coerced: Exclude<Coerced, { error: string }>): void;
};

/**
 * One labelled input for a config or settings key. Text-like inputs keep what was typed locally so a
 * half-typed number or JSON value is never replaced under the cursor; every value that parses goes out at
 * once, valid for the schema or not (the server reports the issues).
 */
export function ConfigField({ field, value, errors, inputId, onValue }: ConfigFieldProps) {
  const external = toInputText(field, value);
  const [draft, setDraft] = useState(external);
  const [synced, setSynced] = useState(external);
  const [parseError, setParseError] = useState<string | null>(null);
  if (external !== synced) {
    // The value changed outside (undo, another field's rewrite): show it unless the draft already means it.
    setSynced(external);
    const mine = fromInputText(field, draft);
    if (!("value" in mine) || JSON.stringify(mine.value) !== JSON.stringify(value)) {
      setDraft(external);
      setParseError(null);
    }
  }

  const messages = parseError === null ? errors : [parseError, ...errors];
  const invalid = messages.length > 0;
  const helpId = `${inputId}-help`;
  const errorId = `${inputId}-error`;
  const describedBy =
    [field.description || field.defaultValue !== undefined ? helpId : "", invalid ? errorId : ""]
      .filter(Boolean)
      .join(" ") || undefined;
  const common = {
    id: inputId,
    name: field.name,
    "aria-invalid": invalid || undefined,
    "aria-describedby": describedBy,
    "aria-required": field.required || undefined,
  };

  const typed = (text: string) => {
    setDraft(text);
    const coerced = fromInputText(field, text);
    if ("error" in coerced) {
      setParseError(coerced.error);
      return;
    }
    setParseError(null);
    onValue(coerced);
  };

  let input: React.ReactNode;
  switch (field.kind) {
    case "boolean":
      input = (
        <input
          {...common}
          type="checkbox"
          checked={value === undefined ? field.defaultValue === true : value === true}
          onChange={(event) => onValue(checkboxValue(field, event.target.checked))}
        />
      );
      break;
    case "select":
      input = (
        <select
          {...common}
          value={typeof value === "string" ? value : ""}
          onChange={(event) =>
            onValue(event.target.value === "" ? { remove: true } : { value: event.target.value })
          }
        >
          {(!field.required || typeof value !== "string") && (
            <option value="">
              {field.defaultValue !== undefined ? `Default (${String(field.defaultValue)})` : "—"}
            </option>
          )}
          {field.options?.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      );
      break;
    case "number":
    case "integer":
      input = (
        <input
          {...common}
          type="number"
          step={field.kind === "integer" ? 1 : "any"}
          min={field.min}
          max={field.max}
          value={draft}
          placeholder={field.defaultValue !== undefined ? String(field.defaultValue) : undefined}
          onChange={(event) => typed(event.target.value)}
        />
      );
      break;
    case "textarea":
    case "json":
      input = (
        <textarea
          {...common}
          className={field.kind === "json" ? "config-json" : undefined}
          rows={field.kind === "json" ? 5 : 4}
          spellCheck={false}
          value={draft}
          onChange={(event) => typed(event.target.value)}
        />
      );
      break;
    default:
      input = (
        <input
          {...common}
          type="text"
          spellCheck={false}
          value={draft}
          placeholder={field.defaultValue !== undefined ? String(field.defaultValue) : undefined}
          onChange={(event) => typed(event.target.value)}
        />
      );
  }

  return (
    <div className={`config-field config-field-${field.kind}${invalid ? " has-error" : ""}`}>
      <label htmlFor={inputId}>
        {field.label}
        {field.required && (
          <span className="config-required" title="required">
            {" "}
            *
          </span>
        )}
      </label>
      {input}
      {(field.description || field.defaultValue !== undefined) && (
        <p id={helpId} className="config-help">
          {field.description}
          {field.description && field.defaultValue !== undefined ? " " : ""}
          {field.defaultValue !== undefined && `Default: ${formatDefault(field.defaultValue)}.`}
        </p>
      )}
      {invalid && (
        <ul id={errorId} className="config-error">
          {messages.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A checkbox that lands on the default (or on false without one) removes the key: the config stays minimal. */
function checkboxValue(field: FieldDescriptor, checked: boolean): Exclude<Coerced, { error: string }> {
  const fallback = field.defaultValue === undefined ? false : field.defaultValue;
  return checked === fallback && !field.required ? { remove: true } : { value: checked };
}

function formatDefault(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
