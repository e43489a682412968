import type { RunTrigger } from "../db/schema";

/**
 * Who started a run through the session API. A browser marks a request made by one of the app's
 * own pages `Sec-Fetch-Site: same-origin`, and pages cannot set that header themselves; curl,
 * scripts and other sites' pages do not send it (or send another value). So: `ui` for the web app,
 * `api` for everything else. Browsers send it only to secure origins (https, localhost).
 */
export function sessionRunTrigger(headers: Headers): Extract<RunTrigger, "ui" | "api"> {
  return headers.get("sec-fetch-site") === "same-origin" ? "ui" : "api";
}
