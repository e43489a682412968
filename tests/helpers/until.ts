/**
 * Waits for something that happens in the background (a socket delivery, the
 * engine working); polls each event-loop turn, bounded by a deadline — never a
 * fixed sleep.
 */
export async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
