import { z } from "zod";
import { MAX_TEXT_FIELD_LENGTH, templateField } from "../config-fields";

/** Credential names as `POST /api/credentials` accepts them. */
const CREDENTIAL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Postgres itself allows 65535; a workflow node with more than this is a mistake. */
export const MAX_SQL_PARAMS = 100;
/** Rows are persisted with the run and replayed to later steps, so they stay bounded. */
export const MAX_SQL_ROWS = 10_000;

/**
 * sql: one statement (or, when allowed, several) against a workspace's postgres credential. Safe by
 * default: reads only, writes need `allowWrites` and actually happen only with `dryRun: false` (the
 * explicit confirmation); DDL also needs `allowDdl`. `statement` is plain SQL, not a template: values go
 * through `params`, templates bound as $1..$n, never interpolated into the text.
 */
export const SqlConfigSchema = z
  .object({
    credential: z.string().regex(CREDENTIAL_NAME, "credential name: letters, digits, _ and - only (max 64)"),
    statement: z
      .string()
      .max(MAX_TEXT_FIELD_LENGTH)
      .refine((value) => value.trim() !== "", "SQL statement is required"),
    params: z.array(templateField()).max(MAX_SQL_PARAMS).default([]),
    allowWrites: z.boolean().default(false),
    dryRun: z.boolean().default(true),
    allowMultipleStatements: z.boolean().default(false),
    allowDdl: z.boolean().default(false),
    // Never 0: statement_timeout = 0 would mean "no limit".
    timeoutMs: z.number().int().min(1).max(60_000).default(5_000),
    maxRows: z.number().int().min(1).max(MAX_SQL_ROWS).default(1_000),
  })
  .superRefine((config, ctx) => {
    // Caught at save time: at run time the statement would be refused anyway.
    if (config.allowDdl && !config.allowWrites) {
      ctx.addIssue({
        code: "custom",
        path: ["allowWrites"],
        message: "allowDdl needs allowWrites: true as well (DDL changes the database)",
      });
    }
  });
