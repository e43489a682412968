import { SqlConfigSchema } from "../sql/sql-config";
import { DEFAULT_HANDLES, type NodeCatalogEntry } from "./node-catalog-entry";

export const SQL_NODE: NodeCatalogEntry<"sql"> = {
  type: "sql",
  title: "SQL query",
  description: "Runs a parameterised SQL statement against a Postgres credential; read-only by default.",
  icon: "database",
  configSchema: SqlConfigSchema,
  defaultConfig: { credential: "database", statement: "SELECT now() AS now" },
  inputs: DEFAULT_HANDLES,
  outputs: DEFAULT_HANDLES,
};
