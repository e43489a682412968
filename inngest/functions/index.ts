import { executeRun } from "./execute-run";

/** Every function the app serves at /api/inngest. */
export const functions = [executeRun];
