import { Socket } from "node:net";
import { classifyAddress, type EgressPolicy } from "../egress/classify-address";
import { assertLiteralAllowed, egressRefused, guardedLookup, type Resolve } from "../egress/guarded-lookup";

/**
 * Where an sql node may connect in production: the workflow nodes' egress guard, with one difference.
 * Private networks (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7) stay reachable: that is where
 * databases live, and a database asks for its own password. Everything else special-purpose is
 * refused, above all the app's own host (loopback, its own interface addresses, Unix sockets) and the
 * cloud's metadata service, where a Postgres with `trust` or `peer` authentication (or the app's own
 * database) could answer without any password. SQL_NODE_ALLOW_LOCAL_ADDRESSES=true lifts this.
 */
export const SQL_EGRESS: EgressPolicy = { privateNetworks: true };

const checkSqlAddress = (address: string) => classifyAddress(address, SQL_EGRESS);

const refuseSqlHost = (description: string) =>
  egressRefused(
    `config.credential: the database host is refused: ${description}; sql nodes cannot reach it in production (see SQL_NODE_ALLOW_LOCAL_ADDRESSES)`,
  );

/** Literal addresses and socket paths never go through DNS, so they are checked before connecting. */
export function assertHostAllowed(host: string): void {
  if (host.startsWith("/")) throw refuseSqlHost("it is a Unix socket on this host");
  assertLiteralAllowed(host, checkSqlAddress, refuseSqlHost);
}

/**
 * The `stream` option for `pg`: sockets whose name resolution goes through the egress guard, so a name
 * that resolves to a refused address (or is re-pointed there after the URL was read) is refused when
 * the socket connects. pg calls `connect(port, host)`, or `connect(path)` for a Unix socket; literal
 * addresses skip the lookup and are judged here. `resolve` is for tests.
 */
export function guardedSocket(resolve?: Resolve): () => Socket {
  const lookup = guardedLookup({ check: checkSqlAddress, refuse: refuseSqlHost, resolve });
  return () => {
    const socket = new Socket();
    const connect = socket.connect.bind(socket);
    const guarded = (port: number | string, host?: string) => {
      try {
        assertHostAllowed(typeof port === "number" && host !== undefined ? host : "/");
      } catch (error) {
        process.nextTick(() => socket.destroy(error as Error));
        return socket;
      }
      return connect({ port: port as number, host, lookup });
    };
    socket.connect = guarded as typeof socket.connect;
    return socket;
  };
}
