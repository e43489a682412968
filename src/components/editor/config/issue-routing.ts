import type { z } from "zod";

/** A draft issue, its path relative to the node (`["data","config","url"]`, `["id"]`, `[]`). */
export type NodeIssue = { path: readonly (string | number)[]; message: string };

export type RoutedIssues = {
  /** Messages per config field, server's and the live check's together, without repeats. */
  byField: Map<string, string[]>;
  /** Messages per settings field from the live check. */
  bySetting: Map<string, string[]>;
  /** Everything that belongs to no config field: node-level, id, label, settings, unknown keys. */
  general: string[];
};

/**
 * Sorts issues onto the panel: an issue under `data.config.<field>` shows on that field (a deeper path is
 * named in the message, e.g. a header name), the rest at the top. `clientIssues` are the live check's
 * zod issues of the config alone; `settingsIssues` those of the settings, shown on their own fields.
 */
export function routeIssues(input: {
  fields: readonly string[];
  serverIssues: readonly NodeIssue[];
  clientIssues?: readonly NodeIssue[];
  settingsFields?: readonly string[];
  settingsIssues?: readonly NodeIssue[];
}): RoutedIssues {
  const fields = new Set(input.fields);
  const settingsFields = new Set(input.settingsFields ?? []);
  const byField = new Map<string, string[]>();
  const bySetting = new Map<string, string[]>();
  const general: string[] = [];
  const add = (map: Map<string, string[]>, key: string, message: string) => {
    const list = map.get(key) ?? [];
    if (!list.includes(message)) list.push(message);
    map.set(key, list);
  };

  const place = (path: readonly (string | number)[], message: string) => {
    const [first, second, field, ...rest] = path;
    if (first === "data" && second === "config" && typeof field === "string" && fields.has(field)) {
      add(byField, field, rest.length > 0 ? `${rest.join(".")}: ${message}` : message);
      return;
    }
    const where = describePath(path);
    const text = where === "" ? message : `${where}: ${message}`;
    if (!general.includes(text)) general.push(text);
  };

  for (const issue of input.serverIssues) place(issue.path, issue.message);
  for (const issue of input.clientIssues ?? []) place(["data", "config", ...issue.path], issue.message);
  for (const issue of input.settingsIssues ?? []) {
    const [field, ...rest] = issue.path;
    if (typeof field === "string" && settingsFields.has(field)) {
      add(bySetting, field, rest.length > 0 ? `${rest.join(".")}: ${issue.message}` : issue.message);
    } else place(["data", "settings", ...issue.path], issue.message);
  }
  return { byField, bySetting, general };
}

/** A short name for where a non-field issue points: "Id", "Label", "Settings › retries", "" for the node. */
export function describePath(path: readonly (string | number)[]): string {
  if (path.length === 0) return "";
  const [first, second, ...rest] = path;
  if (first === "id" && path.length === 1) return "Id";
  if (first === "data" && second === "label") return "Label";
  if (first === "data" && second === "settings") return ["Settings", ...rest].join(" › ");
  if (first === "data" && second === "config") return ["Config", ...rest].join(" › ");
  return path.join(".");
}

/** The zod issues of `value` against `schema`, as node issues; a schema that throws reports nothing. */
export function liveIssues(schema: z.ZodType, value: unknown): NodeIssue[] {
  try {
    const result = schema.safeParse(value);
    if (result.success) return [];
    return result.error.issues.map((issue) => ({
      path: issue.path.filter((part): part is string | number => typeof part !== "symbol"),
      message: issue.message,
    }));
  } catch {
    return [];
  }
}

/**
 * Sorts input-schema issues: one whose path goes through `properties.<name>` shows on that field (the
 * server may prefix its own path, e.g. `["inputSchema", …]`), the rest above the list.
 */
export function routeInputSchemaIssues(issues: readonly NodeIssue[]): {
  byField: Map<string, string[]>;
  general: string[];
} {
  const byField = new Map<string, string[]>();
  const general: string[] = [];
  for (const issue of issues) {
    const at = issue.path.indexOf("properties");
    const name = at >= 0 ? issue.path[at + 1] : undefined;
    if (typeof name === "string") {
      const rest = issue.path.slice(at + 2);
      const list = byField.get(name) ?? [];
      const message = rest.length > 0 ? `${rest.join(".")}: ${issue.message}` : issue.message;
      if (!list.includes(message)) list.push(message);
      byField.set(name, list);
      continue;
    }
    const text = issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message;
    if (!general.includes(text)) general.push(text);
  }
  return { byField, general };
}
