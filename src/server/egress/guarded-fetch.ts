import { Agent, buildConnector, fetch as undiciFetch } from "undici";
import { NodeExecutionError } from "@/engine";
import { classifyAddress, type EgressPolicy } from "./classify-address";
import {
  assertLiteralAllowed,
  type CheckAddress,
  egressRefused,
  guardedLookup,
  type Resolve,
} from "./guarded-lookup";

const MAX_REDIRECTS = 5;

/** Workflow nodes' outbound HTTP: the public internet only. */
export const NODE_EGRESS: EgressPolicy = { privateNetworks: false };

const refuseNodeEgress = (description: string) =>
  egressRefused(
    `refused: ${description}; workflow nodes cannot reach internal or special-purpose addresses in production (see HTTP_NODE_ALLOW_PRIVATE_NETWORKS)`,
  );

/**
 * An Agent whose every new connection is judged at connect time: literal addresses by the connector,
 * names by the lookup that hands the socket its address.
 */
function guardedAgent(check: CheckAddress, resolve: Resolve | undefined): Agent {
  const connector = buildConnector({ lookup: guardedLookup({ check, refuse: refuseNodeEgress, resolve }) });
  return new Agent({
    connect: (options, callback) => {
      try {
        assertLiteralAllowed(options.hostname, check, refuseNodeEgress);
      } catch (error) {
        return callback(error as Error, null);
      }
      connector(options, callback);
    },
  });
}

/**
 * fetch for workflow HTTP nodes (and model endpoints and image URLs from user input) in production:
 * no special-purpose destination, checked on the connection itself, and redirects followed by hand
 * (at most five) so that each hop is a new request through the same guard. `check` and `resolve`
 * are for tests.
 */
export function createGuardedFetch(options: { check?: CheckAddress; resolve?: Resolve } = {}): typeof fetch {
  const check = options.check ?? ((address: string) => classifyAddress(address, NODE_EGRESS));
  const agent = guardedAgent(check, options.resolve);
  return async (input, init) => {
    let url = new URL(input instanceof Request ? input.url : String(input));
    let requestInit = init;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      let response: Response;
      try {
        response = (await undiciFetch(url, {
          ...(requestInit as object),
          redirect: "manual",
          dispatcher: agent,
        })) as unknown as Response;
      } catch (error) {
        throw unwrapRefusal(error) ?? error;
      }
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || !location) return response;
      await response.body?.cancel();
      url = new URL(location, url);
      // As browsers do: a 303 (or a 301/302 after POST) becomes a GET without a body.
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) &&
          requestInit?.method &&
          requestInit.method !== "GET" &&
          requestInit.method !== "HEAD")
      ) {
        requestInit = { ...requestInit, method: "GET", body: undefined };
      }
    }
    throw new NodeExecutionError(`Too many redirects (more than ${MAX_REDIRECTS})`, {
      code: "too_many_redirects",
      retriable: false,
    });
  };
}

export const guardedFetch: typeof fetch = createGuardedFetch();

function unwrapRefusal(error: unknown): NodeExecutionError | undefined {
  for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
    if (current instanceof NodeExecutionError) return current;
  }
  return undefined;
}
