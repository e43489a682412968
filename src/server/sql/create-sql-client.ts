import { NodeExecutionError, type SqlClient, type SqlRequest, type SqlResult } from "@/engine";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { getCredentialSecret } from "../credentials/get-credential-secret";
import type { DatabaseOrTransaction } from "../db/client";
import { MAX_NODE_OUTPUT_BYTES } from "../runs/storable-output";
import { assertRoleUnprivileged } from "./check-sql-role";
import { classifySql } from "./classify-sql";
import { createSqlConnection } from "./connect-sql";
import { runSql } from "./run-sql";
import { toSqlNodeError } from "./sql-errors";
import { decideSqlMode } from "./sql-policy";

/**
 * The `NodeDeps.sql` of one node step: statements are classified and checked against the node's flags
 * before the credential is read or any connection made; then, once the credential's role is known to
 * hold no privilege that steps outside the node's guards, they run on a client of their own, closed
 * afterwards, against the postgres credential of the run's workspace.
 */
export function createSqlClient(db: DatabaseOrTransaction, scope: { workspaceId: string }): SqlClient {
  return { execute: (request) => executeSql(db, scope.workspaceId, request) };
}

async function executeSql(
  db: DatabaseOrTransaction,
  workspaceId: string,
  request: SqlRequest,
): Promise<SqlResult> {
  const statements = await classifySql(request.statement);
  const mode = decideSqlMode(statements, request);
  const url = await connectionUrl(db, workspaceId, request.credential);
  const context = { secret: url, params: request.params, timeoutMs: request.timeoutMs, mode };
  try {
    const client = createSqlConnection(url, request.timeoutMs);
    try {
      await client.connect();
      await assertRoleUnprivileged(client, getEnv().SQL_NODE_ALLOW_PRIVILEGED_ROLES);
      return await runSql(client, {
        mode,
        statements,
        params: request.params,
        timeoutMs: request.timeoutMs,
        maxRows: request.maxRows,
        maxBytes: MAX_NODE_OUTPUT_BYTES,
      });
    } finally {
      await closeQuietly(client);
    }
  } catch (thrown) {
    throw toSqlNodeError(thrown, context);
  }
}

/**
 * A graceful close waits for the server to read our goodbye, which a backend busy past its timeout may
 * not do for a while; the node does not wait for it beyond a second.
 */
async function closeQuietly(client: { end: () => Promise<void> }): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bounded = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, 1_000);
  });
  await Promise.race([client.end().catch(() => undefined), bounded]);
  clearTimeout(timer);
}

/** The credential's secret, the connection URL: held in memory for this call only, never returned. */
async function connectionUrl(db: DatabaseOrTransaction, workspaceId: string, name: string): Promise<string> {
  try {
    return (await getCredentialSecret(db, { workspaceId, name, kind: "postgres" })).secret.trim();
  } catch (thrown) {
    // Unknown name or wrong kind: the author must fix it. A database failure may pass on retry.
    if (thrown instanceof AppError && (thrown.code === "not_found" || thrown.code === "validation_failed")) {
      throw new NodeExecutionError(`config.credential: ${thrown.message}`, {
        code: "sql_credential",
        retriable: false,
      });
    }
    throw new NodeExecutionError(`config.credential: could not read credential "${name}"`, {
      code: "credential_unavailable",
      retriable: true,
    });
  }
}
