import { type Env, getEnv, httpNodesMayReachPrivateNetworks } from "@/lib/env";
import { guardedFetch } from "./guarded-fetch";

/**
 * The fetch workflow nodes get (HTTP nodes, model endpoints from workspace credentials, image URLs):
 * the egress guard unless configured otherwise.
 */
export function nodeFetch(env: Env = getEnv()): typeof fetch {
  return httpNodesMayReachPrivateNetworks(env) ? globalThis.fetch : guardedFetch;
}
