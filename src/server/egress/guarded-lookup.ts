import { promises as dns, type LookupAddress, type LookupAllOptions } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { NodeExecutionError } from "@/engine";
import { bareAddress, describeRefusal, type Refusal } from "./classify-address";

/** Every address a name resolves to, as the socket would see them (tests inject their own). */
export type Resolve = (hostname: string, options: LookupAllOptions) => Promise<LookupAddress[]>;

/** Judges one address: undefined when it may be connected to. */
export type CheckAddress = (address: string) => Refusal | undefined;

/** What a refusal becomes: the caller's own error, naming what was refused. */
export type Refuse = (description: string) => Error;

export const systemResolve: Resolve = (hostname, options) => dns.lookup(hostname, { ...options, all: true });

/** The node error for a refused destination: final, never retried. */
export function egressRefused(message: string): NodeExecutionError {
  return new NodeExecutionError(message, { code: "egress_blocked", retriable: false });
}

/** Refuses a literal address (which never goes through a lookup) before any packet is sent. */
export function assertLiteralAllowed(host: string, check: CheckAddress, refuse: Refuse): void {
  const bare = bareAddress(host);
  if (isIP(bare) === 0) return;
  const refusal = check(bare);
  if (refusal) throw refuse(describeRefusal(refusal));
}

/**
 * A `lookup` for sockets: the name is resolved and every address it resolves to is judged in the same
 * step that hands the address to `connect`, so there is no window between check and use in which a
 * name can be re-pointed (DNS rebinding). A name with any refused address is refused as a whole, so
 * falling back from one address to the next cannot land on it either.
 */
export function guardedLookup(args: {
  check: CheckAddress;
  refuse: Refuse;
  resolve?: Resolve;
}): LookupFunction {
  const resolve = args.resolve ?? systemResolve;
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }).then(
      (addresses) => {
        const refusal = addresses.map((entry) => args.check(entry.address)).find(Boolean);
        const first = addresses[0];
        if (refusal || !first) {
          const error = refusal
            ? args.refuse(describeRefusal(refusal, hostname))
            : Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
          return callback(error as NodeJS.ErrnoException, "", 0);
        }
        if (options.all) return callback(null, addresses as unknown as string, 0);
        callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, "", 0),
    );
  };
}
