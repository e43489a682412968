import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP, type LookupFunction, Socket } from "node:net";
import { NodeExecutionError } from "@/engine";

/**
 * Where an sql node may connect in production. Unlike HTTP nodes, private networks (10/8, 172.16/12,
 * 192.168/16, fc00::/7, 100.64/10) stay reachable: that is where databases live, and a database asks
 * for its own password. What is refused is the app's own host and the cloud's metadata service:
 * loopback, link-local, unspecified and multicast addresses, and Unix sockets. There a Postgres with
 * `trust` or `peer` authentication (or the app's own database) could answer without any password.
 * SQL_NODE_ALLOW_LOCAL_ADDRESSES=true lifts this, e.g. for a self-hosted database on the same machine.
 */
const local = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  local.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  local.addSubnet(network, prefix, "ipv6");
}

/** True for an address on the app's own host or link; IPv4-mapped IPv6 is judged as IPv4. */
export function isLocalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return local.check(mapped[1], "ipv4");
  const family = isIP(address);
  if (family === 4) return local.check(address, "ipv4");
  if (family === 6) return local.check(address, "ipv6");
  return true; // not an address at all: refuse rather than guess
}

export function localAddressError(target: string): NodeExecutionError {
  return new NodeExecutionError(
    `config.credential: the database host ${target} is a loopback or link-local address or a Unix socket, which sql nodes cannot reach in production (see SQL_NODE_ALLOW_LOCAL_ADDRESSES)`,
    { code: "egress_blocked", retriable: false },
  );
}

/** Literal addresses and socket paths never go through DNS, so they are checked before connecting. */
export function assertHostAllowed(host: string): void {
  if (host.startsWith("/")) throw localAddressError("(a Unix socket)");
  const bare = host.replace(/^\[|\]$/g, "");
  if (isIP(bare) && isLocalAddress(bare)) throw localAddressError(bare);
}

/**
 * Names are checked when the socket connects, not when the URL is read, so a name that resolves to a
 * local address (or is re-pointed there between check and use) is refused too.
 */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, "", 0);
    if (addresses.length === 0 || addresses.some((entry) => isLocalAddress(entry.address))) {
      return callback(localAddressError(hostname) as unknown as NodeJS.ErrnoException, "", 0);
    }
    if (options.all) return callback(null, addresses as unknown as string, 0);
    const first = addresses[0] as LookupAddress;
    callback(null, first.address, first.family);
  });
};

/**
 * A socket for `pg`'s `stream` option whose name resolution goes through {@link guardedLookup}. pg
 * calls `connect(port, host)`; the lookup is passed along with them.
 */
export function guardedSocket(): Socket {
  const socket = new Socket();
  const connect = socket.connect.bind(socket);
  const guarded = (port: number, host: string) => connect({ port, host, lookup: guardedLookup });
  socket.connect = guarded as typeof socket.connect;
  return socket;
}
