import { localServerStatus, startLocalServer, stopLocalServer } from "../scripts/lib/ejabberd-local";
import { CERTS, TEST_SERVER, fromRepoRoot } from "../scripts/lib/instances";

const WAIT_FOR_OTHER_RUN_MS = 5 * 60_000;

/**
 * Integration tests talk to a real ejabberd on the test ports. Test workers are forked
 * after this runs, so the certificate variable set here reaches them at startup.
 * Two vitest runs at once (two terminals, say) take turns: the second waits for the first
 * to stop its server rather than failing or sharing it.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const deadline = Date.now() + WAIT_FOR_OTHER_RUN_MS;
  for (;;) {
    try {
      await startLocalServer(TEST_SERVER, { fresh: true });
      break;
    } catch (error) {
      const busy = (await localServerStatus(TEST_SERVER)).running;
      if (!busy || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  process.env.NODE_EXTRA_CA_CERTS = fromRepoRoot(CERTS.cert);
  return async () => {
    await stopLocalServer(TEST_SERVER);
  };
}
