import { AppError } from "@/lib/errors";
import type { Caller } from "./caller";
import { resolveSessionCaller } from "./resolve-session-caller";

/** For pages: people without a session go to Clerk's sign-in; the local user never needs one. */
export async function callerOrSignIn(): Promise<Caller> {
  try {
    return await resolveSessionCaller();
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== "unauthorized") throw error;
    const { auth } = await import("@clerk/nextjs/server");
    return (await auth()).redirectToSignIn();
  }
}
