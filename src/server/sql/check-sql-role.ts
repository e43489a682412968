import type pg from "pg";
import { NodeExecutionError } from "@/engine";

/**
 * Built-in roles whose members reach the database server's files or programs: a "read" holding one
 * of them could write a file on the host (`COPY … TO`, `lo_export`) or run a program there.
 */
const SERVER_ACCESS_ROLES = ["pg_read_server_files", "pg_write_server_files", "pg_execute_server_program"];

/**
 * One query: what the connected role can do beyond its grants, counting roles it inherits or can SET
 * ROLE to (pg_has_role … MEMBER). A role missing on the server (an older PostgreSQL) matches nothing.
 */
const ROLE_QUERY = `
select
  exists (select 1 from pg_roles r where r.rolsuper and pg_has_role(current_user, r.oid, 'MEMBER')) as superuser,
  exists (select 1 from pg_roles r where r.rolreplication and pg_has_role(current_user, r.oid, 'MEMBER')) as replication,
  exists (select 1 from pg_roles r where r.rolbypassrls and pg_has_role(current_user, r.oid, 'MEMBER')) as bypass_rls,
  array(
    select r.rolname::text from pg_roles r
    where r.rolname = any($1::text[]) and pg_has_role(current_user, r.oid, 'MEMBER')
    order by r.rolname
  ) as server_access`;

type RoleRow = { superuser: boolean; replication: boolean; bypass_rls: boolean; server_access: string[] };

/**
 * Refuses a credential whose role could step outside what the node enforces: a superuser (or a member
 * of one) bypasses every privilege and can open its own writable sessions (dblink) or touch the host;
 * replication roles can create slots and stream every table; BYPASSRLS ignores row-level security; the
 * server-file roles read and write the host's files. The parser's name checks are only defence in
 * depth: SQL text inside functions is opaque to it, so the role is the guard that holds.
 *
 * Runs once per execution, right after connecting and before the node's transaction. With
 * `allowPrivileged` (SQL_NODE_ALLOW_PRIVILEGED_ROLES) it checks nothing.
 *
 * @throws {NodeExecutionError} "sql_privileged_role", not retriable, naming what the role holds.
 */
export async function assertRoleUnprivileged(client: pg.Client, allowPrivileged: boolean): Promise<void> {
  if (allowPrivileged) return;
  const result = await client.query<RoleRow>(ROLE_QUERY, [SERVER_ACCESS_ROLES]);
  const row = result.rows[0];
  if (!row) throw new Error("the role check returned no row");
  const reasons = [
    ...(row.superuser ? ["is a superuser"] : []),
    ...(row.replication ? ["has REPLICATION"] : []),
    ...(row.bypass_rls ? ["has BYPASSRLS"] : []),
    ...row.server_access.map((role) => `is a member of ${role}`),
  ];
  if (reasons.length === 0) return;
  throw new NodeExecutionError(
    `config.credential: the credential's database role ${reasons.join(", ")}; sql nodes refuse roles that can step outside a read-only transaction or reach the server's files. Use a least-privileged role (see docs/sql-node.md), or have the operator set SQL_NODE_ALLOW_PRIVILEGED_ROLES=1`,
    { code: "sql_privileged_role", retriable: false },
  );
}
