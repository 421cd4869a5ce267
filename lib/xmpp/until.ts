const POLL_MS = 10;

/**
 * Polls `condition` until it holds (true) or the time is up (false): headless runners wait
 * on the transcript this way, never with a fixed sleep.
 */
export async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (condition()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
