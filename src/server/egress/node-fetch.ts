import { getEnv, httpNodesMayReachPrivateNetworks } from "@/lib/env";
import { guardedFetch } from "./guarded-fetch";

/** The fetch workflow nodes get: guarded against internal destinations unless configured otherwise. */
export function nodeFetch(): typeof fetch {
  return httpNodesMayReachPrivateNetworks(getEnv()) ? globalThis.fetch : guardedFetch;
}
