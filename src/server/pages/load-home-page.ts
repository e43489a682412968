import type { Caller } from "../auth/caller";
import { getDb } from "../db/client";
import { listWorkflows } from "../workflows/queries";

const HOME_PAGE_WORKFLOWS = 50;

/** What the home page shows: the caller's workspace's workflows, newest first. */
export async function loadHomePage(caller: Caller) {
  const workflows = await listWorkflows(await getDb(), caller.workspaceId, HOME_PAGE_WORKFLOWS);
  return { workflows };
}
