import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { Agent, fetch as undiciFetch } from "undici";
import { NodeExecutionError } from "@/engine";
import { isBlockedAddress } from "./blocked-addresses";

const MAX_REDIRECTS = 5;

function blockedError(target: string): NodeExecutionError {
  return new NodeExecutionError(
    `Requests to private, loopback or link-local addresses are not allowed: ${target}`,
    {
      code: "egress_blocked",
      retriable: false,
    },
  );
}

/**
 * The address is checked when the connection is made, not when the URL is
 * read, so a name that resolves to an internal address (or is re-pointed there
 * between check and use) is refused too.
 */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, "", 0);
    const allowed = addresses.filter((entry) => !isBlockedAddress(entry.address));
    if (allowed.length === 0 || allowed.length !== addresses.length) {
      return callback(blockedError(hostname) as unknown as NodeJS.ErrnoException, "", 0);
    }
    if (options.all) return callback(null, allowed as unknown as string, 0);
    const first = allowed[0] as LookupAddress;
    callback(null, first.address, first.family);
  });
};

const agent = new Agent({ connect: { lookup: guardedLookup } });

function assertLiteralAllowed(url: URL): void {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  // Literal addresses never go through DNS, so the lookup hook cannot see them.
  if (isIP(host) && isBlockedAddress(host)) throw blockedError(url.host);
}

/**
 * fetch for workflow HTTP nodes in production: no private destinations, and
 * redirects followed by hand (at most five) so every hop is checked.
 */
export const guardedFetch: typeof fetch = async (input, init) => {
  let url = new URL(input instanceof Request ? input.url : String(input));
  let requestInit = init;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    assertLiteralAllowed(url);
    let response: Response;
    try {
      response = (await undiciFetch(url, {
        ...(requestInit as object),
        redirect: "manual",
        dispatcher: agent,
      })) as unknown as Response;
    } catch (error) {
      throw unwrapBlocked(error) ?? error;
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

function unwrapBlocked(error: unknown): NodeExecutionError | undefined {
  for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
    if (current instanceof NodeExecutionError) return current;
  }
  return undefined;
}
