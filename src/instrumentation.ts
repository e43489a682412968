/**
 * Runs once when the server starts. The literal NEXT_RUNTIME check is how Next
 * keeps Node-only code out of the edge bundle, so it stays here rather than in
 * the env module.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { registerNode } = await import("./instrumentation-node");
    await registerNode();
  }
}
